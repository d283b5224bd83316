package cli

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"debug/elf"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestDockerfileImage builds the image of the repository's Dockerfile with buildah and checks
// that it holds the static binary, CA certificates and nothing else, and runs as a non-root
// user. It skips, saying so, where buildah is not installed (CI installs it when it can).
//
// What it does not build: the builder stage starts from the golang image, which needs a
// registry, and tests reach none. So the test builds the binary itself, with the builder's
// command (CGO_ENABLED=0, -trimpath, stripped, the version stamped in), and hands it to
// buildah as the stage named build (--build-context build=DIR); buildah then builds the
// Dockerfile's final stage as written, copying from that directory instead of the builder.
// The builder stage is checked only as text: that it builds the same way.
func TestDockerfileImage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary and an image")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the image is built on Linux")
	}
	if _, err := exec.LookPath("buildah"); err != nil {
		t.Skip("buildah is not installed (apt-get install buildah): the Dockerfile is not built")
	}
	t.Parallel()
	dockerfile := filepath.Join(repoRoot, "Dockerfile")
	text, err := os.ReadFile(dockerfile)
	if err != nil {
		t.Fatal(err)
	}
	const stamp = "-X github.com/flowroute-numbers/flowroute-numbers/internal/cli.version=${VERSION}"
	for _, want := range []string{"FROM golang:${GO_VERSION} AS build", "RUN CGO_ENABLED=0 go build -trimpath", `"-s -w ` + stamp, "FROM scratch"} {
		if !bytes.Contains(text, []byte(want)) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}

	// The builder stage's output, made here: /out/flowroute-numbers and the CA certificates.
	stage := t.TempDir()
	const v = "v0.0.0-image-test"
	bin := filepath.Join(stage, "out", "flowroute-numbers")
	build := exec.Command("go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags", "-s -w "+strings.ReplaceAll(stamp, "${VERSION}", v), "-o", bin, ".")
	build.Dir = repoRoot
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	certs := filepath.Join(stage, "etc", "ssl", "certs", "ca-certificates.crt")
	if err := os.MkdirAll(filepath.Dir(certs), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certs, []byte("-----BEGIN CERTIFICATE-----\n(test)\n-----END CERTIFICATE-----\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	// buildah with storage of its own, so the test leaves nothing in the machine's.
	store := t.TempDir()
	buildah := func(args ...string) ([]byte, error) {
		cmd := exec.Command("buildah", append([]string{"--storage-driver", "vfs",
			"--root", filepath.Join(store, "root"), "--runroot", filepath.Join(store, "run")}, args...)...)
		cmd.Env = append(os.Environ(), "BUILDAH_ISOLATION=chroot")
		return cmd.CombinedOutput()
	}
	if out, err := buildah("info"); err != nil {
		t.Skipf("buildah is installed but cannot run here: %v\n%s", err, out)
	}
	if out, err := buildah("build", "--build-context", "build="+stage, "-f", dockerfile,
		"-t", "flowroute-numbers:test", t.TempDir()); err != nil {
		t.Fatalf("buildah build: %v\n%s", err, out)
	}
	archive := filepath.Join(t.TempDir(), "image.tar")
	if out, err := buildah("push", "flowroute-numbers:test", "oci-archive:"+archive); err != nil {
		t.Fatalf("buildah push: %v\n%s", err, out)
	}

	config, files := readOCIArchive(t, archive)
	if config.Config.User != "65532:65532" {
		t.Errorf("the image runs as %q, want the non-root 65532:65532", config.Config.User)
	}
	if got := strings.Join(config.Config.Entrypoint, " "); got != "/flowroute-numbers" {
		t.Errorf("the entry point is %q, want /flowroute-numbers", got)
	}
	want := map[string]string{"flowroute-numbers": bin, "etc/ssl/certs/ca-certificates.crt": certs}
	for name, path := range want {
		data, _ := os.ReadFile(path)
		if got, ok := files[name]; !ok || !bytes.Equal(got.data, data) {
			t.Errorf("the image lacks %s as built (present: %v)", name, ok)
		}
	}
	if f := files["flowroute-numbers"]; f.mode&0o111 != 0o111 {
		t.Errorf("/flowroute-numbers has mode %o, want executable by all", f.mode)
	}
	for name := range files {
		if _, ok := want[name]; !ok {
			t.Errorf("the image holds %s: want the binary and the CA certificates only", name)
		}
	}

	// FROM scratch has no libc or loader: the binary must need neither.
	exe, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer exe.Close()
	for _, p := range exe.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary names a dynamic loader: it would not start in a scratch image")
		}
	}
	if libs, _ := exe.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %v: it would not start in a scratch image", libs)
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "flowroute-numbers "+v) {
		t.Errorf("the image's binary --version: %q, %v; want the stamped %s", out, err, v)
	}
}

// imageFile is a regular file of an image's layers.
type imageFile struct {
	mode int64
	data []byte
}

// ociConfig is the part of an OCI image configuration the test reads.
type ociConfig struct {
	Config struct {
		User       string   `json:"User"`
		Entrypoint []string `json:"Entrypoint"`
	} `json:"config"`
}

// readOCIArchive reads an image saved as an OCI archive (one image): its configuration and
// the files (all but directories) of its layers, by path without the leading slash.
func readOCIArchive(t *testing.T, archive string) (ociConfig, map[string]imageFile) {
	t.Helper()
	blobs := map[string][]byte{}
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	eachTarFile(t, f, func(h *tar.Header, data []byte) { blobs[h.Name] = data })
	type descriptor struct {
		MediaType string `json:"mediaType"`
		Digest    string `json:"digest"`
	}
	blob := func(d descriptor) []byte {
		data, ok := blobs["blobs/"+strings.Replace(d.Digest, ":", "/", 1)]
		if !ok {
			t.Fatalf("the archive lacks the blob %s", d.Digest)
		}
		return data
	}
	var index struct{ Manifests []descriptor }
	if err := json.Unmarshal(blobs["index.json"], &index); err != nil || len(index.Manifests) != 1 {
		t.Fatalf("index.json: %v, %d manifests", err, len(index.Manifests))
	}
	var manifest struct {
		Config descriptor
		Layers []descriptor
	}
	if err := json.Unmarshal(blob(index.Manifests[0]), &manifest); err != nil {
		t.Fatal(err)
	}
	var config ociConfig
	if err := json.Unmarshal(blob(manifest.Config), &config); err != nil {
		t.Fatal(err)
	}
	files := map[string]imageFile{}
	for _, l := range manifest.Layers {
		var r io.Reader = bytes.NewReader(blob(l))
		if strings.HasSuffix(l.MediaType, "+gzip") {
			if r, err = gzip.NewReader(r); err != nil {
				t.Fatal(err)
			}
		} else if !strings.HasSuffix(l.MediaType, ".tar") {
			t.Fatalf("layer %s has media type %s, which the test does not read", l.Digest, l.MediaType)
		}
		eachTarFile(t, r, func(h *tar.Header, data []byte) {
			files[strings.TrimPrefix(h.Name, "/")] = imageFile{mode: h.Mode, data: data}
		})
	}
	return config, files
}

// eachTarFile calls fn with each entry of the tar stream r but directories, and its contents.
func eachTarFile(t *testing.T, r io.Reader, fn func(h *tar.Header, data []byte)) {
	t.Helper()
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeDir {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		fn(h, data)
	}
}
