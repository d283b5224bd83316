package plan

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/money"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// v1Like are the capabilities of a backend like v1: billing methods, routes in the list.
var v1Like = account.Capabilities{API: "v1", BillingMethods: true, ListHasRoutes: true}

// fakeReader is an account.Reader over fixed data that counts its calls.
type fakeReader struct {
	caps      *account.Capabilities // nil: v1Like
	routes    []account.Route
	numbers   []account.Number
	forSale   map[string]account.Offer
	routesErr error
	lookupErr error

	mu             sync.Mutex
	lookups        []string
	details        []string
	inFlight, peak atomic.Int32
	release        chan struct{} // when set, lookups wait for it
	pageProgress   bool          // when set, Numbers reports progress, two numbers per page
}

func (f *fakeReader) Capabilities() account.Capabilities {
	if f.caps != nil {
		return *f.caps
	}
	return v1Like
}

func (f *fakeReader) Routes(ctx context.Context) ([]account.Route, error) {
	return f.routes, f.routesErr
}

func (f *fakeReader) Numbers(ctx context.Context, progress account.Progress) ([]account.Number, error) {
	out := make([]account.Number, len(f.numbers))
	for i, n := range f.numbers {
		if !f.Capabilities().ListHasRoutes {
			n = account.Number{TN: n.TN}
		} else {
			n.Detailed = true
		}
		out[i] = n
	}
	if f.pageProgress {
		for i := 0; i < len(f.numbers); i += 2 {
			progress(i/2+1, min(i+2, len(f.numbers)))
		}
	}
	return out, nil
}

func (f *fakeReader) Number(ctx context.Context, tn string) (*account.Number, error) {
	f.mu.Lock()
	f.details = append(f.details, tn)
	f.mu.Unlock()
	for _, n := range f.numbers {
		if n.TN == tn {
			n.Detailed = true
			return &n, nil
		}
	}
	return nil, fmt.Errorf("number %s: %w", tn, account.ErrNotFound)
}

func (f *fakeReader) Lookup(ctx context.Context, tn string) (*account.Offer, error) {
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
		return nil, fmt.Errorf("number %s: %w", tn, account.ErrNotFound)
	}
	return &a, nil
}

// serverError is an error a backend returns with the server's status.
type serverError struct{ status int }

func (e *serverError) Error() string { return fmt.Sprintf("status %d", e.status) }

func route(name, typ, value string) account.Route {
	return account.Route{Name: name, Route: spec.Route{Type: typ, Value: value}}
}

func owned(tn, billing, primary, failover string) account.Number {
	return account.Number{TN: tn, Number: spec.Number{BillingMethod: billing, PrimaryRoute: primary, FailoverRoute: failover}}
}

func sampleAccount() *fakeReader {
	return &fakeReader{
		routes: []account.Route{
			route("pbx", "HOST", "24.239.23.40:5060"),
			route("sip-reg", "SIP-REG", ""),
			route("cell", "PSTN", "16476998778"),
		},
		numbers: []account.Number{
			owned(tnA, "METERED", "pbx", "cell"),
			owned(tnB, "VPRI", "sip-reg", "sip-reg"),
			owned(tnC, "METERED", "pbx", ""),
		},
	}
}

