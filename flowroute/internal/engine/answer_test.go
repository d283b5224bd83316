package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"
)

// answerDoc is a document of the shape the clients decode: a keyed object of structs.
type answerDoc struct {
	TNs map[string]struct {
		BillingMethod string   `json:"billing_method"`
		Routes        []string `json:"routes"`
	} `json:"tns"`
	Links struct {
		Next string `json:"next"`
	} `json:"links"`
}

// TestAnswerRules: answers decode as the clients' types expect (names matched without regard
// to case, as strings.EqualFold has it; members no field names ignored), and a member named
// twice or a string that is not UTF-8 is an error naming the request, never one of them kept;
// so is a null answer, which leaves the value it was to be decoded into as it was.
func TestAnswerRules(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.Handle("GET /v2/ok", answer(200, `{"TNS":{"12065550100":{"Billing_Method":"METERED","routes":["a","b"],"detail":{"x":[1]}}},"links":{"next":"/2"},"extra":null}`))
	e.mux.Handle("GET /v2/delimiter", answer(200, `{"tns":{"12065550100":{"billingmethod":"METERED"}}}`))
	e.mux.Handle("GET /v2/twice", answer(200, `{"tns":{"12065550100":{"billing_method":"METERED"},"12065550100":{"billing_method":"VPRI"}}}`))
	e.mux.Handle("GET /v2/field-twice", answer(200, `{"tns":{"12065550100":{"billing_method":"METERED","BILLING_METHOD":"VPRI"}}}`))
	e.mux.Handle("GET /v2/utf8", answer(200, "{\"tns\":{\"12065550100\":{\"billing_method\":\"MET\xffRED\"}}}"))
	e.mux.Handle("GET /v2/null", answer(200, " null\n"))
	ctx := context.Background()

	var doc answerDoc
	if err := e.eng.Do(ctx, engine.Request{Method: "GET", Path: "ok"}, &doc); err != nil {
		t.Fatalf("GET ok: %v", err)
	}
	var want answerDoc
	want.TNs = map[string]struct {
		BillingMethod string   `json:"billing_method"`
		Routes        []string `json:"routes"`
	}{"12065550100": {BillingMethod: "METERED", Routes: []string{"a", "b"}}}
	want.Links.Next = "/2"
	if d := cmp.Diff(want, doc); d != "" {
		t.Errorf("GET ok (-want +got):\n%s", d)
	}

	doc = answerDoc{}
	if err := e.eng.Do(ctx, engine.Request{Method: "GET", Path: "delimiter"}, &doc); err != nil || doc.TNs["12065550100"].BillingMethod != "" {
		t.Errorf("GET delimiter = %+v, %v; want billingmethod left unmatched, as encoding/json leaves it", doc, err)
	}
	for _, path := range []string{"twice", "field-twice", "utf8", "null"} {
		doc = answerDoc{}
		doc.Links.Next = "kept"
		err := e.eng.Do(ctx, engine.Request{Method: "GET", Path: path}, &doc)
		if err == nil || !strings.Contains(err.Error(), "GET /v2/"+path+": decoding the answer") {
			t.Errorf("GET %s = %+v, %v; want a decoding error naming the request", path, doc, err)
		}
		if path == "null" && doc.Links.Next != "kept" {
			t.Errorf("GET null left %+v; want the value untouched (the v1 client's pages carry fields of their own)", doc)
		}
	}
}
