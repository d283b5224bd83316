package v2

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBulkDetails(t *testing.T) {
	t.Parallel()
	e := setup(t, WithBulkSize(4))
	e.fake.addNumbers(12065550100, 10)
	r, err := e.client.CreateRoute(ctx, RouteInput{Alias: "pbx", Type: "host", Value: "pbx.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.client.SetFailoverRoute(ctx, "12065550103", r.ID); err != nil {
		t.Fatal(err)
	}
	e.requests()
	tns := []string{"12065550109", "12065550103", "12065559999", "12065550100", "12065550103", "12065550101", "12065550102", "12065550104"}
	ns, err := e.client.NumberDetails(ctx, tns)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range ns {
		got = append(got, n.TN)
		if !n.Detailed || n.PrimaryRouteID != "0" {
			t.Errorf("%s: %+v", n.TN, n)
		}
	}
	if diff := cmp.Diff([]string{"12065550100", "12065550101", "12065550102", "12065550103", "12065550104", "12065550109"}, got); diff != "" {
		t.Errorf("numbers (-want +got):\n%s", diff)
	}
	if n := ns[3]; n.FailoverRouteID != r.ID || n.PrimaryRouteID != "0" { // (no included objects: decode_test reads those)
		t.Errorf("v2.1 names: %+v", n)
	}
	rs := e.requests()
	if len(rs) != 2 {
		t.Fatalf("requests %v", lines(rs))
	}
	for _, r := range rs {
		if r.Method != "POST" || r.URI != "/v2.1/numbers/details" {
			t.Errorf("request %s %s", r.Method, r.URI)
		}
	}
	if !strings.Contains(rs[0].Body+rs[1].Body, `{"numbers":["+12065550100","+12065550101","+12065550102","+12065550103"]}`) {
		t.Errorf("bodies %s %s", rs[0].Body, rs[1].Body)
	}
	if ok, known := e.client.HasBulkDetails(); !ok || !known {
		t.Errorf("HasBulkDetails = %v, %v", ok, known)
	}
}

// TestBulkDetailsFallback: a server without the bulk details (404 or 405) is asked once; from
// then on every number is read on its own.
func TestBulkDetailsFallback(t *testing.T) {
	t.Parallel()
	for _, status := range []int{404, 405} {
		e := setup(t, WithBulkSize(2))
		e.fake.addNumbers(12065550100, 3)
		e.override("POST /v2.1/numbers/details", func(w http.ResponseWriter, r *http.Request) {
			apiErr(w, status, "Method Not Allowed", "The method is not allowed for the requested URL.")
		})
		if _, known := e.client.HasBulkDetails(); known {
			t.Fatal("known before asking")
		}
		ns, err := e.client.NumberDetails(ctx, []string{"12065550100", "12065550101", "12065550102", "12065559999"})
		if err != nil {
			t.Fatal(err)
		}
		if len(ns) != 3 || !ns[2].Detailed {
			t.Errorf("%d: %+v", status, ns)
		}
		ns, err = e.client.NumberDetails(ctx, []string{"12065550100"})
		if err != nil || len(ns) != 1 {
			t.Fatalf("%d: %v %v", status, ns, err)
		}
		var bulk, gets int
		for _, r := range e.requests() {
			switch {
			case r.Method == "POST":
				bulk++
			case r.Method == "GET":
				gets++
			}
		}
		if bulk < 1 || bulk > 2 || gets != 5 { // both first chunks may have asked at once
			t.Errorf("%d: %d bulk requests, %d reads", status, bulk, gets)
		}
		if ok, known := e.client.HasBulkDetails(); ok || !known {
			t.Errorf("%d: HasBulkDetails = %v, %v", status, ok, known)
		}
	}
}

// TestBulkDetailsLost: a bulk request whose answer is lost is a read: the chunk is read again
// number by number, and the bulk details stay in use.
func TestBulkDetailsLost(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.fake.addNumbers(12065550100, 2)
	e.override("POST /v2.1/numbers/details", e.once(func(w http.ResponseWriter, r *http.Request) { apiErr(w, 503, "", "offline") }))
	ns, err := e.client.NumberDetails(ctx, []string{"12065550100", "12065550101"})
	if err != nil || len(ns) != 2 {
		t.Fatalf("%v %v", ns, err)
	}
	if got := lines(e.requests()); len(got) != 3 || got[0] != "POST /v2.1/numbers/details" {
		t.Errorf("requests %v", got)
	}
	if _, known := e.client.HasBulkDetails(); known {
		t.Error("a lost answer told whether the server has bulk details")
	}
}

func TestProbeBulkDetails(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if ok, err := e.client.ProbeBulkDetails(ctx); !ok || err != nil {
		t.Errorf("probe = %v, %v", ok, err)
	}
	e = setup(t)
	e.fake.setBulk(false)
	if ok, err := e.client.ProbeBulkDetails(ctx); ok || err != nil {
		t.Errorf("probe without bulk = %v, %v", ok, err)
	}
	if ok, _ := e.client.ProbeBulkDetails(ctx); ok || len(e.requests()) != 1 {
		t.Error("the answer is not remembered")
	}
}
