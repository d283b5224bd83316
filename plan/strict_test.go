package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// savedPlanJSON is a valid plan file's text, to edit.
func savedPlanJSON(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plan.json")
	f := &File{Spec: desiredSpec(map[string]spec.Route{"pbx": host}, nil), Plan: samplePlan()}
	if err := f.Save(path, testKey); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// Edits that encoding/json would decode without a word are refused, with where they are.
func TestLoadFileIsStrict(t *testing.T) {
	t.Parallel()
	good := savedPlanJSON(t)
	dir := t.TempDir()
	for name, tt := range map[string]struct {
		edit func(string) string
		want string
	}{
		"duplicate top-level key": {func(s string) string {
			return strings.Replace(s, `"format_version": 1,`, `"format_version": 1, "format_version": 1,`, 1)
		}, `key "format_version" appears twice`},
		"duplicate key deep in a change": {func(s string) string {
			return strings.Replace(s, `"action": "create_route",`, `"action": "create_route", "action": "purchase",`, 1)
		}, `key "action" appears twice in one object (plan.changes[0].action)`},
		"key in another case": {func(s string) string {
			return strings.Replace(s, `"state_digest"`, `"State_Digest"`, 1)
		}, `unknown field "State_Digest"`},
		"two keys differing in case": {func(s string) string {
			return strings.Replace(s, `"pbx": {`, `"PBX": {"type": "HOST", "value": "10.0.0.1"}, "pbx": {`, 1)
		}, `keys "PBX" and "pbx" differ only in case`},
		"unknown key in the policy": {func(s string) string {
			return strings.Replace(s, `"max_purchases"`, `"max_purchase": 99, "max_purchases"`, 1)
		}, `unknown field "max_purchase"`},
	} {
		content := tt.edit(good)
		if content == good {
			t.Fatalf("%s: the edit changed nothing", name)
		}
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := LoadFile(path)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "line ") {
			t.Errorf("%s: LoadFile error = %v, want one at a line that says %q", name, err, tt.want)
		}
	}
}
