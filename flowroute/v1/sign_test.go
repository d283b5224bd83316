package v1

import (
	"encoding/json"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"testing"
)

// signingVector is one worked example from ../shared/testdata/flowroute-v1-signatures.json.
type signingVector struct {
	AccessKey         string `json:"access_key"`
	SecretKey         string `json:"secret_key"`
	Timestamp         string `json:"timestamp"`
	Method            string `json:"method"`
	URL               string `json:"url"`
	Body              string `json:"body"`
	Message           string `json:"message"`
	URLSent           string `json:"url_sent"`
	BasicAuthPassword string `json:"basic_auth_password"`
}

// sharedVectors is the team's copy of the vectors, beside the repository; CI has it too.
const sharedVectors = "../../../shared/testdata/flowroute-v1-signatures.json"

// loadVectors reads the vectors committed in testdata, so that a clone on its own still tests
// them, and, when the shared folder is beside the repository, the shared file as well: a vector
// added there is then tested without anyone copying it.
func loadVectors(t *testing.T) []signingVector {
	t.Helper()
	var all []signingVector
	for _, path := range []string{"../../testdata/flowroute-v1-signatures.json", sharedVectors} {
		raw, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) && path == sharedVectors {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		var f struct{ Vectors []signingVector }
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(f.Vectors) == 0 {
			t.Fatalf("%s: no signing vectors", path)
		}
		all = append(all, f.Vectors...)
	}
	return all
}

func TestSignatureVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Method+" "+v.URL, func(t *testing.T) {
			u, err := url.Parse(v.URL)
			if err != nil {
				t.Fatal(err)
			}
			if got := message(v.Timestamp, v.Method, u, []byte(v.Body)); got != v.Message {
				t.Errorf("message:\n got %q\nwant %q", got, v.Message)
			}
			if got := Signature(v.SecretKey, v.Timestamp, v.Method, u, []byte(v.Body)); got != v.BasicAuthPassword {
				t.Errorf("signature = %s, want %s", got, v.BasicAuthPassword)
			}
			sent := *u
			sent.RawQuery = canonicalQuery(u.Query())
			if got := sent.String() + map[bool]string{true: "?"}[sent.RawQuery == ""]; got != v.URLSent {
				t.Errorf("url sent = %s, want %s", got, v.URLSent)
			}
		})
	}
}
