package cli

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/internal/atomicfile"
	"github.com/flowroute-numbers/flowroute-numbers/internal/views"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// exportCmd writes the account as a spec that plans to "No changes.".
type exportCmd struct {
	Out   string `placeholder:"FILE" type:"path" help:"Write the spec to FILE instead of standard output, and the schema beside it."`
	Force bool   `help:"Overwrite FILE when it exists."`
}

func (c *exportCmd) Run(g *Globals, sess *session) error {
	if c.Out != "" {
		if err := checkOut(c.Out, c.Force); err != nil {
			return err
		}
	}
	ctx := sess.ctx
	endpoint, err := sess.endpoint()
	if err != nil {
		return err
	}
	acct, err := sess.Backend()
	if err != nil {
		return err
	}

	progress, done := views.FetchProgress(g.stderr, g.streams.ErrTerminal)
	current, err := plan.Fetch(ctx, acct, progress)
	done()
	if err != nil {
		return fmt.Errorf("exporting: %w", err)
	}

	// The endpoint never holds credentials (the client refuses one that does); the sandbox's
	// is a random loopback port, so its state file says more.
	from := endpoint
	if g.Sandbox {
		from = "the sandbox (state " + g.SandboxState + ")"
	}
	header := fmt.Sprintf(schemaModeline+"\n\nExported by flowroute-numbers %s through API %s from %s\non %s: %s and %s.\nEvery field is managed; delete one to let the account keep whatever it has.",
		buildVersion(), g.api(), from, time.Now().UTC().Format(time.RFC3339),
		nounCount(len(current.Routes), "route"), nounCount(len(current.Numbers), "number"))
	if acct.Capabilities().Messaging && !anyMessaging(current) {
		header += "\nNo messaging callbacks were found. Reading them back is a pre-release part of v2 that an\naccount may not answer, so a number may have some; add messaging: to a number to manage them."
	}
	if c.Out == "" {
		header += "\nThe first line names a schema file beside this one: write it with\n`flowroute-numbers schema --out " + SchemaFile + "` (export --out writes both)."
	}
	out := &spec.Spec{Version: 1, Routes: current.Routes, Numbers: current.Numbers, E911Addresses: current.E911Addresses}

	var b bytes.Buffer
	if err := spec.Write(&b, out, header); err != nil {
		return fmt.Errorf("exporting: %w", err)
	}
	b.WriteString(exportPolicy)
	if c.Out == "" {
		if _, err := g.stdout.Write(b.Bytes()); err != nil {
			return err
		}
	} else {
		if err := atomicfile.Write(c.Out, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("exporting: %w", err)
		}
		schema := filepath.Join(filepath.Dir(c.Out), SchemaFile)
		if err := writeSchema(schema); err != nil {
			return fmt.Errorf("exporting: %w", err)
		}
		fmt.Fprintf(g.stderr, "Wrote %s and %s to %s, and the schema its first line names to %s.\n",
			nounCount(len(current.Routes), "route"), nounCount(len(current.Numbers), "number"), c.Out, schema)
	}
	exportCheck(g, b.Bytes(), cmp.Or(c.Out, "the exported spec"))
	return nil
}

// exportCheck warns when the account holds what the spec language cannot express (a route
// name with a space, a route type this tool does not manage, ...): the export is still
// written, since it is the account as it is, but it will not validate until the user
// renames or removes those entries, and the warning says which.
func exportCheck(g *Globals, data []byte, name string) {
	_, err := spec.Parse(name, data)
	var errs spec.Errors
	if !errors.As(err, &errs) {
		return
	}
	fmt.Fprintf(g.stderr, "Warning: the account holds %s that a spec cannot express; %s will not validate until you edit these entries:\n",
		nounCount(len(errs), "thing"), name)
	for _, e := range errs {
		fmt.Fprintf(g.stderr, "  %v\n", e)
	}
}

// anyMessaging reports whether any number of s has messaging callbacks.
func anyMessaging(s *spec.Spec) bool {
	for _, n := range s.Numbers {
		if n.Messaging != nil {
			return true
		}
	}
	return false
}
