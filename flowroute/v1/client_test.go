package v1_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
)

func TestNewEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		endpoint string
		want     string // Endpoint(), or "" when New must refuse
	}{
		{"", "https://api.flowroute.com/v1/"},
		{"https://api.flowroute.com/v1", "https://api.flowroute.com/v1/"},
		{"https://proxy.example.com:8443/flowroute/v1/", "https://proxy.example.com:8443/flowroute/v1/"},
		{"http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1/"},
		{"http://127.9.9.9/v1", "http://127.9.9.9/v1/"},
		{"http://localhost:9/v1", "http://localhost:9/v1/"},
		{"http://LOCALHOST/v1", "http://LOCALHOST/v1/"},
		{"http://[::1]:8080/v1", "http://[::1]:8080/v1/"},
		{"http://api.flowroute.com/v1", ""},
		{"http://10.0.0.1/v1", ""},
		{"http://localhost.example.com/v1", ""},
		{"http://[::2]/v1", ""},
		{"ftp://127.0.0.1/v1", ""},
		{"api.flowroute.com/v1", ""},
		{"https:///v1", ""},
		{"https://api.flowroute.com/v1?x=1", ""},
		{"https://user:" + testSecret + "@api.flowroute.com/v1", ""},
		{"https://api.flowroute.com/%zz", ""},
	}
	for _, tt := range tests {
		c, err := v1.New(tt.endpoint, testAccess, testSecret)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("New(%q) accepted it", tt.endpoint)
		case tt.want != "" && err != nil:
			t.Errorf("New(%q): %v", tt.endpoint, err)
		case tt.want != "" && c.Endpoint() != tt.want:
			t.Errorf("New(%q).Endpoint() = %q, want %q", tt.endpoint, c.Endpoint(), tt.want)
		}
		if err != nil && strings.Contains(err.Error(), testSecret) {
			t.Errorf("New(%q) error shows the secret: %v", tt.endpoint, err)
		}
	}
	if _, err := v1.New("", testAccess, ""); err == nil {
		t.Error("New without a secret key accepted it")
	}
	if _, err := v1.New("", "", testSecret); err == nil {
		t.Error("New without an access key accepted it")
	}
}

// TestSecretNeverShown: the secret key (and the signatures made from it) appear in no printed
// form of the client, no error and no log line.
func TestSecretNeverShown(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	e := setup(t, v1.WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	e.mux.Handle("GET /v1/routes/", answer(401, `{"error":"Authentication failed."}`))
	e.mux.Handle("PUT /v1/tns/{tn}", answer(500, ``))
	c := e.client

	var shown []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T"} {
		shown = append(shown, fmt.Sprintf(verb, c), fmt.Sprintf(verb, *c))
	}
	shown = append(shown, c.String(), c.GoString(), fmt.Sprint([]any{c}), fmt.Sprintf("%+v", struct{ C *v1.Client }{c}))

	ctx := context.Background()
	_, err := c.ListRoutes(ctx, v1.PageOptions{})
	shown = append(shown, fmt.Sprintf("%+v", err))
	shown = append(shown, fmt.Sprintf("%+v", c.PurchaseNumber(ctx, "12067439178", "METERED")))
	_, err = c.GetNumber(ctx, "bad")
	shown = append(shown, fmt.Sprintf("%+v", err))

	// A network error, too.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	closed, err := v1.New("http://"+addr+"/v1", testAccess, testSecret, v1.WithRetry(v1.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = closed.AllNumbers(ctx, "")
	shown = append(shown, fmt.Sprintf("%+v", err), logs.String())

	auth := e.requests()[0].Header.Get("Authorization")
	signature := strings.TrimPrefix(auth, "Basic ")
	for _, s := range shown {
		if strings.Contains(s, testSecret) || strings.Contains(s, signature) {
			t.Errorf("secret shown: %s", s)
		}
	}
	if !strings.Contains(c.String(), "endpoint: "+e.endpoint) || !strings.Contains(c.String(), "ACCE****") {
		t.Errorf("String() = %s, want the endpoint and a shortened access key", c.String())
	}
	if !strings.Contains(shown[0], "v1.Client{") {
		t.Errorf("%%v = %s", shown[0])
	}
}

