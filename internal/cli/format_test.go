package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/internal/golden"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// TestFmtGolden formats each spec under testdata/fmt and compares it with its golden file; the
// result is a fixed point (formatting it again changes nothing) and loads as the same spec.
func TestFmtGolden(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"messy.yaml", "anchors-kept.yaml", "comments-only.yaml", "pools.yaml"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in, err := os.ReadFile(filepath.Join("testdata", "fmt", name))
			if err != nil {
				t.Fatal(err)
			}
			out, err := formatSpec(in)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "golden", "fmt", name), out)
			again, err := formatSpec(out)
			if err != nil || string(again) != string(out) {
				t.Errorf("formatting the result again: %v\n%s", err, again)
			}
			if name == "comments-only.yaml" {
				return
			}
			before, err1 := spec.Parse(name, in)
			after, err2 := spec.Parse(name, out)
			if err1 != nil || err2 != nil {
				t.Fatalf("parse: %v / %v", err1, err2)
			}
			if !sameSpec(before, after) {
				t.Errorf("the formatted spec differs:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}

// sameSpec compares what two specs declare, not where.
func sameSpec(a, b *spec.Spec) bool {
	a2, b2 := *a, *b
	a2.Positions, b2.Positions = nil, nil
	ja, _ := jsonOf(&a2)
	jb, _ := jsonOf(&b2)
	return ja == jb
}

// TestFmtRefusesToChangeMeaning checks that a file whose aliases sorting would move before
// their anchors is left as it is, with an error naming it.
func TestFmtRefusesToChangeMeaning(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "anchors.yaml")
	in, _ := os.ReadFile(filepath.Join("testdata", "fmt", "anchors.yaml"))
	if err := os.WriteFile(path, in, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "fmt", path)
	if code != 1 || !strings.Contains(stderr, "Error: "+path+": the canonical layout would change what the file says") {
		t.Errorf("fmt of a file it cannot sort: exit %d, stderr %q", code, stderr)
	}
	if now, _ := os.ReadFile(path); string(now) != string(in) {
		t.Errorf("fmt changed the file:\n%s", now)
	}
}

// TestFmtCheck checks that fmt --check lists the files that would change and exits 1, changes
// nothing, and that fmt then rewrites them, after which --check passes.
func TestFmtCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	messy, _ := os.ReadFile(filepath.Join("testdata", "fmt", "messy.yaml"))
	canonical, _ := os.ReadFile(filepath.Join("testdata", "golden", "fmt", "messy.yaml"))
	for name, data := range map[string][]byte{"a.yaml": messy, "b.yaml": canonical, "notes.txt": []byte("x")} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a := filepath.Join(dir, "a.yaml")
	code, stdout, stderr := runCLI(t, "fmt", "--check", dir)
	if code != 1 || stdout != a+"\n" || !strings.Contains(stderr, "1 file not in the canonical layout") {
		t.Errorf("fmt --check: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if now, _ := os.ReadFile(a); string(now) != string(messy) {
		t.Error("fmt --check changed the file")
	}
	if code, stdout, _ := runCLI(t, "fmt", dir); code != 0 || stdout != a+"\n" {
		t.Errorf("fmt: exit %d, stdout %q", code, stdout)
	}
	if now, _ := os.ReadFile(a); string(now) != string(canonical) {
		t.Errorf("fmt wrote:\n%s", now)
	}
	if code, stdout, stderr := runCLI(t, "fmt", "--check", dir); code != 0 || stdout != "" {
		t.Errorf("fmt --check after fmt: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestShowRendersASavedPlan checks that show prints a saved plan in each format exactly as
// plan printed it.
func TestShowRendersASavedPlan(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	planFile := filepath.Join(t.TempDir(), "plan.json")
	for _, format := range []string{"text", "json", "markdown"} {
		args := []string{"plan", "../../examples/quickstart.yaml", "--format", format}
		if format == "text" {
			args = append(args, "--out", planFile)
		}
		want, stderr, code := sandboxCLI(t, state, nil, args...)
		if code != 0 {
			t.Fatalf("plan: exit %d\n%s", code, stderr)
		}
		got, stderr, code := sandboxCLI(t, state, nil, "show", planFile, "--format", format)
		if code != 0 || got != want {
			t.Errorf("show --format %s: exit %d, stderr %q\ngot:\n%s\nwant:\n%s", format, code, stderr, got, want)
		}
	}
	if code, _, stderr := runCLI(t, "show", "../../examples/quickstart.yaml"); code != 1 || !strings.Contains(stderr, "not a plan file but, by its name, a spec: plan it with") {
		t.Errorf("show of a spec: exit %d, stderr %q", code, stderr)
	}
}

func jsonOf(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
