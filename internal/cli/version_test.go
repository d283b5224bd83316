package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// TestVersionAndVersionFlagPrintTheStampedVersion checks that `version` and `--version` print
// the version stamped by -ldflags -X, the same line both ways.
func TestVersionAndVersionFlagPrintTheStampedVersion(t *testing.T) {
	saved := version
	version = "v1.2.3"
	t.Cleanup(func() { version = saved })
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, errb.String())
		}
		if got := out.String(); !strings.HasPrefix(got, "flowroute-numbers v1.2.3") || strings.Count(got, "\n") != 1 {
			t.Errorf("%v printed %q, want one line starting flowroute-numbers v1.2.3", args, got)
		}
	}
}

// repoRoot is the module's root directory, where main.go and the Makefile are.
const repoRoot = "../.."

// TestMakeReleaseStampsVersionAndChecksums runs `make release` for the host platform only and
// checks that the binary is named and stamped with VERSION (so the -X path in the Makefile
// names a real variable) and that SHA256SUMS holds its checksum.
func TestMakeReleaseStampsVersionAndChecksums(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a release binary")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	t.Parallel()
	dist := t.TempDir()
	const v = "v9.8.7-test"
	cmd := exec.Command("make", "release", "VERSION="+v, "DIST="+dist, "PLATFORMS="+runtime.GOOS+"/"+runtime.GOARCH)
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make release: %v\n%s", err, out)
	}
	name := "flowroute-numbers_" + v + "_" + runtime.GOOS + "_" + runtime.GOARCH
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	bin := filepath.Join(dist, name)
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "flowroute-numbers "+v+" ") {
		t.Errorf("%s --version: %q, %v; want flowroute-numbers %s (revision)", name, out, err, v)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	sums, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	if want := hex.EncodeToString(sum[:]) + "  " + name + "\n"; string(sums) != want {
		t.Errorf("SHA256SUMS is %q, want %q", sums, want)
	}
}

// TestDescribeBuild checks what --version says about binaries built each way: the stamped
// version and revision win; otherwise the module version, and the commit from the VCS
// settings, from a pseudo-version, or else the module checksum of a tagged release.
func TestDescribeBuild(t *testing.T) {
	t.Parallel()
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"}, {Key: "vcs.modified", Value: "true"}}
	for _, tc := range []struct {
		name       string
		stamp, rev string
		bi         *debug.BuildInfo
		want       string
	}{
		{"make release", "v1.2.3", "fedcba9876543210", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "v1.2.3 (fedcba987654)"},
		{"go install @tag", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3", Sum: "h1:abc="}}, "v1.2.3 (module h1:abc=)"},
		{"go install @commit", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260102150405-0123456789ab", Sum: "h1:abc="}}, "v0.0.0-20260102150405-0123456789ab (0123456789ab)"},
		{"go install @commit after a tag", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.4-0.20260102150405-abcdefabcdef"}}, "v1.2.4-0.20260102150405-abcdefabcdef (abcdefabcdef)"},
		{"go install @commit after a pre-release", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0-rc.1.0.20260102150405-abcdefabcdef"}}, "v1.3.0-rc.1.0.20260102150405-abcdefabcdef (abcdefabcdef)"},
		{"go build in a modified checkout", "", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs}, "(devel) (0123456789ab-dirty)"},
		{"go build with -buildvcs=false", "", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "(devel)"},
		{"a pre-release tag is no pseudo-version", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.0.0-rc.1", Sum: "h1:x="}}, "v1.0.0-rc.1 (module h1:x=)"},
		{"no build info", "", "", nil, "(devel)"},
	} {
		if got := describeBuild(tc.stamp, tc.rev, tc.bi); got != tc.want {
			t.Errorf("%s: describeBuild = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestVersionAfterGoInstall installs the working tree with `go install MODULE@v0.1.0` from a
// module proxy of files, as a user installs a release, and checks that --version names the
// version and the module checksum that pins its source, the checksum go records for it.
func TestVersionAfterGoInstall(t *testing.T) {
	t.Parallel()
	bin := goInstall(t)
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s --version: %v\n%s", bin, err, out)
	}
	info, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatalf("go version -m: %v", err)
	}
	var sum string
	for line := range strings.SplitSeq(string(info), "\n") {
		if f := strings.Fields(line); len(f) == 4 && f[0] == "mod" && f[1] == modulePath {
			sum = f[3]
		}
	}
	if want := "flowroute-numbers " + proxyVersion + " (module " + sum + ")\n"; sum == "" || string(out) != want {
		t.Errorf("--version after go install printed %q, want %q\ngo version -m:\n%s", out, want, info)
	}
}
