package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// SchemaFile is the name of the JSON Schema file that export and `schema --out` write next to
// a spec, and that the modeline of an exported spec names.
const SchemaFile = "flowroute-numbers.schema.json"

// schemaModeline is the comment that points the YAML language server (VS Code's YAML
// extension, and every editor that uses it) at the schema file next to the spec: a relative
// path, so it resolves offline wherever the spec is checked out.
const schemaModeline = "yaml-language-server: $schema=./" + SchemaFile

// exportPolicy is the policy block of an exported spec: the defaults written out, so that a
// reviewer sees the limits in force and changes them in one place. spec.Write leaves out a
// policy equal to the defaults (the exported spec has a zero one), so the block is written once.
// Each line's comment follows it after one space, as fmt keeps comments: the export is in the
// canonical layout.
var exportPolicy = policyBlock([][2]string{
	{"policy:", "the defaults, written out: change them here"},
	{"  unmanaged: " + spec.UnmanagedWarn, "ignore | warn | error | release: what plan does with what the spec does not list (release: v2, up to max_releases)"},
	{fmt.Sprintf("  max_purchases: %d", spec.DefaultMaxPurchases), "plan refuses to buy more numbers at once"},
	{`  # max_monthly_cost: "50.00"`, "plan refuses purchases costing more per month (unset: no limit)"},
	{`  # max_setup_cost: "100.00"`, "plan refuses purchases costing more one-time (unset: no limit)"},
	{"  max_releases: 0", "plan refuses to release more numbers than this (with unmanaged: release)"},
	{fmt.Sprintf("  max_update_percent: %d", spec.DefaultMaxUpdatePercent), fmt.Sprintf("plan refuses to update a larger share of the managed numbers (once %d are managed)", spec.UpdatePercentFloor)},
	{"  max_route_deletes: 0", "plan refuses to delete more unused routes than this (with unmanaged: release)"},
})

// policyBlock writes each line with its comment.
func policyBlock(lines [][2]string) string {
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "%s # %s\n", l[0], l[1])
	}
	return b.String()
}

// checkOut returns an error when export cannot write path, before anything is read or written:
// its directory does not exist or is not one, or path exists and force is false, so that export
// never replaces a spec someone wrote by hand.
func checkOut(path string, force bool) error {
	dir := filepath.Dir(path)
	switch fi, err := os.Stat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("--out %s: the directory %s does not exist: create it first, or give another --out", path, dir)
	case err != nil:
		return fmt.Errorf("checking --out %s: %w", path, err)
	case !fi.IsDir():
		return fmt.Errorf("--out %s: %s is not a directory", path, dir)
	}
	if force {
		return nil
	}
	_, err := os.Lstat(path)
	switch {
	case err == nil:
		return fmt.Errorf("%s exists: export does not overwrite it; give --force to replace it, or another --out", path)
	case errors.Is(err, fs.ErrNotExist):
		return nil
	}
	return fmt.Errorf("checking --out %s: %w", path, err)
}
