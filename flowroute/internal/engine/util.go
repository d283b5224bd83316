package engine

import (
	"maps"
	"slices"
)

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// KeyHint keeps the first four characters of an access key, enough to tell accounts apart in
// a printed client, and never the whole key.
func KeyHint(key string) string {
	if len(key) <= 4 {
		return "****"
	}
	return key[:4] + "****"
}
