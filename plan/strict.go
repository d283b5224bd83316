package plan

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// checkStrict walks the JSON in data token by token, against the type of the value it will be
// decoded into, and refuses what encoding/json accepts silently: a key that names no field of
// the struct exactly (the decoder folds case, so "Changes" would fill changes), the same key
// twice in one object at any depth (the decoder keeps the last, while a reviewer's jq may show
// the first), and two keys of one object that differ only in case. A saved plan is a
// commitment: what a reviewer reads in it must be what apply decodes.
func checkStrict(data []byte, t reflect.Type) error {
	c := &strictChecker{dec: json.NewDecoder(bytes.NewReader(data)), data: data}
	c.dec.UseNumber()
	if err := c.value(t, "", 0); err != nil {
		return err
	}
	if _, err := c.dec.Token(); err != io.EOF {
		return c.errorAt(c.dec.InputOffset(), "more data after the plan file's JSON object")
	}
	return nil
}

// maxStrictDepth bounds the nesting the checker follows; a plan file nests a few levels.
const maxStrictDepth = 64

type strictChecker struct {
	dec  *json.Decoder
	data []byte
}

// errorAt is an error at byte offset off of the file, as line:col.
func (c *strictChecker) errorAt(off int64, format string, args ...any) error {
	before := c.data[:min(int(off), len(c.data))]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Errorf("line %d, col %d: %s", line, col, fmt.Sprintf(format, args...))
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// opaque reports whether values of t decode themselves (money.Amount): their insides are
// checked for duplicate keys only.
func opaque(t reflect.Type) bool {
	return t == nil || reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler)
}

// value checks the next JSON value, which decodes into t (nil: anything).
func (c *strictChecker) value(t reflect.Type, path string, depth int) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	off := c.dec.InputOffset()
	tok, err := c.dec.Token()
	if err != nil {
		return c.errorAt(off, "%v", err)
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar: its type is the decoder's to check
	}
	if depth >= maxStrictDepth {
		return c.errorAt(off, "nested too deeply")
	}
	if opaque(t) {
		t = nil
	}
	switch d {
	case '[':
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; c.dec.More(); i++ {
			if err := c.value(elem, fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
				return err
			}
		}
	case '{':
		if err := c.object(t, path, depth); err != nil {
			return err
		}
	}
	_, err = c.dec.Token() // the closing delimiter
	return err
}

// object checks the members of an object that decodes into t.
func (c *strictChecker) object(t reflect.Type, path string, depth int) error {
	var fields map[string]reflect.Type
	var elem reflect.Type
	switch {
	case t == nil:
	case t.Kind() == reflect.Struct:
		fields = jsonFields(t)
	case t.Kind() == reflect.Map:
		elem = t.Elem()
	}
	seen := map[string]string{} // key folded -> key as written
	for c.dec.More() {
		off := c.dec.InputOffset()
		tok, err := c.dec.Token()
		if err != nil {
			return c.errorAt(off, "%v", err)
		}
		key, ok := tok.(string)
		if !ok {
			return c.errorAt(off, "want a key")
		}
		where := strings.TrimPrefix(path+"."+key, ".")
		folded := strings.ToLower(key)
		if prev, dup := seen[folded]; dup {
			if prev == key {
				return c.errorAt(off, "key %q appears twice in one object (%s)", key, where)
			}
			return c.errorAt(off, "keys %q and %q differ only in case (%s)", prev, key, where)
		}
		seen[folded] = key
		next := elem
		if fields != nil {
			ft, ok := fields[key]
			if !ok {
				return c.errorAt(off, "unknown field %q (%s)", key, where)
			}
			next = ft
		}
		if err := c.value(next, where, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// jsonFields maps the JSON names of t's fields, as encoding/json names them, to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && f.Tag.Get("json") == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					out[k] = v
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
