package v2

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"
)

// FuzzDecodeV2 feeds arbitrary bodies to every decoder of v2 answers: list pages of each
// kind, the single documents, the bulk details, the CNAM association, and the error list. None
// may panic; each is deterministic; a page's NextOffset agrees with its Next link; an error
// message is valid UTF-8 of bounded length.
func FuzzDecodeV2(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "docs", "*.json*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if strings.HasSuffix(name, ".jsonl") {
			sc := bufio.NewScanner(bytes.NewReader(data))
			for sc.Scan() {
				f.Add(append([]byte(nil), sc.Bytes()...))
			}
			continue
		}
		f.Add(data)
	}
	for _, seed := range []string{
		``, `null`, `{}`, `[]`, `{"data":null}`, `{"data":[null]}`, `{"data":{}}`, `{"data":"x"}`,
		`{"data":[{"id":1e999}]}`, `{"data":{"relationships":{"primary_route":{"data":[{"id":1},null]}}}}`,
		`{"data":{"attributes":{"monthly_cost":"1e400"}}}`, `{"links":{"next":"%zz?offset=-1"}}`,
		`{"errors":[{"detail":{"data":{"attributes":{"zip":"x"}}},"id":7,"title":null}]}`, `{"errors":[]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		// the scalars, fed directly: what json.Unmarshal would never hand them
		var fs flexString
		if err := fs.UnmarshalJSON(body); err == nil {
			var want string
			if json.Unmarshal(body, &want) == nil && string(fs) != want {
				t.Errorf("flexString(%q) = %q, json says %q", body, fs, want)
			}
		}
		var fb flexBool
		_ = fb.UnmarshalJSON(body)
		var fm flexMoney
		_ = fm.UnmarshalJSON(body)
		if msg, _ := (engine.ErrorList{}).Decode(422, body); !utf8.ValidString(engine.Snippet(msg)) || utf8.RuneCountInString(engine.Snippet(msg)) > engine.MessageLimit+1 {
			t.Errorf("error message %q", engine.Snippet(msg))
		}
		checkPage(t, body, toAvailable)
		checkPage(t, body, toCode)
		checkPage(t, body, toListedNumber)
		checkPage(t, body, toRoute)
		checkPage(t, body, toEdgeStrategy)
		checkPage(t, body, toCNAM)
		checkPage(t, body, toE911)
		checkPage(t, body, toE911Number)
		same(t, body, decodeNumber)
		same(t, body, decodeDetails)
		same(t, body, decodeRoute)
		same(t, body, decodeCNAM)
		same(t, body, decodeCNAMAssociation)
		same(t, body, decodeE911)
		if ns, err := decodeDetails(body); err == nil {
			for _, n := range ns {
				if n.CNAM != nil && n.CNAMID != "" && n.CNAM.ID != n.CNAMID {
					t.Errorf("number %s names CNAM %s but carries %s", n.TN, n.CNAMID, n.CNAM.ID)
				}
			}
		}
	})
}

// checkPage decodes body as a page twice, and checks the page's links.
func checkPage[A, T any](t *testing.T, body []byte, conv func(*resource[A]) (T, error)) {
	t.Helper()
	p, err := decodePage(body, conv)
	q, err2 := decodePage(body, conv)
	if (err == nil) != (err2 == nil) {
		t.Fatalf("decodePage is not deterministic: %v / %v", err, err2)
	}
	if err != nil {
		return
	}
	if diff := cmp.Diff(p, q); diff != "" {
		t.Fatalf("decodePage is not deterministic:\n%s", diff)
	}
	if p.Next == "" && p.NextOffset != -1 || p.NextOffset < -1 {
		t.Errorf("next %q, offset %d", p.Next, p.NextOffset)
	}
}

// same decodes body twice with dec and requires the same outcome.
func same[T any](t *testing.T, body []byte, dec func([]byte) (T, error)) {
	t.Helper()
	a, err := dec(body)
	b, err2 := dec(body)
	if (err == nil) != (err2 == nil) {
		t.Fatalf("not deterministic: %v / %v", err, err2)
	}
	if err == nil {
		if diff := cmp.Diff(a, b); diff != "" {
			t.Fatalf("not deterministic:\n%s", diff)
		}
	}
}
