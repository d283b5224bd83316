package plan

import (
	"slices"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// Kind is the kind of object a change acts on (its Key names one) or refers to (a Ref).
type Kind string

const (
	RouteObject  Kind = "route"
	NumberObject Kind = "number"
	CNAMObject   Kind = "cnam"
	E911Object   Kind = "e911_address"
)

// Ref names an object a change refers to: a change waits for the changes that provide the
// object (ActionInfo.Provides) and come before it in the plan.
type Ref struct {
	Kind Kind   `json:"kind"`
	Key  string `json:"key"`
}

// Phase groups actions that apply runs one group after another: a later phase starts only once
// every change of the earlier ones finished, and only if none failed.
type Phase int

const (
	// ChangePhase: every creation and update.
	ChangePhase Phase = iota
	// ReleasePhase: numbers given back, once everything else has applied.
	ReleasePhase
	// DeletePhase: routes deleted, once every release has applied.
	DeletePhase
)

// Counts says how a change counts against the policy (see CheckPolicy).
type Counts int

const (
	// CountsNothing: no limit counts the change (a route or CNAM record created).
	CountsNothing Counts = iota
	// CountsPurchase: policy.max_purchases, max_setup_cost and max_monthly_cost.
	CountsPurchase
	// CountsUpdate: the number it changes is updated (policy.max_updates and
	// max_update_percent), once however many of its fields change, and not when the plan
	// buys or releases the number.
	CountsUpdate
	// CountsReach: every number in the change's Affected is updated, as by CountsUpdate: a
	// route or an E911 address changed in place changes every number that uses it.
	CountsReach
	// CountsRelease: policy.max_releases.
	CountsRelease
	// CountsRouteDelete: policy.max_route_deletes.
	CountsRouteDelete
)

// ActionInfo is an action's row in the table of actions: everything plan, apply and the
// renderers know about an action beyond its diff (plan/compute.go) and its executor
// (apply/execute.go). A new action is one row, its diff and its executor.
type ActionInfo struct {
	Action Action
	// Object is the kind of object the change's Key names.
	Object Kind
	// Provides: the change makes its object ready, so the changes that refer to it (a Ref, or
	// their own object) wait for it: a route created or updated, a number purchased, a CNAM
	// record or E911 address created or updated.
	Provides bool
	Phase    Phase
	// Can reports whether a backend with these capabilities can carry the action out; nil for
	// the writes every backend has.
	Can func(account.Capabilities) bool
	// Needs says, in words, what Can asks of the backend: "change a route".
	Needs  string
	Counts Counts
	// Required are the fields a change's After must carry a value for (apply refuses a plan
	// without them); Present those it must carry, possibly empty.
	Required, Present []string
	// Sign is the change's mark in the renderers: "+" adds, "~" changes, "-" takes away.
	Sign string
	// Noun and Nouns name the object in summaries ("route", "routes"); Verb and Done say what
	// happens to it ("to create", "created").
	Noun, Nouns, Verb, Done string
	// Waits names kinds of object a change of the action waits for beyond its own references:
	// of the objects its number's other changes use (a number is bought only once the routes
	// and the E911 address it is to have exist, never to be left on sip-reg when one of them
	// failed), and, when it names the change's own kind, every earlier change of the same
	// object (a number is released only after its E911 address was disconnected).
	Waits []Kind
	// uses, when set, names the other objects a change of the action refers to, from its
	// fields: apply runs it after the changes that provide them.
	uses func(Change) []Ref
	// summary is the count of the plan's Summary the change adds to (a number's updates add
	// one for the number, however many).
	summary func(*Summary) *int
}

func numbersToUpdate(s *Summary) *int { return &s.NumbersToUpdate }

// The fields of an E911 address every create_e911 and update_e911 carries.
var e911Required = []string{"first_name", "last_name", "street_number", "street_name", "city", "state", "country", "zip"}

// table is the table of actions, in apply order: the objects numbers refer to first, then
// purchases, then the numbers' fields, then releases and route deletions, last.
var table = []ActionInfo{
	{Action: CreateRoute, summary: func(s *Summary) *int { return &s.RoutesToCreate }, Object: RouteObject, Provides: true, Required: []string{fieldType, fieldValue},
		Sign: "+", Noun: "route", Nouns: "routes", Verb: "to create", Done: "created"},
	{Action: UpdateRoute, summary: func(s *Summary) *int { return &s.RoutesToUpdate }, Object: RouteObject, Provides: true, Counts: CountsReach,
		Can: func(c account.Capabilities) bool { return c.ChangeRoute }, Needs: "change a route",
		Required: []string{fieldType, fieldValue},
		Sign:     "~", Noun: "route", Nouns: "routes", Verb: "to update", Done: "updated"},
	{Action: CreateCNAM, summary: func(s *Summary) *int { return &s.CNAMsToCreate }, Object: CNAMObject, Provides: true,
		Can: func(c account.Capabilities) bool { return c.CNAM }, Needs: "create a CNAM record",
		Required: []string{fieldCNAM},
		Sign:     "+", Noun: "CNAM record", Nouns: "CNAM records", Verb: "to create", Done: "created"},
	{Action: CreateE911, summary: func(s *Summary) *int { return &s.E911ToCreate }, Object: E911Object, Provides: true,
		Can: func(c account.Capabilities) bool { return c.E911 }, Needs: "create an E911 address",
		Required: e911Required,
		Sign:     "+", Noun: "E911 address", Nouns: "E911 addresses", Verb: "to create", Done: "created"},
	{Action: UpdateE911, summary: func(s *Summary) *int { return &s.E911ToUpdate }, Object: E911Object, Provides: true, Counts: CountsReach,
		Can: func(c account.Capabilities) bool { return c.E911 }, Needs: "change an E911 address",
		Required: e911Required,
		Sign:     "~", Noun: "E911 address", Nouns: "E911 addresses", Verb: "to update", Done: "updated"},
	{Action: Purchase, summary: func(s *Summary) *int { return &s.NumbersToPurchase }, Object: NumberObject, Provides: true, Counts: CountsPurchase,
		Waits: []Kind{RouteObject, E911Object},
		Sign:  "+", Noun: "number", Nouns: "numbers", Verb: "to purchase", Done: "purchased"},
	{Action: SetRoutes, summary: numbersToUpdate, uses: refsTo(RouteObject, fieldPrimary, fieldFailover), Object: NumberObject, Counts: CountsUpdate, Required: []string{fieldPrimary}, Present: []string{fieldFailover},
		Sign: "~", Noun: "number", Nouns: "numbers", Verb: "to update", Done: "updated"},
	{Action: SetAlias, summary: numbersToUpdate, Object: NumberObject, Counts: CountsUpdate,
		Can: func(c account.Capabilities) bool { return c.Alias }, Needs: "set an alias",
		Present: []string{fieldAlias}, // "" clears it (a retired number held)
		Sign:    "~", Noun: "number", Nouns: "numbers", Verb: "to update", Done: "updated"},
	{Action: SetCNAMLookups, summary: numbersToUpdate, Object: NumberObject, Counts: CountsUpdate,
		Can: func(c account.Capabilities) bool { return c.CNAMLookups }, Needs: "switch CNAM lookups",
		Required: []string{fieldCNAMLookups},
		Sign:     "~", Noun: "number", Nouns: "numbers", Verb: "to update", Done: "updated"},
	{Action: SetCNAM, summary: numbersToUpdate, uses: refsTo(CNAMObject, fieldCNAM), Object: NumberObject, Counts: CountsUpdate,
		Can: func(c account.Capabilities) bool { return c.CNAM }, Needs: "set a CNAM",
		Present: []string{fieldCNAM}, // "" removes the association (a retired number held)
		Sign:    "~", Noun: "number", Nouns: "numbers", Verb: "to update", Done: "updated"},
	{Action: SetE911, summary: numbersToUpdate, uses: refsTo(E911Object, fieldE911), Object: NumberObject, Counts: CountsUpdate,
		Can: func(c account.Capabilities) bool { return c.E911 }, Needs: "set an E911 address",
		Present: []string{fieldE911},
		Sign:    "~", Noun: "number", Nouns: "numbers", Verb: "to update", Done: "updated"},
	{Action: SetCallback, summary: numbersToUpdate, Object: NumberObject, Counts: CountsUpdate,
		Can: func(c account.Capabilities) bool { return c.Messaging }, Needs: "set messaging callbacks",
		Sign: "~", Noun: "number", Nouns: "numbers", Verb: "to update", Done: "updated"},
	{Action: Release, summary: func(s *Summary) *int { return &s.NumbersToRelease }, Object: NumberObject, Phase: ReleasePhase, Counts: CountsRelease,
		Waits: []Kind{NumberObject},
		Can:   func(c account.Capabilities) bool { return c.ReleaseNumber }, Needs: "release a number",
		Sign: "-", Noun: "number", Nouns: "numbers", Verb: "to RELEASE", Done: "released"},
	{Action: DeleteRoute, summary: func(s *Summary) *int { return &s.RoutesToDelete }, Object: RouteObject, Phase: DeletePhase, Counts: CountsRouteDelete,
		Can: func(c account.Capabilities) bool { return c.DeleteRoute }, Needs: "delete a route",
		Sign: "-", Noun: "route", Nouns: "routes", Verb: "to delete", Done: "deleted"},
}

// Actions returns the table of actions, in apply order. The caller must not change it.
func Actions() []ActionInfo { return table }

// Info returns the action's row; ok is false for an action the table does not hold (a plan
// file's unknown action).
func Info(a Action) (info ActionInfo, ok bool) {
	if i := a.Order(); i < len(table) {
		return table[i], true
	}
	return ActionInfo{}, false
}

// order is each action's place in the table.
var order = func() map[Action]int {
	m := make(map[Action]int, len(table))
	for i, r := range table {
		m[r.Action] = i
	}
	return m
}()

// Order is the action's place in apply order; an unknown action comes after every known one.
func (a Action) Order() int {
	if i, ok := order[a]; ok {
		return i
	}
	return len(table)
}

// IsNumberUpdate reports whether a changes a field of a number (set_routes, set_alias, ...).
func IsNumberUpdate(a Action) bool {
	info, ok := Info(a)
	return ok && info.Counts == CountsUpdate
}

// refsTo names, for a change, the objects of kind that its After fields name (none for an
// empty field or the built-in route, which every account has).
func refsTo(kind Kind, fields ...string) func(Change) []Ref {
	return func(c Change) []Ref {
		var refs []Ref
		for _, f := range fields {
			key := c.After[f]
			if key == "" || kind == RouteObject && key == spec.BuiltinRoute || slices.Contains(refs, Ref{kind, key}) {
				continue
			}
			refs = append(refs, Ref{kind, key})
		}
		return refs
	}
}

// Uses are the objects other than its own that the change refers to (the routes set_routes
// names, the record set_cnam presents, the address set_e911 associates): apply runs it after
// the changes that provide them. A change also waits for those that provide its own object (a
// number's purchase).
func (c Change) Uses() []Ref {
	if info, _ := Info(c.Action); info.uses != nil {
		return info.uses(c)
	}
	return nil
}

// Object is the object the change acts on.
func (c Change) Object() Ref {
	info, _ := Info(c.Action)
	return Ref{Kind: info.Object, Key: c.Key}
}
