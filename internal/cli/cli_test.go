package cli

import (
	"bytes"
	"strings"
	"testing"
)

// A usage error points at the help of the command it happened in, where the flag or argument
// that was wrong is described, and at the top-level help when no command was reached.
func TestUsageErrorNamesCommandHelp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"completion", "tcsh"}, "Run 'flowroute-numbers completion --help' for usage."},
		{[]string{"plan", "--frmat", "json"}, "Run 'flowroute-numbers plan --help' for usage."},
		{[]string{"sandbox", "serve", "--bogus"}, "Run 'flowroute-numbers sandbox serve --help' for usage."},
		{[]string{"plann"}, "Run 'flowroute-numbers --help' for usage."},
	} {
		var out, errb bytes.Buffer
		code := run(tc.args, &out, &errb)
		if code != 1 || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%q: exit %d, want 1 and %q\nstderr:\n%s", tc.args, code, tc.want, errb.String())
		}
	}
}
