package cli

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/internal/golden"
)

// TestValidateJSON checks that validate --format json prints the verdict, the counts and every
// diagnostic with its position as data on stdout, nothing on stderr, and keeps the exit
// status of the text format.
func TestValidateJSON(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, file string
		code       int
		valid      bool
	}{
		{"valid", "../../examples/quickstart.yaml", 0, true},
		{"invalid", badSpec, 1, false},
	} {
		code, stdout, stderr := runCLI(t, "validate", "--format", "json", "-f", c.file)
		if code != c.code || stderr != "" {
			t.Errorf("%s: exit %d, want %d; stderr %q", c.name, code, c.code, stderr)
		}
		var rep validateReport
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil || rep.Valid != c.valid {
			t.Errorf("%s: %v, valid %v, want %v:\n%s", c.name, err, rep.Valid, c.valid, stdout)
		}
		golden.Check(t, filepath.Join("testdata", "golden", "validate", c.name+".json"), []byte(stdout))
	}
}
