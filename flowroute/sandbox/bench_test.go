package sandbox

import (
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/internal/measure"
)

// seedOwned adds n numbers 1NPA555XXXX straight to s.
func seedOwned(tb testing.TB, s *Server, n int) {
	tb.Helper()
	for i := range n {
		tn := fmt.Sprintf("1%03d555%04d", 200+i/10000, i%10000)
		if err := s.AddOwnedNumber(Number{TN: tn}); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkAddOwnedNumber100k seeds 100,000 owned numbers per iteration.
func BenchmarkAddOwnedNumber100k(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		s, err := New(Options{InventorySize: 100, Now: fixedNow})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		seedOwned(b, s, 100_000)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/100k")
}

// benchWrite measures one PATCH with the state saved, on a server whose file holds an
// inventory of size and owned numbers.
func benchWrite(b *testing.B, size, owned int) {
	s, err := New(Options{InventorySize: size, StatePath: filepath.Join(b.TempDir(), "state.json"), Now: time.Now})
	if err != nil {
		b.Fatal(err)
	}
	seedOwned(b, s, owned)
	if w := serveLocal(s, "PUT", "/v1/tns/12067439178", `{"billing_method":"METERED"}`); w.Code != 201 {
		b.Fatalf("purchase: %d %s", w.Code, w.Body)
	}
	bodies := []string{`{"routes":[{"name":"sip-reg"},{"name":"sip-reg"}]}`}
	b.ResetTimer()
	for b.Loop() {
		if w := serveLocal(s, "PATCH", "/v1/tns/12067439178", bodies[0]); w.Code != 204 {
			b.Fatalf("set routes: %d %s", w.Code, w.Body)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/write")
}

func BenchmarkWrite12kInventory(b *testing.B) { benchWrite(b, DefaultInventorySize, 0) }
func BenchmarkWrite100kOwned(b *testing.B)    { benchWrite(b, DefaultInventorySize, 100_000) }

// BenchmarkListOwned100k reads one page of 200 from the middle of 100,000 owned numbers.
func BenchmarkListOwned100k(b *testing.B) {
	s, err := New(Options{InventorySize: 100, Now: time.Now})
	if err != nil {
		b.Fatal(err)
	}
	seedOwned(b, s, 100_000)
	for b.Loop() {
		if w := serveLocal(s, "GET", "/v1/tns/?limit=200&page=250", ""); w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}

// BenchmarkNew12k measures seeding a new state: generating the default inventory.
func BenchmarkNew12k(b *testing.B) {
	for b.Loop() {
		if _, err := New(Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkV2ListNumbers100k reads one v2 page of 200 from the middle of 100,000 owned
// numbers: what each page of a v2 walk costs the sandbox.
func BenchmarkV2ListNumbers100k(b *testing.B) {
	s, err := New(Options{InventorySize: 100, Now: time.Now})
	if err != nil {
		b.Fatal(err)
	}
	seedOwned(b, s, 100_000)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("GET", "http://sandbox.test/v2/numbers?limit=200&offset=50000", nil)
		req.SetBasicAuth(DefaultAccessKey, DefaultSecretKey)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}

// serveV2Local runs one v2 request through s without a network, for benchmarks.
func serveV2Local(s *Server, method, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://sandbox.test"+path, strings.NewReader(body))
	req.SetBasicAuth(s.accessKey, s.secretKey)
	if body != "" {
		req.Header.Set("Content-Type", mediaType)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	return w
}

// BenchmarkWriteCPU measures the sandbox's CPU time per write on an account of 1,000, 10,000
// and 100,000 numbers whose state is saved to a file, as sandbox serve saves it. Each
// iteration is the cycle of writes a v2 apply sends for a new number (create a route, buy a
// number, set its primary route and its alias) and a release, which keeps the inventory from
// running out. It reports CPU-µs/write: the process's CPU time over the writes, which is the
// handler, the encoding, the state file's journal and snapshots and the collector, plus a few
// µs of building each request.
func BenchmarkWriteCPU(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("numbers=%d", n), func(b *testing.B) {
			s, err := New(Options{Seed: 3, StatePath: filepath.Join(b.TempDir(), "state.json"), Now: time.Now})
			if err != nil {
				b.Fatal(err)
			}
			seedOwned(b, s, n)
			if err := s.Flush(); err != nil {
				b.Fatal(err)
			}
			var forSale []string
			for _, a := range s.st.inventory {
				if !a.sold {
					forSale = append(forSale, a.tn)
				}
			}
			write := func(method, path, body string, status int) {
				if w := serveV2Local(s, method, path, body); w.Code != status {
					b.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body)
				}
			}
			const writesPerCycle = 5
			i := 0
			runtime.GC()
			cpu := measure.CPUTime()
			for b.Loop() {
				i++
				tn := forSale[i%len(forSale)]
				write("POST", "/v2/routes", fmt.Sprintf(`{"data":{"type":"route","attributes":{"alias":"r%d","route_type":"host","value":"10.0.%d.%d:5060"}}}`, i, i/250%250, i%250), 201)
				id := strconv.Itoa(s.st.nextRoute - 1)
				write("POST", "/v2/numbers/"+tn, "", 201)
				write("PATCH", "/v2/numbers/"+tn+"/relationships/primary_route", `{"data":{"type":"route","id":"`+id+`"}}`, 204)
				write("PATCH", "/v2/numbers/"+tn, `{"type":"number","alias":"bench `+strconv.Itoa(i)+`"}`, 200)
				write("DELETE", "/v2/numbers/"+tn, "", 204)
			}
			perWrite := (measure.CPUTime() - cpu) / time.Duration(b.N*writesPerCycle)
			b.ReportMetric(float64(perWrite.Nanoseconds())/1e3, "CPU-µs/write")
		})
	}
}
