package v2

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/internal/measure"
)

// benchLatency is the round trip the benchmarks add to every request, about what a client far
// from Flowroute sees.
const benchLatency = 20 * time.Millisecond

// BenchmarkWalk100k reads every number of a 100,000-number account (500 pages of 200) from a
// fake server that answers each request after 20 ms, one page at a time and with the default
// parallelism. The client-side rate limit is off, so that the figures show what the walk
// itself costs (with the default 20 requests a second it alone would take 25 s). The bound
// (measure.Bound) is the 500 pages the job needs, whatever the walk sends past the end.
func BenchmarkWalk100k(b *testing.B) {
	for _, bc := range []struct {
		name string
		par  int
	}{{"sequential", 1}, {"concurrent", DefaultParallelism}} {
		b.Run(bc.name, func(b *testing.B) {
			e := setup(b, WithPageSize(MaxLimit), WithParallelism(bc.par))
			e.fake.addNumbers(12060000000, 100_000)
			e.fake.latency = benchLatency
			b.ResetTimer()
			start := time.Now()
			for b.Loop() {
				ns, err := e.client.AllNumbers(ctx, NumberQuery{}, nil)
				if err != nil {
					b.Fatal(err)
				}
				if len(ns) != 100_000 {
					b.Fatalf("%d numbers", len(ns))
				}
			}
			elapsed := time.Since(start)
			b.StopTimer()
			bound := measure.Bound{Requests: 100_000 / MaxLimit, Parallelism: bc.par, Latency: benchLatency}
			bound.Report(b, elapsed/time.Duration(b.N), float64(len(e.requests()))/float64(b.N))
		})
	}
}

// BenchmarkDetails10k reads the details of 10,000 numbers at 20 ms a request: in bulk (POST
// /v2.1/numbers/details, 100 numbers a request) and number by number (GET /numbers/{tn}, a
// server without the bulk details), both with the default parallelism and no client-side rate
// limit. The bound (measure.Bound) is the requests the job needs: 100 in bulk, 10,000 number
// by number (the bulk request a server without it refuses is the client's probe).
func BenchmarkDetails10k(b *testing.B) {
	const n = 10_000
	tns := make([]string, n)
	for i := range tns {
		tns[i] = strconv.Itoa(12060000000 + i)
	}
	for _, bc := range []struct {
		name string
		bulk bool
		need int
	}{{"bulk", true, n / DefaultBulkSize}, {"per-number", false, n}} {
		b.Run(bc.name, func(b *testing.B) {
			e := setup(b, WithPageSize(MaxLimit))
			e.fake.addNumbers(12060000000, n)
			e.fake.setBulk(bc.bulk)
			e.fake.latency = benchLatency
			b.ResetTimer()
			start := time.Now()
			for b.Loop() {
				ns, err := e.client.NumberDetails(ctx, tns)
				if err != nil {
					b.Fatal(err)
				}
				if len(ns) != n || !ns[n-1].Detailed {
					b.Fatalf("%d numbers", len(ns))
				}
			}
			elapsed := time.Since(start)
			b.StopTimer()
			bound := measure.Bound{Requests: bc.need, Parallelism: DefaultParallelism, Latency: benchLatency}
			bound.Report(b, elapsed/time.Duration(b.N), float64(len(e.requests()))/float64(b.N))
		})
	}
}

// BenchmarkDecodeNumbersPage decodes one page of 200 numbers as the sandbox sends it: what
// each page of a walk costs the client in CPU.
func BenchmarkDecodeNumbersPage(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"data":[`)
	for i := range 200 {
		if i > 0 {
			sb.WriteString(",")
		}
		tn := strconv.Itoa(13122000000 + i)
		sb.WriteString(`{"attributes":{"alias":null,"cnam_lookups_enabled":false,"number_type":"standard","rate_center":"chicago","state":"il","value":"` + tn +
			`"},"id":"` + tn + `","links":{"self":"http://127.0.0.1:41234/v2/numbers/` + tn + `"},"type":"number"}`)
	}
	sb.WriteString(`],"links":{"next":"http://127.0.0.1:41234/v2/numbers?limit=200&offset=400","self":"http://127.0.0.1:41234/v2/numbers?limit=200&offset=200"}}` + "\n")
	body := []byte(sb.String())
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := decodePage(body, toListedNumber)
		if err != nil || len(p.Items) != 200 {
			b.Fatal(p, err)
		}
	}
}

// BenchmarkDecodeDetails decodes one bulk details answer of 100 numbers, each naming two of
// the 200 routes included, as the sandbox sends it.
func BenchmarkDecodeDetails(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"data":[`)
	for i := range 100 {
		if i > 0 {
			sb.WriteString(",")
		}
		tn := strconv.Itoa(13122000000 + i)
		sb.WriteString(`{"attributes":{"alias":null,"cnam_lookups_enabled":true,"number_type":"longcode","rate_center":null,"state":null,"value":"` + tn +
			`"},"id":"` + tn + `","links":{"self":"http://127.0.0.1:41234/v2.1/numbers/` + tn + `"},"relationships":{"cnam_preset":{"data":null},"e911_address":{"data":null},` +
			`"voice_failover_route":{"data":{"id":"` + strconv.Itoa(2*i+2) + `","type":"route"}},"voice_primary_route":{"data":{"id":"` + strconv.Itoa(2*i+1) + `","type":"route"}}},"type":"number"}`)
	}
	sb.WriteString(`],"included":[`)
	for i := range 200 {
		if i > 0 {
			sb.WriteString(",")
		}
		id := strconv.Itoa(i + 1)
		sb.WriteString(`{"attributes":{"alias":"pbx-` + id + `","edge_strategy_id":null,"route_type":"host","value":"10.0.0.1:5060"},"id":"` + id +
			`","links":{"self":"http://127.0.0.1:41234/v2/routes/` + id + `"},"type":"route"}`)
	}
	sb.WriteString(`]}` + "\n")
	body := []byte(sb.String())
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		ns, err := decodeDetails(body)
		if err != nil || len(ns) != 100 || len(ns[99].Routes) != 2 {
			b.Fatal(len(ns), err)
		}
	}
}
