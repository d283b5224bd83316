package plan

import (
	"strconv"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// TestAppendQuoted: the digest's quoting is strconv.AppendQuote's, byte for byte, so that a
// state hashes as it always has.
func TestAppendQuoted(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "12065550100", "pbx-0001", "sip:1@10.0.0.1:5060;transport=tcp", " ~", "a b",
		`say "hi"`, `back\slash`, "tab\there", "new\nline", "\x00", "\x1f", "\x7f", "caf\u00e9", "\u00a0", "\u2028",
		"\xff", "ok\xffok", "\U0001F600", "\uFEFF"} {
		if got, want := string(appendQuoted([]byte("x"), s)), string(strconv.AppendQuote([]byte("x"), s)); got != want {
			t.Errorf("appendQuoted(%q) = %s, want %s", s, got, want)
		}
	}
}

// TestDigestKeysGiven: the digest of a state whose keys are given in order is the digest of the
// state, and keys that are not exactly the state's, in order, change nothing.
func TestDigestKeysGiven(t *testing.T) {
	t.Parallel()
	current := onAccount(map[string]spec.Route{"pbx": host, "b": backup},
		map[string]spec.Number{tnA: metered("pbx", "b"), tnB: {}, tnC: {Alias: "front desk"}})
	want := Digest(current)
	for name, tns := range map[string][]string{
		"in order":     {tnA, tnB, tnC},
		"none":         nil,
		"out of order": {tnB, tnA, tnC},
		"one missing":  {tnA, tnC},
		"one more":     {tnA, tnB, tnC, "12065550103"},
		"another":      {tnA, tnB, "12065550103"},
		"twice":        {tnA, tnA, tnB},
	} {
		if got := digest(current, tns); got != want {
			t.Errorf("%s: digest = %s, want %s", name, got, want)
		}
	}

	// The state fetch builds gives its keys when the list has them in order, and only then.
	number := func(tn string) account.Number { return account.Number{TN: tn, Detailed: true} }
	for _, tt := range []struct {
		numbers []account.Number
		keys    bool
	}{
		{[]account.Number{number(tnA), number(tnB), number(tnC)}, true},
		{[]account.Number{number(tnB), number(tnA), number(tnC)}, false},
		{[]account.Number{number(tnA), number(tnA), number(tnC)}, false},
	} {
		st := (&fetched{caps: account.Capabilities{ListHasRoutes: true}, numbers: tt.numbers}).state()
		if got := st.tns != nil; got != tt.keys || tt.keys && len(st.tns) != len(st.Numbers) {
			t.Errorf("state of %v: keys %v, want keys: %v", tt.numbers, st.tns, tt.keys)
		}
	}
}
