package plan

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// fakeReader is a Reader over fixed data that counts its calls.
type fakeReader struct {
	routes    []flowroute.Route
	numbers   []flowroute.Number
	forSale   map[string]flowroute.AvailableNumber
	routesErr error
	lookupErr error

	mu             sync.Mutex
	lookups        []string
	inFlight, peak atomic.Int32
	release        chan struct{} // when set, lookups wait for it
}

func (f *fakeReader) AllRoutes(ctx context.Context) ([]flowroute.Route, error) {
	return f.routes, f.routesErr
}

func (f *fakeReader) AllNumbers(ctx context.Context, pattern string) ([]flowroute.Number, error) {
	return f.numbers, nil
}

func (f *fakeReader) LookupAvailable(ctx context.Context, tn string) (*flowroute.AvailableNumber, error) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		p := f.peak.Load()
		if n <= p || f.peak.CompareAndSwap(p, n) {
			break
		}
	}
	if f.release != nil {
		<-f.release
	}
	f.mu.Lock()
	f.lookups = append(f.lookups, tn)
	f.mu.Unlock()
	if f.lookupErr != nil {
		return nil, f.lookupErr
	}
	a, ok := f.forSale[tn]
	if !ok {
		return nil, fmt.Errorf("number %s: %w", tn, flowroute.ErrNotFound)
	}
	return &a, nil
}

// progressReader also walks the numbers with progress, two per page.
type progressReader struct{ *fakeReader }

func (p progressReader) AllNumbersProgress(ctx context.Context, pattern string, progress func(pages, numbers int)) ([]flowroute.Number, error) {
	for i := 0; i < len(p.numbers); i += 2 {
		progress(i/2+1, min(i+2, len(p.numbers)))
	}
	return p.numbers, nil
}

var _ ProgressReader = progressReader{}

func sampleAccount() *fakeReader {
	return &fakeReader{
		routes: []flowroute.Route{
			{Name: "pbx", Type: "HOST", Value: "24.239.23.40:5060"},
			{Name: "sip-reg", Type: "SIP-REG"},
			{Name: "cell", Type: "PSTN", Value: "16476998778"},
		},
		numbers: []flowroute.Number{
			{TN: tnA, BillingMethod: "METERED", Routes: []flowroute.RouteRef{{Name: "pbx", Type: "HOST"}, {Name: "cell", Type: "PSTN"}}},
			{TN: tnB, BillingMethod: "VPRI", Routes: []flowroute.RouteRef{{Name: "sip-reg"}, {Name: "sip-reg"}}},
			{TN: tnC, BillingMethod: "METERED", Routes: []flowroute.RouteRef{{Name: "pbx"}}},
		},
	}
}

func TestFetch(t *testing.T) {
	t.Parallel()
	var reports [][2]int
	got, err := Fetch(t.Context(), sampleAccount(), func(pages, numbers int) { reports = append(reports, [2]int{pages, numbers}) })
	if err != nil {
		t.Fatal(err)
	}
	want := &spec.Spec{
		Routes: map[string]spec.Route{
			"pbx":  {Type: "HOST", Value: "24.239.23.40:5060"},
			"cell": {Type: "PSTN", Value: "16476998778"},
		},
		Numbers: map[string]spec.Number{
			tnA: {BillingMethod: "METERED", PrimaryRoute: "pbx", FailoverRoute: "cell"},
			tnB: {BillingMethod: "VPRI", PrimaryRoute: "sip-reg", FailoverRoute: "sip-reg"},
			tnC: {BillingMethod: "METERED", PrimaryRoute: "pbx"}, // the server sent one route only
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][2]int{{0, 3}}, reports); diff != "" {
		t.Errorf("a Reader without progress reports once at the end (-want +got):\n%s", diff)
	}
}

func TestFetchReportsPagesWhenTheReaderCan(t *testing.T) {
	t.Parallel()
	var reports [][2]int
	_, err := Fetch(t.Context(), progressReader{sampleAccount()}, func(pages, numbers int) { reports = append(reports, [2]int{pages, numbers}) })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][2]int{{1, 2}, {2, 3}}, reports); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
}

