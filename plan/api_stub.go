package plan

// STUB: the plan helper replaces this file with the real implementations (in files of its
// choosing); the signatures are the contract apply and the CLI are written against.

import (
	"context"
	"errors"
	"io"

	"flowroute-numbers/flowroute"
	"flowroute-numbers/spec"
)

var errTODO = errors.New("plan: not implemented yet")

// Inventory holds, for each number the plan may purchase, what the inventory offers. A number
// missing from it is not for sale.
type Inventory map[string]flowroute.AvailableNumber

// Progress receives fetch progress (pages read, numbers seen); nil means none.
type Progress func(pages, numbers int)

// Fetch reads every route and number of the account into a spec.Spec (no positions; the
// built-in sip-reg route left out).
func Fetch(ctx context.Context, r Reader, progress Progress) (*spec.Spec, error) {
	return nil, errTODO
}

// FetchInventory looks up, concurrently, every number that desired names and current lacks.
func FetchInventory(ctx context.Context, r Reader, desired, current *spec.Spec) (Inventory, error) {
	return nil, errTODO
}

// Compute is the pure diff: the rules of design.md's plan table.
func Compute(desired, current *spec.Spec, inv Inventory) *Plan { return nil }

// Make fetches the account and the inventory and computes the plan. It returns the current
// state too, for callers that need it (export, verification).
func Make(ctx context.Context, r Reader, desired *spec.Spec, progress Progress) (*Plan, *spec.Spec, error) {
	return nil, nil, errTODO
}

// Digest identifies an account state; a saved plan is stale when the account's digest differs.
func Digest(current *spec.Spec) string { return "" }

// TextOptions tune the text renderer.
type TextOptions struct{ Color bool }

// RenderText, RenderJSON and RenderMarkdown read the same Plan.
func RenderText(w io.Writer, p *Plan, opts TextOptions) error { return errTODO }
func RenderJSON(w io.Writer, p *Plan) error                   { return errTODO }
func RenderMarkdown(w io.Writer, p *Plan) error               { return errTODO }

// File is a saved plan: the desired spec, the plan and the state digest it was computed from.
// It never holds credentials.
type File struct {
	FormatVersion int        `json:"format_version"`
	Spec          *spec.Spec `json:"spec"`
	Plan          *Plan      `json:"plan"`
}

// Save writes f atomically to path; Load reads it back, refusing another format version.
func (f *File) Save(path string) error    { return errTODO }
func LoadFile(path string) (*File, error) { return nil, errTODO }
