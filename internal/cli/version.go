package cli

import (
	"fmt"
	"runtime/debug"
)

// version and revision are stamped by `make build` and `make release`
// (-ldflags "-X github.com/flowroute-numbers/flowroute-numbers/internal/cli.version=v1.2.3
// -X …/internal/cli.revision=…"). Left empty, the module version of `go install MODULE@vX.Y.Z`
// and the VCS revision come from the build info.
var (
	version  string
	revision string
)

type versionCmd struct{}

func (versionCmd) Run(g *Globals) error {
	fmt.Fprintln(g.stdout, versionLine())
	return nil
}

// versionLine is what `version` and `--version` print: "flowroute-numbers v1.2.3 (0123456789ab)".
func versionLine() string { return "flowroute-numbers " + buildVersion() }

// buildVersion is the version the binary was built as and the VCS revision it was built from:
// the stamped version first, then the module version of `go install …@vX.Y.Z`, else "(devel)".
func buildVersion() string {
	v, rev, dirty := version, revision, ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" && bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && rev == "":
				rev = s.Value
			case s.Key == "vcs.modified" && s.Value == "true":
				dirty = "-dirty"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	if rev == "" {
		return v
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	return fmt.Sprintf("%s (%s%s)", v, rev, dirty)
}
