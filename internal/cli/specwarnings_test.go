package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// warnedSpec has a callback Flowroute's servers cannot reach and one with a password: the
// spec is valid, with a warning for each.
const warnedSpec = `version: 1
numbers:
  "12065550100": {messaging: {sms_callback: "http://10.0.0.5/sms", mms_callback: "https://hooks:s3cret@hooks.example.com/mms"}}
`

// TestSpecWarnings: validate, validate --format json and plan show the warnings of a spec
// that loads, each with its place and the field it is about, and never the password.
func TestSpecWarnings(t *testing.T) {
	t.Parallel()
	path := writeSpec(t, warnedSpec)
	private := path + ":3:45: number 12065550100 messaging.sms_callback points at 10.0.0.5, a private address, which Flowroute's servers cannot reach"
	password := path + ":3:82: number 12065550100 messaging.mms_callback has a password (user:password@), which Flowroute stores and shows in plain text"

	code, stdout, stderr := runCLI(t, "validate", path)
	if code != 0 || !strings.HasSuffix(stdout, "valid, 0 routes, 1 number.\n") ||
		!strings.Contains(stderr, "Warning: "+private+" (give a public address or host name of the endpoint)\n") ||
		!strings.Contains(stderr, "Warning: "+password+" (leave the password out of the URL)\n") {
		t.Errorf("validate: exit %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}

	code, stdout, _ = runCLI(t, "validate", "--format", "json", path)
	var rep validateReport
	if err := json.Unmarshal([]byte(stdout), &rep); code != 0 || err != nil || !rep.Valid || len(rep.Diagnostics) != 2 {
		t.Fatalf("validate --format json: exit %d, %v:\n%s", code, err, stdout)
	}
	for i, want := range []string{private, password} {
		d := rep.Diagnostics[i]
		if got := d.Pos.String() + ": " + d.Message; d.Severity != plan.Warning || got != want {
			t.Errorf("diagnostic %d: %s %q, want a warning %q", i, d.Severity, got, want)
		}
	}

	state, _ := planSandbox(t)
	stdout, stderr, code = sandboxCLI(t, state, nil, "--api", "v2", "plan", "-f", path)
	if code != 0 || !strings.Contains(stdout, "Warning: "+private+"\n") || !strings.Contains(stdout, "Warning: "+password+"\n") {
		t.Errorf("plan: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	for _, line := range strings.Split(stdout+stderr, "\n") {
		if strings.Contains(line, "s3cret") && !strings.HasPrefix(line, "      mms_callback:") { // the change shows the value
			t.Errorf("the password is printed: %s", line)
		}
	}
}
