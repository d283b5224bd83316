package v1_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
)

// manyNumbers returns n owned numbers in server (numerical) order, and their list members.
func manyNumbers(n int) ([]v1.Number, []string) {
	var nums []v1.Number
	var members []string
	for i := range n {
		tn := fmt.Sprintf("1206%07d", 5550000+i*7)
		nums = append(nums, ownedNumber(tn))
		members = append(members, numberMember(tn))
	}
	return nums, members
}

// TestAllNumbersConcurrentEqualsSequential: walking 2,345 numbers (12 pages of 200) one page
// at a time and eight at a time gives the same, complete, ordered list.
func TestAllNumbersConcurrentEqualsSequential(t *testing.T) {
	t.Parallel()
	want, members := manyNumbers(2345)
	for _, par := range []int{1, 3, 8} {
		t.Run(fmt.Sprint("parallelism ", par), func(t *testing.T) {
			t.Parallel()
			e := setup(t, v1.WithParallelism(par))
			e.mux.Handle("GET /v1/tns/", &pager{key: "tns", path: "/v1/tns/", items: members})
			got, err := e.client.AllNumbers(context.Background(), "")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("numbers (-want +got):\n%s", diff)
			}
			pages := map[string]bool{}
			for _, r := range e.requests() {
				if !strings.Contains(r.URI, "limit=200&") {
					t.Errorf("walk asked %s, want pages of 200", r.URI)
				}
				pages[r.URI] = true
			}
			for p := 1; p <= 12; p++ {
				if uri := fmt.Sprintf("/v1/tns/?limit=200&page=%d", p); !pages[uri] {
					t.Errorf("page %d never fetched", p)
				}
			}
			// At most the pages under way when the last one answers, 2 × parallelism less the
			// last itself, can lie past the end.
			if n := len(e.requests()); n > 12+2*par-1 {
				t.Errorf("%d requests for 12 pages with parallelism %d", n, par)
			}
		})
	}
}

// TestWalkItemsShift: a number bought while the walk runs shifts the later pages by one, so
// one number shows up on two pages. The walk keeps it once, sorted.
func TestWalkItemsShift(t *testing.T) {
	t.Parallel()
	nums, members := manyNumbers(700)
	var inserted atomic.Bool
	p := &pager{key: "tns", path: "/v1/tns/", items: members, onPage: func(page int, items []string) []string {
		if page > 1 && !inserted.Swap(true) {
			return append([]string{numberMember("12060000001")}, items...)
		}
		return items
	}}
	for _, par := range []int{1, 8} {
		p.mu.Lock()
		p.items = members
		p.mu.Unlock()
		inserted.Store(false)
		e := setup(t, v1.WithParallelism(par))
		e.mux.Handle("GET /v1/tns/", p)
		got, err := e.client.AllNumbers(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		// The new number came in before page 2: it is on no page the walk read. Everything
		// else is there once.
		if diff := cmp.Diff(nums, got); diff != "" {
			t.Errorf("parallelism %d: numbers (-want +got):\n%s", par, diff)
		}
	}
}

func TestAllRoutesNPAsNPANXXs(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var routes, npas, npanxxs []string
	var wantRoutes []v1.Route
	var wantNPAs []string
	var wantNPANXXs []v1.NPANXX
	for i := range 450 {
		name := fmt.Sprintf("route-%04d", i)
		routes = append(routes, fmt.Sprintf(`%q:{"type":"HOST","value":"10.0.0.1:%d"}`, name, 5000+i))
		wantRoutes = append(wantRoutes, v1.Route{Name: name, Type: "HOST", Value: fmt.Sprintf("10.0.0.1:%d", 5000+i)})
	}
	routes = append(routes, `"sip-reg":{"type":"SIP-REG","value":null}`)
	wantRoutes = append(wantRoutes, v1.Route{Name: "sip-reg", Type: "SIP-REG"})
	for i := 201; i < 990; i++ {
		npa := fmt.Sprint(i)
		npas = append(npas, fmt.Sprintf(`%q:{"nxxs":"/v1/available-tns/npanxxs/?npa=%s"}`, npa, npa))
		wantNPAs = append(wantNPAs, npa)
	}
	for i := 200; i < 650; i++ {
		npanxxs = append(npanxxs, fmt.Sprintf(`"206%d":{"tns":"/v1/available-tns/tns/?npa=206&nxx=%d"}`, i, i))
		wantNPANXXs = append(wantNPANXXs, v1.NPANXX{NPA: "206", NXX: fmt.Sprint(i)})
	}
	e.mux.Handle("GET /v1/routes/", &pager{key: "routes", path: "/v1/routes/", items: routes})
	e.mux.Handle("GET /v1/available-tns/npas/", &pager{key: "npas", path: "/v1/available-tns/npas/", items: npas})
	e.mux.Handle("GET /v1/available-tns/npanxxs/", &pager{key: "npanxxs", path: "/v1/available-tns/npanxxs/", items: npanxxs})
	ctx := context.Background()
	gotRoutes, err := e.client.AllRoutes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantRoutes, gotRoutes); diff != "" {
		t.Errorf("routes (-want +got):\n%s", diff)
	}
	gotNPAs, err := e.client.AllNPAs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantNPAs, gotNPAs); diff != "" {
		t.Errorf("NPAs (-want +got):\n%s", diff)
	}
	gotNPANXXs, err := e.client.AllNPANXXs(ctx, "206")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantNPANXXs, gotNPANXXs); diff != "" {
		t.Errorf("NPA-NXXs (-want +got):\n%s", diff)
	}
}

