package apply

import (
	"context"
	"errors"
	"slices"

	"github.com/flowroute-numbers/flowroute-numbers/account"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// clearedCallbacks are the callbacks a set_callback change removes (those it sets to ""),
// sorted: a held number's.
func clearedCallbacks(c plan.Change) []string {
	var names []string
	for k, v := range c.After {
		if v == "" {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return names
}

// removeCallbacks removes the number's callbacks named (account.CallbackRemover). Removing one
// again changes nothing, so after a lost answer they are read back where the backend can, and
// removed again otherwise.
func (x *executor) removeCallbacks(ctx context.Context, tn string, names []string) Result {
	rm, ok := x.acct.(account.CallbackRemover)
	if !ok {
		return failed(0, "%s cannot remove messaging callbacks", x.api())
	}
	return x.idempotent(ctx, "remove callbacks", func(ctx context.Context) error { return rm.RemoveCallbacks(ctx, tn, names) },
		func(ctx context.Context) (bool, error) {
			cr, ok := x.acct.(account.CallbackReader)
			if !ok {
				return false, nil
			}
			got, err := cr.Callbacks(ctx, tn)
			if errors.Is(err, account.ErrNotSupported) {
				return false, nil
			}
			for _, f := range [][2]string{{"sms_callback", got.SMSCallback}, {"mms_callback", got.MMSCallback}, {"sms_dlr_callback", got.SMSDLRCallback}, {"mms_dlr_callback", got.MMSDLRCallback}} {
				if slices.Contains(names, f[0]) && f[1] != "" {
					return false, err
				}
			}
			return err == nil, err
		})
}
