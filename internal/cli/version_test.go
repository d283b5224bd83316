package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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
