package measure

import (
	"testing"
)

var sink [][]byte

func TestPeakSeesAnAllocation(t *testing.T) {
	p := StartPeak()
	for range 64 {
		sink = append(sink, make([]byte, 1<<20))
	}
	got := p.Stop()
	sink = nil
	if got < 64 {
		t.Fatalf("peak %.1f MB, want at least the 64 MB allocated", got)
	}
}

func TestCPUTimeAdvances(t *testing.T) {
	start := CPUTime()
	x := 0
	for i := range 50_000_000 {
		x += i % 7
	}
	if x == 0 || CPUTime() <= start {
		t.Fatalf("CPU time did not advance over a busy loop: %v then %v", start, CPUTime())
	}
}
