package apply_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/apply"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// apply's policy check agrees with plan's: a release needs policy.unmanaged: release unless
// the change is a retired number's (Change.Retired), and every release counts against
// max_releases. A set_callback change either sets callbacks or removes them (""), not both.
func TestRunChecksRetiredReleasesAndClears(t *testing.T) {
	t.Parallel()
	release := func(retired spec.Date) plan.Change {
		return plan.Change{Action: plan.Release, Key: "12065550100", Before: map[string]string{}, After: map[string]string{}, Retired: retired}
	}
	since, _ := spec.ParseDate("2026-12-03")
	for _, tc := range []struct {
		name    string
		change  plan.Change
		max     int
		errPart string
	}{
		{name: "an unmanaged number's release", change: release(spec.Date{}), max: 1, errPart: "its policy.unmanaged is not release"},
		{name: "a retired number's release beyond max_releases", change: release(since), max: 0, errPart: "policy.max_releases allows 0"},
		{name: "callbacks set and removed at once", errPart: "both sets and removes callbacks",
			change: plan.Change{Action: plan.SetCallback, Key: "12065550100", After: map[string]string{"sms_callback": "", "mms_callback": "https://x.example/mms"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake()
			f.caps.ReleaseNumber, f.caps.Messaging = true, true
			f.addOwned("12065550100")
			p := newPlan(tc.change)
			p.Policy.MaxReleases, p.Policy.Unmanaged = tc.max, spec.UnmanagedWarn
			_, err := apply.Run(context.Background(), f, p, fast)
			if !errors.Is(err, apply.ErrRefused) || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("Run = %v, want a refusal containing %q", err, tc.errPart)
			}
			if len(f.writes) != 0 {
				t.Errorf("writes %v, want none", f.writes)
			}
		})
	}
	// Within max_releases, a retired number's release passes the checks; this backend has no
	// release write, which is the refusal that remains.
	f := newFake()
	f.caps.ReleaseNumber = true
	f.addOwned("12065550100")
	p := newPlan(release(since))
	p.Policy.MaxReleases = 1
	if _, err := apply.Run(context.Background(), f, p, fast); err == nil || !strings.Contains(err.Error(), "cannot release a number") {
		t.Errorf("Run = %v, want only the missing release write refused", err)
	}
}
