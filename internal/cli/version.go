package cli

import (
	"fmt"
	"runtime/debug"
)

// revision is set by the Makefile (-ldflags "-X …/internal/cli.revision=…") for builds made with
// -buildvcs=false; otherwise the VCS revision comes from the build info.
var revision string

type versionCmd struct{}

func (versionCmd) Run(g *Globals) error {
	fmt.Fprintf(g.stdout, "flowroute-numbers %s\n", buildVersion())
	return nil
}

// buildVersion is the module version and the VCS revision the binary was built from.
func buildVersion() string {
	version, rev, dirty := "(devel)", revision, ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			version = bi.Main.Version
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
	if rev == "" {
		return version
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	return fmt.Sprintf("%s (%s%s)", version, rev, dirty)
}
