// Package measure holds what the benchmarks use to report memory and CPU figures, written once.
package measure

import (
	"runtime/metrics"
	"sync"
	"time"
)

// heapMetrics add up to the heap in use: bytes in objects (live, or dead and not yet swept)
// plus the unused space of the spans that hold them; runtime.MemStats calls that HeapInuse.
var heapMetrics = []string{"/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes"}

// Peak samples the heap in use until Stop. It reads runtime/metrics, which unlike
// runtime.ReadMemStats does not stop the world, so sampling barely disturbs what is measured.
type Peak struct {
	done chan struct{}
	wg   sync.WaitGroup
	max  uint64
}

// StartPeak starts sampling every millisecond.
func StartPeak() *Peak {
	p := &Peak{done: make(chan struct{})}
	samples := make([]metrics.Sample, len(heapMetrics))
	for i, name := range heapMetrics {
		samples[i].Name = name
	}
	sample := func() {
		metrics.Read(samples)
		var sum uint64
		for _, s := range samples {
			if s.Value.Kind() == metrics.KindUint64 {
				sum += s.Value.Uint64()
			}
		}
		p.max = max(p.max, sum)
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			sample()
			select {
			case <-p.done:
				sample()
				return
			case <-t.C:
			}
		}
	}()
	return p
}

// Stop ends sampling and returns the largest heap in use seen, in MB (10^6 bytes).
func (p *Peak) Stop() float64 {
	close(p.done)
	p.wg.Wait()
	return float64(p.max) / 1e6
}
