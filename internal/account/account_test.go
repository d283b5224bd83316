package account

import "testing"

// Of two records of one value, the approved is used, then the pending, then the lower id.
func TestCNAMBefore(t *testing.T) {
	t.Parallel()
	approved, pending, rejected := CNAM{ID: "9", Status: CNAMApproved}, CNAM{ID: "1", Status: CNAMPending}, CNAM{ID: "0", Status: CNAMRejected}
	for _, tt := range []struct {
		a, b CNAM
		want bool
	}{
		{approved, pending, true}, {pending, approved, false}, {pending, rejected, true}, {rejected, approved, false},
		{CNAM{ID: "1", Status: CNAMPending}, CNAM{ID: "2", Status: CNAMPending}, true},
		{CNAM{ID: "2", Status: CNAMPending}, CNAM{ID: "1", Status: CNAMPending}, false},
	} {
		if got := tt.a.Before(tt.b); got != tt.want {
			t.Errorf("%+v.Before(%+v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