func TestFetch(t *testing.T) {
	t.Parallel()
	var reports [][2]int
	got, err := Fetch(t.Context(), sampleAccount(), func(pages, numbers int) { reports = append(reports, [2]int{pages, numbers}) }, true)
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

func pagingAccount() *fakeReader {
	r := sampleAccount()
	r.pageProgress = true
	return r
}

func TestFetchReportsPagesWhenTheReaderCan(t *testing.T) {
	t.Parallel()
	var reports [][2]int
	_, err := Fetch(t.Context(), pagingAccount(), func(pages, numbers int) { reports = append(reports, [2]int{pages, numbers}) }, true)
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
	r.routesErr = &serverError{status: 500}
	_, err := Fetch(t.Context(), r, nil, true)
	var apiErr *serverError
	if !errors.As(err, &apiErr) || apiErr.status != 500 {
		t.Fatalf("Fetch error = %v, want the API error wrapped", err)
	}
}

func TestFetchInventory(t *testing.T) {
	t.Parallel()
	r := &fakeReader{forSale: map[string]account.Offer{tnB: forSale(tnB, "1", "1", "METERED")}}
	desired := desiredSpec(nil, map[string]spec.Number{tnA: {}, tnB: {}, tnC: {}})
	current := onAccount(nil, map[string]spec.Number{tnA: {}})
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
		_, err := FetchInventory(t.Context(), r, desiredSpec(nil, numbers), onAccount(nil, nil))
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
	_, err := FetchInventory(t.Context(), r, desiredSpec(nil, map[string]spec.Number{tnA: {}}), onAccount(nil, nil))
	if err == nil || !errors.Is(err, r.lookupErr) {
		t.Fatalf("FetchInventory error = %v, want it to wrap %v", err, r.lookupErr)
	}
}

func TestMake(t *testing.T) {
	t.Parallel()
	r := sampleAccount()
	r.forSale = map[string]account.Offer{"12065550199": forSale("12065550199", "1", "1", "METERED")}
	desired := desiredSpec(
		map[string]spec.Route{"pbx": {Type: "HOST", Value: "24.239.23.40:5060"}, "cell": {Type: "PSTN", Value: "16476998778"}},
		map[string]spec.Number{tnA: {PrimaryRoute: "cell"}, tnB: {}, tnC: {}, "12065550199": {PrimaryRoute: "pbx"}},
	)
	p, current, err := Make(t.Context(), r, desired, Options{})
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

// A spec that buys more numbers than its policy allows is refused from the lists alone: no
// number's details are read and no price looked up, however many numbers it names; with
// policy.acknowledge (even empty) the whole plan is made, so that its digest can be
// acknowledged.
func TestMakeRefusesOverACountLimitBeforeWorking(t *testing.T) {
	t.Parallel()
	v2 := account.Capabilities{API: "v2", ReleaseNumber: true}
	numbers := map[string]spec.Number{tnA: {PrimaryRoute: "pbx"}}
	for i := range 1000 {
		numbers[fmt.Sprintf("1312555%04d", i)] = spec.Number{PrimaryRoute: "pbx"}
	}
	r := sampleAccount()
	r.caps = &v2
	desired := desiredSpec(map[string]spec.Route{"pbx": {Type: "HOST", Value: "24.239.23.40:5060"}}, numbers)
	p, _, err := Make(t.Context(), r, desired, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := errorsOf(p); len(got) != 1 || got[0] != "the spec buys 1000 numbers; policy.max_purchases allows 10" {
		t.Errorf("errors %q, want the purchase limit's alone", got)
	}
	if len(r.details) != 0 || len(r.lookups) != 0 || len(p.Changes) != 0 {
		t.Errorf("read %d details and %d prices, planned %d changes: want none", len(r.details), len(r.lookups), len(p.Changes))
	}

	desired.Policy.Acknowledge = []string{}
	p, _, err = Make(t.Context(), r, desired, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.lookups) != 1000 || !slices.ContainsFunc(p.Diagnostics, func(d Diagnostic) bool { return strings.Contains(d.Hint, p.Digest) }) {
		t.Errorf("with policy.acknowledge: %d lookups, diagnostics %+v; want the whole plan and its digest", len(r.lookups), p.Diagnostics)
	}
}

// TestRefresh: the state of the lists, refreshed with what readMore read since, is the state
// built from everything read: details that replace a listed number (its E911 address by name,
// its CNAM awaiting approval, its cost, no longer undetailed, or a cost its list had and its
// details have not), callbacks with or without details, a server that cannot read callbacks.
func TestRefresh(t *testing.T) {
	t.Parallel()
	caps := account.Capabilities{API: "v2", E911: true, CNAM: true, Messaging: true}
	monthly := func(s string) *money.Amount { a := money.MustParse(s); return &a }
	listed := func(tn string) account.Number {
		return account.Number{TN: tn, Number: spec.Number{Alias: "listed " + tn}}
	}
	costly := listed(tnC)
	costly.MonthlyCost = monthly("1.25")
	numbers := []account.Number{listed(tnA), listed(tnB), costly, listed("12065550103")}
	detailed := func(tn string) account.Number {
		return account.Number{TN: tn, Number: spec.Number{Alias: "detailed " + tn, PrimaryRoute: "pbx"}, E911ID: "7",
			CNAMPending: true, MonthlyCost: monthly("0.35"), Detailed: true}
	}
	for name, read := range map[string]func(f *fetched){
		"nothing": func(f *fetched) {},
		"details": func(f *fetched) { f.details[tnA] = detailed(tnA) },
		"every detail": func(f *fetched) {
			for _, n := range numbers {
				f.details[n.TN] = detailed(n.TN)
			}
		},
		"details for a cost": func(f *fetched) { f.details[tnC] = account.Number{TN: tnC, Detailed: true} },
		"details not owned":  func(f *fetched) { f.details["12065559999"] = detailed("12065559999") },
		"callbacks": func(f *fetched) {
			f.details[tnA] = detailed(tnA)
			f.callbacks[tnA] = spec.Messaging{SMSCallback: "https://a.example"}
			f.callbacks[tnB] = spec.Messaging{MMSCallback: "https://b.example"}
		},
		"callbacks unknown": func(f *fetched) { f.noCBs = true },
	} {
		f := &fetched{caps: caps, numbers: numbers, details: map[string]account.Number{}, callbacks: map[string]spec.Messaging{},
			e911s: []account.E911Address{{ID: "7", Name: "hq"}}}
		st := f.state()
		read(f)
		f.refresh(st)
		if d := cmp.Diff(f.state(), st, cmp.AllowUnexported(State{})); d != "" {
			t.Errorf("%s: refreshed state (-built +refreshed):\n%s", name, d)
		}
	}
}
