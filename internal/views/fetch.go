package views

import (
	"fmt"
	"io"
	"sync"

	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// FetchProgress returns the progress callback for reading the account, and a function to call
// when reading ends. It reports on w only when w is a terminal, on one line that it rewrites;
// elsewhere (CI logs, pipes) both do nothing.
func FetchProgress(w io.Writer, terminal bool) (plan.Progress, func()) {
	if !terminal {
		return nil, func() {}
	}
	var (
		mu     sync.Mutex
		active = true
	)
	fmt.Fprint(w, "Reading the account…")
	progress := func(pages, numbers int) {
		mu.Lock()
		defer mu.Unlock()
		if pages > 0 {
			fmt.Fprintf(w, "\r\x1b[KReading the account: %d pages, %d numbers…", pages, numbers)
		} else {
			fmt.Fprintf(w, "\r\x1b[KReading the account: %d numbers…", numbers)
		}
	}
	done := func() {
		mu.Lock()
		defer mu.Unlock()
		if active {
			fmt.Fprint(w, "\r\x1b[K") // the plan that follows says what was read
			active = false
		}
	}
	return progress, done
}