func TestFetchError(t *testing.T) {
	t.Parallel()
	r := sampleAccount()
	r.routesErr = &flowroute.APIError{Status: 500, Method: "GET", Path: "/v1/routes/", Message: "boom"}
	_, err := Fetch(t.Context(), r, nil)
	var apiErr *flowroute.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 500 {
		t.Fatalf("Fetch error = %v, want the API error wrapped", err)
	}
}

func TestFetchInventory(t *testing.T) {
	t.Parallel()
	r := &fakeReader{forSale: map[string]flowroute.AvailableNumber{tnB: forSale(tnB, "1", "1", "METERED")}}
	desired := desiredSpec(nil, map[string]spec.Number{tnA: {}, tnB: {}, tnC: {}})
	current := account(nil, map[string]spec.Number{tnA: {}})
	inv, err := FetchInventory(t.Context(), r, desired, current)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Inventory{tnB: forSale(tnB, "1", "1", "METERED")}, inv); diff != "" {
		t.Errorf("inventory (-want +got):\n%s", diff)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if diff := cmp.Diff([]string{tnB, tnC}, r.lookups, cmpSorted); diff != "" {
		t.Errorf("looked up (-want +got); owned numbers are never looked up:\n%s", diff)
	}
}

func TestFetchInventoryIsBounded(t *testing.T) {
	t.Parallel()
	r := &fakeReader{release: make(chan struct{})}
	numbers := map[string]spec.Number{}
	for i := range 50 {
		numbers[fmt.Sprintf("120655501%02d", i)] = spec.Number{}
	}
	done := make(chan error)
	go func() {
		_, err := FetchInventory(t.Context(), r, desiredSpec(nil, numbers), account(nil, nil))
		done <- err
	}()
	for r.inFlight.Load() < lookupParallelism { // wait until the bound is reached
		runtime.Gosched()
	}
	close(r.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if peak := r.peak.Load(); peak != lookupParallelism {
		t.Errorf("peak lookups in flight = %d, want %d", peak, lookupParallelism)
	}
	if len(r.lookups) != 50 {
		t.Errorf("%d lookups, want 50", len(r.lookups))
	}
}

func TestFetchInventoryError(t *testing.T) {
	t.Parallel()
	r := &fakeReader{lookupErr: errors.New("connection reset")}
	_, err := FetchInventory(t.Context(), r, desiredSpec(nil, map[string]spec.Number{tnA: {}}), account(nil, nil))
	if err == nil || !errors.Is(err, r.lookupErr) {
		t.Fatalf("FetchInventory error = %v, want it to wrap %v", err, r.lookupErr)
	}
}

func TestMake(t *testing.T) {
	t.Parallel()
	r := sampleAccount()
	r.forSale = map[string]flowroute.AvailableNumber{"12065550199": forSale("12065550199", "1", "1", "METERED")}
	desired := desiredSpec(
		map[string]spec.Route{"pbx": {Type: "HOST", Value: "24.239.23.40:5060"}, "cell": {Type: "PSTN", Value: "16476998778"}},
		map[string]spec.Number{tnA: {PrimaryRoute: "cell"}, tnB: {}, tnC: {}, "12065550199": {PrimaryRoute: "pbx"}},
	)
	p, current, err := Make(t.Context(), r, desired, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ch := range p.Changes {
		got = append(got, fmt.Sprint(ch.Action, " ", ch.Key, " ", ch.After))
	}
	want := []string{
		"purchase 12065550199 map[billing_method:METERED]",
		"set_routes 12065550100 map[failover_route:cell primary_route:cell]",
		"set_routes 12065550199 map[failover_route:sip-reg primary_route:pbx]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if p.StateDigest != Digest(current) || len(current.Numbers) != 3 {
		t.Errorf("Make returned digest %s for a state of %d numbers", p.StateDigest, len(current.Numbers))
	}
}

var cmpSorted = cmpopts.SortSlices(func(a, b string) bool { return a < b })
