package apply

import "github.com/flowroute-numbers/flowroute-numbers/plan"

// Status is the outcome of one change.
type Status string

const (
	// Applied: the account now has the change (confirmed by the API's answer, or by reading
	// the account back after an answer was lost).
	Applied Status = "applied"
	// Failed: the change was attempted and is not known to be on the account.
	Failed Status = "failed"
	// Skipped: the change was never sent, because a change it depends on failed or because
	// the apply was interrupted before it started.
	Skipped Status = "skipped"
)

// Result is what happened to one change of the plan.
type Result struct {
	Change plan.Change `json:"change"`
	Status Status      `json:"status"`
	// Error says why a failed change failed.
	Error string `json:"error,omitempty"`
	// Reason says why a skipped change was skipped: "depends on failed create_route pbx" or
	// "interrupted".
	Reason string `json:"reason,omitempty"`
	// Note explains how an applied change was confirmed when the API's first answer did not
	// say so, e.g. "confirmed by reading the account after a lost response".
	Note string `json:"note,omitempty"`
	// Attempts is how many times the write was sent (0 for a skipped change).
	Attempts int `json:"attempts,omitempty"`
}

// Report is what an apply did, as plain data: one Result per change, in the plan's order.
type Report struct {
	Results     []Result `json:"results"`
	Interrupted bool     `json:"interrupted,omitempty"` // the context was cancelled before the end
}

// Count returns how many results have the status.
func (r *Report) Count(s Status) int {
	n := 0
	for _, res := range r.Results {
		if res.Status == s {
			n++
		}
	}
	return n
}

// OK reports whether every change was applied.
func (r *Report) OK() bool { return r.Count(Applied) == len(r.Results) }

// Of returns the results with the status, in plan order.
func (r *Report) Of(s Status) []Result {
	var out []Result
	for _, res := range r.Results {
		if res.Status == s {
			out = append(out, res)
		}
	}
	return out
}

// EventKind says what an Event reports.
type EventKind int

const (
	// Started: the change is being sent to the account.
	Started EventKind = iota + 1
	// Finished: the change has its Result (applied, failed or skipped).
	Finished
)

// Event reports progress. Events are delivered one at a time, from a single goroutine, in the
// order they happen; a slow handler slows the apply down.
type Event struct {
	Kind   EventKind
	Result Result // for Started, only Change is set
	Done   int    // changes finished so far, this one included
	Total  int    // changes in the plan
}
