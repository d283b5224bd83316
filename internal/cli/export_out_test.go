package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// TestExportOutRefusesToOverwrite checks that export --out leaves an existing file as it is
// unless --force is given, and that what it writes starts with the schema modeline, writes the
// policy defaults out, loads with those defaults and plans to no changes.
func TestExportOutRefusesToOverwrite(t *testing.T) {
	t.Parallel()
	state, _ := seedSandbox(t, 0, []v1.Route{{Name: "pbx", Type: "HOST", Value: "24.239.23.40:5060"}},
		[]v1.Number{{TN: "12065550100"}}, 0)
	out := filepath.Join(t.TempDir(), "numbers.yaml")
	if err := os.WriteFile(out, []byte("hand-written\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := sandboxCLI(t, state, nil, "export", "--out", out)
	if code != 1 || !strings.Contains(stderr, out+" exists: export does not overwrite it; give --force") {
		t.Errorf("export over an existing file: exit %d, stderr %q", code, stderr)
	}
	if data, _ := os.ReadFile(out); string(data) != "hand-written\n" {
		t.Fatalf("export without --force changed the file:\n%s", data)
	}

	if _, stderr, code := sandboxCLI(t, state, nil, "export", "--out", out, "--force"); code != 0 {
		t.Fatalf("export --force: exit %d\n%s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if !strings.HasPrefix(text, "# yaml-language-server: $schema=./flowroute-numbers.schema.json\n") {
		t.Errorf("the export does not start with the schema modeline:\n%s", text)
	}
	if !strings.Contains(text, "\npolicy:") || !strings.Contains(text, "\n  unmanaged: warn ") || !strings.Contains(text, "\n  max_purchases: 10 ") {
		t.Errorf("the export does not write the policy defaults out:\n%s", text)
	}
	s, err := spec.Load(out)
	if err != nil {
		t.Fatalf("the export does not load: %v\n%s", err, text)
	}
	if s.Policy.Unmanaged != spec.UnmanagedWarn || s.Policy.MaxPurchases != spec.DefaultMaxPurchases {
		t.Errorf("the export's policy loads as %+v", s.Policy)
	}
	if stdout, stderr, code := sandboxCLI(t, state, nil, "plan", "-f", out, "--detailed-exitcode"); code != 0 {
		t.Errorf("plan of the export: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// TestSchemaFileBesideTheSpec checks that schema --out and export --out write the schema file
// that the exported spec's modeline names, next to the spec, with the content of `schema`.
func TestSchemaFileBesideTheSpec(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, "schema", "--out", filepath.Join(dir, "my.schema.json")); code != 0 {
		t.Fatalf("schema --out: exit %d\n%s", code, stderr)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "my.schema.json")); string(data) != string(spec.Schema()) {
		t.Errorf("schema --out wrote %d bytes, not the schema", len(data))
	}

	state, _ := seedSandbox(t, 0, nil, nil, 0)
	out := filepath.Join(dir, "specs", "numbers.yaml")
	if err := os.Mkdir(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := sandboxCLI(t, state, nil, "export", "--out", out); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	exported, _ := os.ReadFile(out)
	first, _, _ := strings.Cut(string(exported), "\n")
	target, ok := strings.CutPrefix(first, "# yaml-language-server: $schema=")
	if !ok {
		t.Fatalf("no modeline on the first line: %q", first)
	}
	if data, err := os.ReadFile(filepath.Join(filepath.Dir(out), target)); err != nil || string(data) != string(spec.Schema()) {
		t.Errorf("the modeline names %s, which does not hold the schema: %v", target, err)
	}
}

// TestExportToStdoutSaysHowToWriteTheSchema: export to standard output writes no schema file,
// so the spec's header says how to write the one its modeline names.
func TestExportToStdoutSaysHowToWriteTheSchema(t *testing.T) {
	t.Parallel()
	state, _ := seedSandbox(t, 0, nil, []v1.Number{{TN: "12065550100"}}, 0)
	stdout, stderr, code := sandboxCLI(t, state, nil, "export")
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "# `flowroute-numbers schema --out flowroute-numbers.schema.json`") {
		t.Errorf("the header does not say how to write the schema:\n%s", stdout)
	}
}

// TestExportOutIntoAMissingDirectory: export --out into a directory that does not exist says
// so, naming it, before it reads the account, and writes nothing.
func TestExportOutIntoAMissingDirectory(t *testing.T) {
	t.Parallel()
	state, _ := seedSandbox(t, 0, nil, []v1.Number{{TN: "12065550100"}}, 0)
	root := t.TempDir()
	missing := filepath.Join(root, "specs")
	out := filepath.Join(missing, "n.yaml")
	_, stderr, code := sandboxCLI(t, state, nil, "export", "--out", out)
	want := "--out " + out + ": the directory " + missing + " does not exist: create it first, or give another --out"
	if code != 1 || !strings.Contains(stderr, want) || strings.Contains(stderr, ".tmp") {
		t.Errorf("export --out into a missing directory: exit %d, stderr %q, want %q", code, stderr, want)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("export wrote %d entries into %s", len(entries), root)
	}

	file := filepath.Join(root, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := sandboxCLI(t, state, nil, "export", "--out", filepath.Join(file, "n.yaml"), "--force"); code != 1 || !strings.Contains(stderr, file+" is not a directory") {
		t.Errorf("export --out under a file: exit %d, stderr %q", code, stderr)
	}
}
