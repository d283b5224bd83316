package engine_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"
)

// TestBasicAuth: every attempt carries "Authorization: Basic base64(access:secret)", and the
// configured media types.
func TestBasicAuth(t *testing.T) {
	t.Parallel()
	e := setup(t, engine.WithMediaType("application/vnd.api+json", "application/vnd.api+json"))
	e.mux.Handle("POST /v2/numbers/{id}", sequence(answer(503, `{}`), answer(201, `{"data":{}}`)))
	e.mux.Handle("GET /v2/numbers/{id}", answer(200, `{"data":{"id":"12065550100"}}`))
	var doc struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := e.eng.Do(context.Background(), engine.Request{Method: "GET", Path: "numbers/12065550100"}, &doc); err != nil || doc.Data.ID != "12065550100" {
		t.Fatalf("GET = %+v, %v", doc, err)
	}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(testAccess+":"+testSecret))
	for _, r := range e.requests() {
		if got := r.Header.Get("Authorization"); got != want {
			t.Errorf("%s %s: Authorization = %q, want %q", r.Method, r.URI, got, want)
		}
		if got := r.Header.Get("Accept"); got != "application/vnd.api+json" {
			t.Errorf("Accept = %q", got)
		}
	}
	if a := (engine.BasicAuth{AccessKey: testAccess, SecretKey: testSecret}); len(a.Secrets()) != 1 || a.Secrets()[0] != testSecret {
		t.Errorf("Secrets() = %v", a.Secrets())
	}
}

// TestErrorKinds: the engine's errors match the sentinel of their kind, so callers never look
// at a status code.
func TestErrorKinds(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.Handle("GET /v2/numbers/404", answer(404, `{"errors":[{"detail":"Could not find that resource on your account.","id":"d66802f3","status":404}]}`))
	e.mux.Handle("POST /v2/routes", answer(409, `{"errors":[{"detail":"taken","status":409}]}`))
	e.mux.Handle("GET /v2/routes", answer(429, `{"errors":[{"title":"Too Many Requests","status":429}]}`))
	e.mux.Handle("POST /v2/numbers/500", answer(500, `{"errors":[{"title":"Internal Server Error","status":500}]}`))
	ctx := context.Background()
	for _, tt := range []struct {
		req  engine.Request
		want []error
		not  []error
	}{
		{engine.Request{Method: "GET", Path: "numbers/404"}, []error{engine.ErrNotFound}, []error{engine.ErrConflict, engine.ErrOutcomeUnknown}},
		{engine.Request{Method: "POST", Path: "routes", Body: map[string]string{}}, []error{engine.ErrConflict}, []error{engine.ErrNotFound, engine.ErrOutcomeUnknown}},
		{engine.Request{Method: "GET", Path: "routes"}, []error{engine.ErrRateLimited}, []error{engine.ErrNotFound}},
		{engine.Request{Method: "POST", Path: "numbers/500"}, []error{engine.ErrOutcomeUnknown}, []error{engine.ErrNotFound, engine.ErrRateLimited}},
	} {
		err := e.eng.Do(ctx, tt.req, nil)
		for _, w := range tt.want {
			if !errors.Is(err, w) {
				t.Errorf("%s %s: error %v does not match %v", tt.req.Method, tt.req.Path, err, w)
			}
		}
		for _, w := range tt.not {
			if errors.Is(err, w) {
				t.Errorf("%s %s: error %v matches %v", tt.req.Method, tt.req.Path, err, w)
			}
		}
	}
}

// TestErrorList: v2's envelope, in every shape the docs show.
func TestErrorList(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		status   int
		body     string
		want     string
		envelope bool
	}{
		{401, `{"errors":[{"detail":"Authentication failed.","id":"7fc8c70a-ca58-430c-b383-b89df84f8083","status":401,"title":"Unauthorized"}]}`,
			"Unauthorized: Authentication failed. (id 7fc8c70a-ca58-430c-b383-b89df84f8083)", true},
		{403, `{"errors":[{"status":403,"detail":"","title":"ActionNotAuthorizedError"}]}`, "ActionNotAuthorizedError", true},
		{404, `{"errors":[{"detail":"Could not find that resource on your account.","id":"d66802f3","status":404}]}`,
			"Could not find that resource on your account. (id d66802f3)", true},
		{422, `{"errors":[{"detail":{"data":{"attributes":{"zip":["ZIP code must be at least 4 and at most 7 digits long"]}}},"id":"15eb","status":422}]}`,
			"zip: ZIP code must be at least 4 and at most 7 digits long (id 15eb)", true},
		{422, `{"errors":[{"detail":{"other":1}},{"title":"Second"}]}`, `{"other":1}; Second`, true},
		{400, `{"errors":[{}]}`, "Bad Request", true},
		{400, `{"errors":[]}`, "Bad Request", false},
		{400, `{}`, "Bad Request", false},
		{502, "<h1>Bad\n Gateway</h1>", "<h1>Bad Gateway</h1>", false},
		{500, ``, "Internal Server Error", false},
		{200, `{"data":[]}`, `{"data":[]}`, false},
	} {
		got, env := engine.ErrorList{}.Decode(tt.status, []byte(tt.body))
		got = engine.Snippet(got)
		if got != tt.want || env != tt.envelope {
			t.Errorf("Decode(%d, %s) = %q, %v; want %q, %v", tt.status, tt.body, got, env, tt.want, tt.envelope)
		}
	}
}

// TestParseEndpointKeepsSecretsOutOfErrors: a key pasted into the endpoint's query, fragment
// or user info never reaches the error that refuses it.
func TestParseEndpointKeepsSecretsOutOfErrors(t *testing.T) {
	t.Parallel()
	for _, endpoint := range []string{
		"https://api.example.com/v1?key=SECRET",
		"https://api.example.com/v1#SECRET",
		"https://user:SECRET@api.example.com/v1",
		"https:///v1?SECRET",
	} {
		_, err := engine.ParseEndpoint(endpoint)
		if err == nil {
			t.Errorf("%s: accepted", endpoint)
			continue
		}
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: the error shows the secret: %v", endpoint, err)
		}
	}
}
