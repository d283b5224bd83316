package engine_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"
)

// echoForms are the forms in which a server could echo the credentials it got, by name. The
// secret has characters that URL escaping changes and, with the access key, gives base64
// whose standard and URL alphabets differ, so that no two kinds of form coincide.
func echoForms(access, secret string) map[string]string {
	pair := access + ":" + secret
	forms := map[string]string{
		"secret":               secret,
		"secret lower case":    strings.ToLower(secret),
		"secret upper case":    strings.ToUpper(secret),
		"secret mixed case":    swapCase(secret),
		"secret query-escaped": url.QueryEscape(secret),
		"secret path-escaped":  url.PathEscape(secret),
		"pair query-escaped":   url.QueryEscape(pair),
		"pair path-escaped":    url.PathEscape(pair),
		"escaped lower hex":    strings.ToLower(url.QueryEscape(secret)),
	}
	for name, enc := range map[string]*base64.Encoding{
		"base64": base64.StdEncoding, "base64 unpadded": base64.RawStdEncoding,
		"base64url": base64.URLEncoding, "base64url unpadded": base64.RawURLEncoding,
	} {
		forms["secret "+name] = enc.EncodeToString([]byte(secret))
		forms["pair "+name] = enc.EncodeToString([]byte(pair))
	}
	return forms
}

func swapCase(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z':
			return r - 'a' + 'A'
		case 'A' <= r && r <= 'Z':
			return r - 'A' + 'a'
		}
		return r
	}, s)
}

// TestRedactEchoedCredentials: a server that echoes the credentials, in any form it could
// produce them, in an error body, in an error envelope on a success, or in its headers,
// never gets them into an error or a log line: each form is redacted.
func TestRedactEchoedCredentials(t *testing.T) {
	t.Parallel()
	const access, secret = "ACCESS-KEY-42", "Se/cr+et Key?&=~>>!!"
	forms := echoForms(access, secret)
	// The forms must differ where the test claims to cover them.
	for _, pair := range [][2]string{
		{"secret", "secret query-escaped"}, {"secret", "secret path-escaped"}, {"secret query-escaped", "secret path-escaped"},
		{"secret base64", "secret base64url"}, {"pair base64", "pair base64url"},
		{"secret base64", "secret base64 unpadded"}, {"pair base64", "pair base64 unpadded"},
	} {
		if forms[pair[0]] == forms[pair[1]] {
			t.Fatalf("the test's secret gives the same %s and %s: %q", pair[0], pair[1], forms[pair[0]])
		}
	}
	for name, form := range forms {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var log bytes.Buffer
			e := setupKeys(t, access, secret, engine.WithLogger(slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			echo := func(status int, body string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("X-Echo", form)
					w.Header().Set("WWW-Authenticate", `Basic realm="`+form+`"`)
					w.Header().Set("Retry-After", form)
					answer(status, fmt.Sprintf(body, strings.ReplaceAll(form, `"`, `\"`)))(w, r)
				}
			}
			e.mux.Handle("GET /v2/denied", echo(401, `{"errors":[{"detail":"bad credentials %s","status":401}]}`))
			e.mux.Handle("GET /v2/plain", echo(403, `forbidden for %s`))
			e.mux.Handle("GET /v2/envelope", echo(200, `{"errors":[{"title":"Oops","detail":"you sent %s"}]}`))
			e.mux.Handle("POST /v2/failed", echo(500, `{"errors":[{"detail":"could not use %s","status":500}]}`))
			e.mux.Handle("GET /v2/garbled", echo(200, `{"data": %s}`))
			ctx := context.Background()
			for _, req := range []engine.Request{
				{Method: "GET", Path: "denied"},
				{Method: "GET", Path: "plain"},
				{Method: "GET", Path: "envelope"},
				{Method: "POST", Path: "failed", Body: map[string]string{}},
				{Method: "GET", Path: "garbled"},
			} {
				var out map[string]any
				err := e.eng.Do(ctx, req, &out)
				if err == nil {
					t.Fatalf("%s %s: no error", req.Method, req.Path)
				}
				if req.Path != "garbled" && !strings.Contains(err.Error(), "[redacted]") {
					t.Errorf("%s %s: error = %v, want the echo redacted", req.Method, req.Path, err)
				}
				for other, v := range forms {
					if strings.Contains(err.Error(), v) {
						t.Errorf("%s %s: the error shows the %s: %v", req.Method, req.Path, other, err)
					}
				}
			}
			for other, v := range forms {
				if strings.Contains(log.String(), v) {
					t.Errorf("the log shows the %s: %s", other, log.String())
				}
			}
		})
	}
}