// TestWithHTTPClient: requests go through the given client.
func TestWithHTTPClient(t *testing.T) {
	t.Parallel()
	var used bool
	rt := roundTripper(func(r *http.Request) (*http.Response, error) {
		used = true
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(`{}`)), Header: http.Header{}, Request: r}, nil
	})
	c, err := v1.New("", testAccess, testSecret, v1.WithHTTPClient(&http.Client{Transport: rt}), v1.WithRateLimit(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListRoutes(context.Background(), v1.PageOptions{}); err != nil || !used {
		t.Errorf("ListRoutes = %v, transport used %v", err, used)
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestBadSuccessBody: a 200 whose body is not the JSON expected is an error, not an empty page.
func TestBadSuccessBody(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.Handle("GET /v1/routes/", answer(200, `<html>maintenance</html>`))
	e.mux.Handle("GET /v1/tns/", answer(200, `{"tns":["12062092844"]}`))
	if _, err := e.client.ListRoutes(context.Background(), v1.PageOptions{}); err == nil {
		t.Error("ListRoutes accepted HTML")
	}
	if _, err := e.client.ListNumbers(context.Background(), "", v1.PageOptions{}); err == nil {
		t.Error("ListNumbers accepted a list that is not an object")
	}
}

// TestRedirectNotFollowed: a 3xx is an error, never followed. Following a 301 would turn a
// purchase into a GET of the new location and report the purchase done when nothing was
// bought; following any redirect would send the signature to wherever it points, plain http
// included.
func TestRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		opts []v1.Option
	}{
		{"own http client", nil},
		{"given http client", []v1.Option{v1.WithHTTPClient(&http.Client{})}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, tt.opts...)
			e.mux.HandleFunc("PUT /v1/tns/{tn}", func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "/v1/elsewhere", http.StatusMovedPermanently)
			})
			e.mux.HandleFunc("GET /v1/routes/", func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "/v1/elsewhere", http.StatusTemporaryRedirect)
			})
			e.mux.HandleFunc("/v1/elsewhere", func(w http.ResponseWriter, r *http.Request) { reply(w, 200, `{}`) })

			err := e.client.PurchaseNumber(context.Background(), "12062092844", "METERED")
			var apiErr *v1.APIError
			if !errors.As(err, &apiErr) || apiErr.Status != http.StatusMovedPermanently {
				t.Errorf("PurchaseNumber answered 301 = %v, want an *APIError with status 301", err)
			}
			_, err = e.client.ListRoutes(context.Background(), v1.PageOptions{})
			if !errors.As(err, &apiErr) || apiErr.Status != http.StatusTemporaryRedirect {
				t.Errorf("ListRoutes answered 307 = %v, want an *APIError with status 307", err)
			}
			for _, r := range e.requests() {
				if strings.HasPrefix(r.URI, "/v1/elsewhere") {
					t.Errorf("followed the redirect: %s %s", r.Method, r.URI)
				}
			}
		})
	}
}

// TestDocumentedDefaults: the defaults the package documentation states are the client's.
func TestDocumentedDefaults(t *testing.T) {
	t.Parallel()
	p := v1.DefaultRetryPolicy
	if v1.DefaultParallelism != 8 || v1.DefaultRateLimit != 20 || v1.DefaultBurst != 10 || v1.DefaultTimeout != 30*time.Second ||
		p.MaxAttempts != 4 || p.MinBackoff != 250*time.Millisecond || p.MaxBackoff != 10*time.Second || p.RateLimitAttempts != 20 || p.RateLimitWait != 5*time.Minute {
		t.Errorf("defaults %d, %v, %d, %v, %+v: update the documentation of DefaultParallelism and DefaultRetryPolicy",
			v1.DefaultParallelism, v1.DefaultRateLimit, v1.DefaultBurst, v1.DefaultTimeout, p)
	}
}
