package cli

import (
	"archive/zip"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// modulePath is this module's path, which `go install MODULE@VERSION` names.
const modulePath = "github.com/flowroute-numbers/flowroute-numbers"

// proxyVersion is the version the test module proxy serves the working tree as.
const proxyVersion = "v0.1.0"

var (
	proxyOnce sync.Once
	proxyDir  string
	proxyErr  error
)

// moduleProxyEnv returns the environment under which `go install MODULE@v0.1.0` installs the
// working tree exactly as a user's `go install` of a release does, without the network: a
// GOPROXY of files that serves the working tree as v0.1.0 (a module zip, as the module proxy
// serves one) and then the dependencies from the local module cache, in a module cache of
// the test's own so that the real one never holds this made-up version.
func moduleProxyEnv(t *testing.T) []string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the module as go install does")
	}
	proxyOnce.Do(func() { proxyDir, proxyErr = writeModuleProxy() })
	if proxyErr != nil {
		t.Fatalf("writing the test module proxy: %v", proxyErr)
	}
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOMODCACHE: %v", err)
	}
	cache := "file://" + filepath.ToSlash(filepath.Join(strings.TrimSpace(string(out)), "cache", "download"))
	return []string{
		"GOPROXY=file://" + filepath.ToSlash(proxyDir) + "," + cache,
		"GOMODCACHE=" + t.TempDir(),
		"GOSUMDB=off", // the made-up version is in no checksum database
		"GOTOOLCHAIN=local",
		"GOWORK=off",
		// -modcacherw lets the test remove its module cache; -trimpath keeps the build cache's
		// keys free of that directory, so that a second run compiles nothing.
		"GOFLAGS=-modcacherw -trimpath",
	}
}

// writeModuleProxy writes a GOPROXY directory that serves the working tree as proxyVersion:
// the .info, .mod and .zip files of the module protocol, the zip holding moduleSources.
func writeModuleProxy() (string, error) {
	dir, err := os.MkdirTemp("", "flowroute-numbers-proxy")
	if err != nil {
		return "", err
	}
	v := filepath.Join(dir, filepath.FromSlash(modulePath), "@v")
	if err := os.MkdirAll(v, 0o755); err != nil {
		return "", err
	}
	gomod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		return "", err
	}
	for name, data := range map[string][]byte{
		"list":                 []byte(proxyVersion + "\n"),
		proxyVersion + ".info": []byte(`{"Version":"` + proxyVersion + `","Time":"2026-01-01T00:00:00Z"}`),
		proxyVersion + ".mod":  gomod,
	} {
		if err := os.WriteFile(filepath.Join(v, name), data, 0o644); err != nil {
			return "", err
		}
	}
	f, err := os.Create(filepath.Join(v, proxyVersion+".zip"))
	if err != nil {
		return "", err
	}
	zw := zip.NewWriter(f)
	err = moduleSources(func(rel string, data []byte) error {
		w, err := zw.Create(modulePath + "@" + proxyVersion + "/" + rel)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return dir, err
}

// moduleSources calls visit with each file of the working tree that a build of the module
// needs, by its slash-separated path in the module: the Go files and go.mod, go.sum, without
// tests, test data, build output or dot directories.
func moduleSources(visit func(rel string, data []byte) error) error {
	return filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != repoRoot && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin" || name == "dist") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || strings.HasSuffix(name, "_test.go") ||
			!(strings.HasSuffix(name, ".go") || name == "go.mod" || name == "go.sum") {
			return nil
		}
		rel, err := filepath.Rel(repoRoot, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return visit(filepath.ToSlash(rel), data)
	})
}

// goInstall runs `go install MODULE@v0.1.0` from the test module proxy into a new directory,
// as a user or the GitHub Action's fallback installs a release, and returns the binary.
func goInstall(t *testing.T) string {
	t.Helper()
	env := moduleProxyEnv(t)
	gobin := t.TempDir()
	cmd := exec.Command("go", "install", modulePath+"@"+proxyVersion)
	cmd.Dir = t.TempDir() // outside any module, as in a spec-only repository
	cmd.Env = append(append(os.Environ(), env...), "GOBIN="+gobin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install %s@%s: %v\n%s", modulePath, proxyVersion, err, out)
	}
	return filepath.Join(gobin, "flowroute-numbers")
}
