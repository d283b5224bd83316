package measure

import (
	"testing"
	"time"
)

func TestBoundDuration(t *testing.T) {
	for _, tt := range []struct {
		b    Bound
		want time.Duration
	}{
		{Bound{Requests: 500, Parallelism: 8, Latency: 20 * time.Millisecond}, 63 * 20 * time.Millisecond},
		{Bound{Requests: 506, After: 3, Parallelism: 8, Latency: 20 * time.Millisecond}, 65 * 20 * time.Millisecond},
		{Bound{Requests: 500, Parallelism: 1, Latency: 20 * time.Millisecond}, 10 * time.Second},
		{Bound{Requests: 7, Latency: time.Second}, 7 * time.Second}, // parallelism 0 counts as 1
	} {
		if got := tt.b.Duration(); got != tt.want {
			t.Errorf("%+v: Duration() = %v, want %v", tt.b, got, tt.want)
		}
	}
}
