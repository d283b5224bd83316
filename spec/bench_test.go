package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/internal/measure"
)

// bigSpec is a spec of n numbers spread over a few dozen routes, in the style Write produces.
func bigSpec(n int) []byte {
	var b strings.Builder
	b.WriteString("version: 1\ndefaults:\n  billing_method: METERED\n  failover_route: sip-reg\nroutes:\n")
	const routes = 36
	for i := range routes {
		fmt.Fprintf(&b, "  pbx-%02d: {type: HOST, value: \"10.0.%d.%d:5060\"}\n", i, i/250, i%250+1)
	}
	b.WriteString("numbers:\n")
	for i := range n {
		fmt.Fprintf(&b, "  \"1206%07d\": {primary_route: pbx-%02d, failover_route: pbx-%02d}\n", 2000000+i, i%routes, (i+1)%routes)
	}
	return []byte(b.String())
}

// BenchmarkValidate100k parses and validates a 100,000-number spec. Besides ns/op and B/op it
// reports the input size and the peak heap in use while Parse runs (live data plus garbage not
// yet collected: what the process holds).
func BenchmarkValidate100k(b *testing.B) {
	data := bigSpec(100_000)
	runtime.GC()

	b.ReportAllocs()
	peak := measure.StartPeak()
	b.ResetTimer()
	for b.Loop() {
		s, err := Parse("big.yaml", data)
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Numbers) != 100_000 {
			b.Fatalf("%d numbers", len(s.Numbers))
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(data))/1e6, "MB-input")
	b.ReportMetric(peak.Stop(), "MB-peak-inuse")
}

// BenchmarkLoad32MiB loads a legal spec file of the largest size Load reads, through the file
// system as validate does: the time, the peak heap (MB-peak-inuse) and the heap allocated per
// byte of input are the cost of the worst spec a user may give.
func BenchmarkLoad32MiB(b *testing.B) {
	n := 100_000
	data := bigSpec(n)
	n = n * (MaxFileSize - 4096) / len(data)
	data = bigSpec(n)
	file := filepath.Join(b.TempDir(), "big.yaml")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		b.Fatal(err)
	}
	runtime.GC()

	b.ReportAllocs()
	peak := measure.StartPeak()
	cpu := measure.CPUTime()
	b.ResetTimer()
	for b.Loop() {
		s, err := Load(file)
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Numbers) != n {
			b.Fatalf("%d numbers", len(s.Numbers))
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(data))/(1<<20), "MiB-input")
	b.ReportMetric((measure.CPUTime()-cpu).Seconds()/float64(b.N), "CPU-s/op")
	b.ReportMetric(float64(n), "numbers")
	b.ReportMetric(peak.Stop(), "MB-peak-inuse")
}
