// Command benchsum summarises the output of go test -bench run with -count N, read from
// standard input: for each benchmark, the median of each figure and its spread (min–max),
// and first, for the latency benchmarks (those that report measure.Bound's figures), the wall
// time, its spread and the ratio to the honest bound. It exits 1 when the output shows a
// failure, so that make bench fails with it.
//
//	go test -p 1 -run '^$' -bench . -count 3 ./... | tee bench.txt
//	go run ./internal/measure/benchsum < bench.txt
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// bench is the samples of one benchmark.
type bench struct {
	name    string               // "v1 BenchmarkListNumbers100k"
	units   []string             // in the order first seen
	samples map[string][]float64 // unit → one value per run
}

// procs is the -GOMAXPROCS suffix go test adds to a benchmark's name.
var procs = regexp.MustCompile(`-[0-9]+$`)

func main() {
	benches, failed, err := read(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchsum:", err)
		os.Exit(1)
	}
	write(os.Stdout, benches)
	if len(failed) > 0 {
		fmt.Fprintf(os.Stderr, "benchsum: the run failed:\n%s\n", strings.Join(failed, "\n"))
		os.Exit(1)
	}
}

// read collects the benchmark lines of r, and the lines that report a failure.
func read(r io.Reader) ([]*bench, []string, error) {
	var (
		pkg     string
		order   []*bench
		byName  = map[string]*bench{}
		failed  []string
		scanner = bufio.NewScanner(r)
	)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		line := scanner.Text()
		switch {
		case strings.HasPrefix(line, "pkg: "):
			pkg = path.Base(strings.TrimPrefix(line, "pkg: "))
		case strings.HasPrefix(line, "FAIL") || strings.HasPrefix(line, "--- FAIL") || strings.HasPrefix(line, "panic: "):
			failed = append(failed, line)
		case strings.HasPrefix(line, "Benchmark"):
			f := strings.Fields(line)
			if len(f) < 4 || len(f)%2 != 0 {
				continue // a benchmark's name alone, printed before its own output
			}
			name := pkg + " " + procs.ReplaceAllString(f[0], "")
			b := byName[name]
			if b == nil {
				b = &bench{name: name, samples: map[string][]float64{}}
				byName[name] = b
				order = append(order, b)
			}
			for i := 2; i+1 < len(f); i += 2 {
				v, err := strconv.ParseFloat(f[i], 64)
				if err != nil {
					continue
				}
				unit := f[i+1]
				if _, ok := b.samples[unit]; !ok {
					b.units = append(b.units, unit)
				}
				b.samples[unit] = append(b.samples[unit], v)
			}
		}
	}
	return order, failed, scanner.Err()
}

// stats are the median, min and max of samples.
func stats(samples []float64) (median, lo, hi float64) {
	s := slices.Sorted(slices.Values(samples))
	n := len(s)
	if n%2 == 1 {
		median = s[n/2]
	} else {
		median = (s[n/2-1] + s[n/2]) / 2
	}
	return median, s[0], s[n-1]
}

// spread is (max - min) ÷ median, in per cent.
func spread(samples []float64) string {
	m, lo, hi := stats(samples)
	if m == 0 {
		return "-"
	}
	return fmt.Sprintf("±%.0f%%", 50*(hi-lo)/m)
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// write prints the latency table, then every figure of every benchmark.
func write(w io.Writer, benches []*bench) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "Latency benchmarks: median of the runs, spread (max - min) ÷ 2 ÷ median, ratio = wall ÷ honest bound.")
	fmt.Fprintln(tw, "benchmark\truns\twall-s\tspread\tbound-s\tratio\tratio min–max\tneeded-req\tsent-req\t")
	for _, b := range benches {
		if b.samples["ratio"] == nil || b.samples["wall-s"] == nil {
			continue
		}
		wall, _, _ := stats(b.samples["wall-s"])
		bound, _, _ := stats(b.samples["bound-s"])
		ratio, rlo, rhi := stats(b.samples["ratio"])
		needed, _, _ := stats(b.samples["needed-req"])
		sent, _, _ := stats(b.samples["sent-req"])
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%.2f\t%.2f–%.2f\t%s\t%s\t\n", b.name, len(b.samples["ratio"]),
			num(wall), spread(b.samples["wall-s"]), num(bound), ratio, rlo, rhi, num(needed), num(sent))
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Every figure: median [min–max] of the runs.")
	for _, b := range benches {
		var parts []string
		for _, u := range b.units {
			m, lo, hi := stats(b.samples[u])
			parts = append(parts, fmt.Sprintf("%s %s [%s–%s]", u, num(m), num(lo), num(hi)))
		}
		fmt.Fprintf(w, "%s (%d runs): %s\n", b.name, len(b.samples[b.units[0]]), strings.Join(parts, ", "))
	}
}
