package cli

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// TestEndlessAccountNamesTheFlag: a server whose list of numbers never ends is stopped at
// --max-account-numbers, with an error that names the endpoint, the next page the server
// announced and the flag that raises the bound.
func TestEndlessAccountNamesTheFlag(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/v1/tns/" {
			fmt.Fprint(w, `{}`)
			return
		}
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		var b strings.Builder
		for i := range 200 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"1%010d":{"billing_method":"METERED","routes":[]}`, 2_000_000_000+page*200+i)
		}
		fmt.Fprintf(w, `{"tns":{%s},"links":{"next":"/v1/tns/?limit=200&page=%d"}}`, b.String(), page+1)
	}))
	defer srv.Close()
	var stdout, stderr bytes.Buffer
	code := run([]string{"export", "--endpoint", srv.URL + "/v1", "--access-key", "a-key", "--secret-key", "a-secret",
		"--client-rate-limit", "0", "--max-account-numbers", "1000"}, &stdout, &stderr)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{"GET /v1/tns/", "more than 1000 items", `next "/v1/tns/?limit=200&page=`, "--max-account-numbers"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q, want it to say %q", stderr.String(), want)
		}
	}
}
