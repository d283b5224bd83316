package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parseBoth parses data whole and, where it can, in pieces, and fails the test when the two
// give different specs, positions or errors. It reports whether pieces were used.
func parseBoth(t *testing.T, name string, data []byte) bool {
	t.Helper()
	parse := func(min int) (*Spec, string) {
		l := newLoader()
		l.piecesMin, l.pieceEntries = min, testPiece
		l.parseFile(name, data)
		s, err := l.finish()
		if err != nil {
			return nil, err.Error()
		}
		return s, ""
	}
	whole, wholeErr := parse(1 << 62)
	pieces, piecesErr := parse(0)
	if diff := cmp.Diff(wholeErr, piecesErr); diff != "" {
		t.Errorf("%s: errors whole and in pieces differ (-whole +pieces):\n%s", name, diff)
	}
	if !reflect.DeepEqual(whole, pieces) {
		diff := cmp.Diff(whole, pieces)
		t.Errorf("%s: specs whole and in pieces differ (-whole +pieces):\n%s", name, diff)
	}
	_, _, _, ok := splitNumbers(data, 0, testPiece)
	return ok
}

// testPiece is the numbers in a piece in tests, so that small specs have several.
const testPiece = 16

// TestPiecesMeanTheWhole reads every spec under testdata, and variations of a large one, in
// pieces and whole, and requires the same result.
func TestPiecesMeanTheWhole(t *testing.T) {
	t.Parallel()
	split := 0
	for _, dir := range []string{goodDir, badDir, filepath.Join(goodDir, "multi"), filepath.Join(badDir, "duplicate-across-files")} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if name := e.Name(); strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") {
				data, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if parseBoth(t, name, data) {
					split++
				}
			}
		}
	}
	big := string(bigSpec(3*testPiece + 2))
	for name, data := range map[string]string{
		"big.yaml":         big,
		"crlf.yaml":        strings.ReplaceAll(big, "\n", "\r\n"),
		"no-newline.yaml":  strings.TrimSuffix(big, "\n"),
		"policy-after":     big + "policy:\n  max_purchases: 0\n",
		"comments":         strings.Replace(big, "numbers:\n", "numbers: # all of them\n# the first\n\n", 1),
		"dup":              big + "  \"12062000000\": {}\n",
		"dup-key":          big + "numbers:\n  \"13125550100\": {}\n",
		"quoted-dup-key":   big + "\"numbers\": {}\n",
		"bad-number":       strings.Replace(big, "\"12062000005\"", "\"+1 206 200 0005\"", 1),
		"bad-route":        strings.Replace(big, "pbx-07, failover_route", "pbx-7, failover_route", 1),
		"unknown-field":    strings.Replace(big, "{primary_route: pbx-03,", "{primary: pbx-03,", 1),
		"nested":           strings.Replace(big, "  \"12062000009\": {primary_route: pbx-09, failover_route: pbx-10}\n", "  \"12062000009\":\n    primary_route: pbx-09\n\n    failover_route: pbx-10\n", 1),
		"flow-same-indent": strings.Replace(big, "  \"12062000016\": {primary_route: pbx-16, failover_route: pbx-17}\n", "  \"12062000016\": {primary_route: pbx-16,\n  failover_route: pbx-17}\n", 1),
		"syntax":           strings.Replace(big, "  \"12062000017\": {primary_route: pbx-17, failover_route: pbx-18}\n", "  \"12062000017\": {primary_route: pbx-17\n", 1),
		"open-quote":       strings.Replace(big, "  \"12062000015\": {", "  \"12062000015: {", 1),
		"indent":           strings.Replace(big, "  \"12062000040\"", "   \"12062000040\"", 1),
		"less-indent":      strings.Replace(big, "  \"12062000040\"", " \"12062000040\"", 1),
		"list":             strings.Replace(big, "numbers:\n", "numbers:\n  - a\n", 1),
		"anchor":           strings.Replace(big, "defaults:\n", "defaults: &d\n", 1),
		"empty-block":      strings.Replace(big, "numbers:\n", "numbers:\npolicy: {}\nx-n:\n", 1),
	} {
		parseBoth(t, name, []byte(data))
	}
	if !parseBoth(t, "big.yaml", []byte(big)) {
		t.Error("the large spec was not read in pieces")
	}
	if split == 0 {
		t.Error("no spec under testdata was read in pieces")
	}
}

// TestSplitNumbers checks where a block is cut, and what is refused.
func TestSplitNumbers(t *testing.T) {
	t.Parallel()
	data := []byte(string(bigSpec(2*testPiece+1)) + "policy: {}\n")
	rest, pieces, entries, ok := splitNumbers(data, 0, testPiece)
	if !ok || entries != 2*testPiece+1 || len(pieces) != 3 {
		t.Fatalf("ok %v, %d entries, %d pieces", ok, entries, len(pieces))
	}
	if got := strings.Count(string(rest), "\n"); got != strings.Count(string(data), "\n") {
		t.Errorf("rest has %d lines, want %d", got, strings.Count(string(data), "\n"))
	}
	if !strings.HasSuffix(string(rest), "numbers:\n"+strings.Repeat("\n", entries)+"policy: {}\n") {
		t.Errorf("rest ends %q", rest[len(rest)-100:])
	}
	for i, p := range pieces {
		first := strings.SplitN(string(p.data), "\n", 2)[0]
		if want := fmt.Sprintf("  \"1206%07d\"", 2000000+i*testPiece); !strings.HasPrefix(first, want) {
			t.Errorf("piece %d starts %q, want %s", i, first, want)
		}
	}
	for _, bad := range []string{"numbers:\n  \"12065550100\": {}\nx: &a 1\n", "\"numbers\": {}\n", "x:\n  numbers:\n    a: 1\n"} {
		if _, _, _, ok := splitNumbers([]byte(bad), 0, testPiece); ok {
			t.Errorf("splitNumbers(%q) is ok", bad)
		}
	}
}