// TestAllAvailableMax: max bounds the items returned and the pages fetched.
func TestAllAvailableMax(t *testing.T) {
	t.Parallel()
	var members []string
	for i := range 450 {
		members = append(members, fmt.Sprintf(`"1206555%04d":{"initial_cost":"1.00","monthly_cost":"1.25","state":"WA","ratecenter":"SEATTLE","billing_methods":["METERED"]}`, i))
	}
	// With parallelism 1 the walker still keeps a second page under way, so once the last page
	// is known one request past it may already have been sent (it answers {}); with a max, no
	// page past it is ever asked for.
	for _, tt := range []struct{ max, want, requests, pastEnd int }{
		{max: 20, want: 20, requests: 1},             // one page of 20
		{max: 250, want: 250, requests: 2},           // two pages of 200
		{max: 0, want: 450, requests: 3, pastEnd: 1}, // every page, the third being the last
	} {
		e := setup(t, v1.WithParallelism(1))
		e.mux.Handle("GET /v1/available-tns/tns/", &pager{key: "tns", path: "/v1/available-tns/tns/", items: members})
		got, err := e.client.AllAvailable(context.Background(), v1.SearchQuery{NPA: "206"}, tt.max)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tt.want || got[0].TN != "12065550000" || got[len(got)-1].TN != fmt.Sprintf("1206555%04d", tt.want-1) {
			t.Errorf("max %d: got %d numbers, %s..%s", tt.max, len(got), got[0].TN, got[len(got)-1].TN)
		}
		if n := len(e.requests()); n < tt.requests || n > tt.requests+tt.pastEnd {
			t.Errorf("max %d: %d requests, want %d (and at most %d past the last page)", tt.max, n, tt.requests, tt.pastEnd)
		}
	}
}

// TestWalkError: a page that fails fails the walk, with the server's error.
func TestWalkError(t *testing.T) {
	t.Parallel()
	_, members := manyNumbers(2000)
	e := setup(t)
	p := &pager{key: "tns", path: "/v1/tns/", items: members}
	e.mux.HandleFunc("GET /v1/tns/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "4" {
			reply(w, 422, `{"error":"page 4 is cursed"}`)
			return
		}
		p.ServeHTTP(w, r)
	})
	_, err := e.client.AllNumbers(context.Background(), "")
	var apiErr *v1.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 422 || apiErr.Path != "/v1/tns/?limit=200&page=4" {
		t.Errorf("error = %v, want the 422 of page 4", err)
	}
}

// TestWalkNotAdvancing: a server that ignores the page number would make the walk endless.
func TestWalkNotAdvancing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.Handle("GET /v1/routes/", answer(200, `{"routes":{"a":{"type":"HOST","value":"1.2.3.4"}},"links":{"next":"/v1/routes/?page=2"}}`))
	_, err := e.client.AllRoutes(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not advancing") {
		t.Errorf("error = %v, want pagination not advancing", err)
	}
}
