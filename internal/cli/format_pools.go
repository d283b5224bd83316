package cli

import (
	"gopkg.in/yaml.v3"

	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// The canonical order of the keys of a pool, its search and a retired entry.
var (
	poolOrder    = spec.Canonical.Pool
	searchOrder  = spec.Canonical.PoolSearch
	retiredOrder = spec.Canonical.Retired
)

// canonicalPools puts the pools or retired section v in the canonical layout: entries sorted
// by key; a pool's keys, its search's and its fields' in the reference's order, search and
// fields each on one line; a retired entry's number double-quoted and on one line.
func canonicalPools(section string, v *yaml.Node) {
	orderKeys(v, nil, true)
	if section == "retired" {
		quoteNumberKeys(v)
		eachEntry(v, func(_, e *yaml.Node) { orderKeys(e, retiredOrder, false); flowEntry(e) })
		return
	}
	eachEntry(v, func(_, p *yaml.Node) {
		orderKeys(p, poolOrder, false)
		eachEntry(p, func(k, m *yaml.Node) {
			switch k.Value {
			case "search":
				orderKeys(m, searchOrder, false)
				flowEntry(m)
			case "number":
				orderKeys(m, numberOrder, false)
				eachEntry(m, func(k, cb *yaml.Node) {
					if k.Value == "messaging" {
						orderKeys(cb, messagingOrder, false)
					}
				})
				flowEntry(m)
			}
		})
	})
}

// quoteNumberKeys double-quotes the keys of mapping m that are numbers written plain.
func quoteNumberKeys(m *yaml.Node) {
	for j := 0; j < len(m.Content); j += 2 {
		if k := m.Content[j]; k.Kind == yaml.ScalarNode && k.Style == 0 && isDigits(k.Value) {
			k.Tag, k.Style = "!!str", yaml.DoubleQuotedStyle
		}
	}
}
