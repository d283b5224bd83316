package cli

import (
	"fmt"
	"regexp"
	"runtime/debug"
)

// version and revision are stamped by `make build` and `make release`
// (-ldflags "-X github.com/flowroute-numbers/flowroute-numbers/internal/cli.version=v1.2.3
// -X …/internal/cli.revision=…"). Left empty, they come from the build info: see describeBuild.
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

// buildVersion is the version the binary was built as and what it was built from,
// "v1.2.3 (0123456789ab)": see describeBuild.
func buildVersion() string {
	bi, _ := debug.ReadBuildInfo()
	return describeBuild(version, revision, bi)
}

// pseudoRevision matches the end of a pseudo-version (v0.0.0-20260102150405-0123456789ab, and
// the forms after a tag): the 14-digit time and the 12-digit commit abbreviation.
var pseudoRevision = regexp.MustCompile(`[-.]\d{14}-([0-9a-f]{12})(\+incompatible)?$`)

// describeBuild says which version a binary is and what it was built from, for `--version`.
// The version is the one stamped by the linker, else the module version of
// `go install MODULE@VERSION` from the build info, else "(devel)". In parentheses comes what
// identifies the source, the first found of:
//   - the stamped revision (make build, make release);
//   - the build info's vcs.revision, "-dirty" when vcs.modified (a build in a git checkout);
//   - the commit a pseudo-version names (go install MODULE@COMMIT, or @branch);
//   - the module's checksum, h1:… (go install MODULE@vX.Y.Z): Go records no commit for a
//     module built from the module proxy, and the checksum is what go.sum and
//     sum.golang.org hold for that version, so it pins the exact source just as well.
//
// bi may be nil: a binary built without module support.
func describeBuild(stampedVersion, stampedRevision string, bi *debug.BuildInfo) string {
	v, rev := stampedVersion, stampedRevision
	var modVersion, modSum, vcsRev, dirty string
	if bi != nil {
		if bi.Main.Version != "(devel)" {
			modVersion, modSum = bi.Main.Version, bi.Main.Sum
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision":
				vcsRev = s.Value
			case s.Key == "vcs.modified" && s.Value == "true":
				dirty = "-dirty"
			}
		}
	}
	if v == "" {
		v = modVersion
	}
	if v == "" {
		v = "(devel)"
	}
	switch {
	case rev != "":
	case vcsRev != "":
		rev = vcsRev
	case pseudoRevision.MatchString(modVersion):
		rev = pseudoRevision.FindStringSubmatch(modVersion)[1]
	case modSum != "":
		return fmt.Sprintf("%s (module %s)", v, modSum)
	default:
		return v
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	return fmt.Sprintf("%s (%s%s)", v, rev, dirty)
}
