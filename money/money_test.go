package money

import (
	"encoding/json"
	"testing"
)

func TestParseAndString(t *testing.T) {
	for in, want := range map[string]string{
		"1": "1.00", "1.5": "1.50", "1.25": "1.25", "0.0035": "0.0035", "-2.10": "-2.10", "50.00": "50.00", "0": "0.00",
	} {
		a, err := Parse(in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		if got := a.String(); got != want {
			t.Errorf("Parse(%q).String() = %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{"", ".5", "1.", "1.23456", "1e3", "abc", "+1", "1,25", "99999999999999999999"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", bad)
		}
	}
}

func TestSumIsExact(t *testing.T) {
	var total Amount
	for range 1000 {
		total += MustParse("0.10")
	}
	if total.String() != "100.00" {
		t.Fatalf("1000 × 0.10 = %s, want 100.00", total)
	}
}

func TestJSON(t *testing.T) {
	b, _ := json.Marshal(struct{ C Amount }{MustParse("1.25")})
	if string(b) != `{"C":"1.25"}` {
		t.Fatalf("marshal: %s", b)
	}
	var v struct{ A, B Amount }
	if err := json.Unmarshal([]byte(`{"A":"1.25","B":0.5}`), &v); err != nil || v.A != 12500 || v.B != 5000 {
		t.Fatalf("unmarshal: %+v %v", v, err)
	}
	if err := json.Unmarshal([]byte(`{"A":"x"}`), &v); err == nil {
		t.Fatal("unmarshal of a bad amount succeeded")
	}
}
