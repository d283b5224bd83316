package engine

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
)

// ErrorDecoder reads the body of an API's answers for errors. v1 and v2 wrap their errors in
// different envelopes: SingleError is v1's, ErrorList is v2's.
type ErrorDecoder interface {
	// Decode returns the useful text of body, an answer with the given status: the message
	// of the API's error envelope, or the body's first bytes when it is not one, or the status
	// text when the body says nothing. envelope reports whether body is an error envelope, so
	// that a success status whose body is an error is caught. The message is bounded (see
	// Shorten); the engine redacts secrets in it.
	Decode(status int, body []byte) (message string, envelope bool)
}

// SingleError decodes v1's error envelope, {"error": "<message>"}; an "error" that is not a
// string is shown as sent. A body that says nothing ("", "{}", "null") gives the status text.
type SingleError struct{}

// Decode implements ErrorDecoder.
func (SingleError) Decode(status int, body []byte) (string, bool) {
	body = bytes.TrimSpace(body)
	var e struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil {
		var s string
		if json.Unmarshal(e.Error, &s) == nil && s != "" {
			return snippet([]byte(s)), true
		}
		if len(e.Error) > 0 && string(e.Error) != "null" && string(e.Error) != `""` {
			return snippet(e.Error), true // an error that is not a string: show it as sent
		}
		if string(body) == "{}" || string(body) == "null" {
			body = nil
		}
	}
	return bodyOrStatus(status, body), false
}

// ErrorList decodes v2's JSON:API error envelope,
// {"errors":[{"detail": string-or-object, "id", "status", "title"}]}, each member optional:
// each error gives "title: detail (id …)", joined with "; ". A detail object of field errors,
// {"data":{"attributes":{"zip":["…"]}}}, gives "zip: …"; any other object is shown as sent.
type ErrorList struct{}

// Decode implements ErrorDecoder.
func (ErrorList) Decode(status int, body []byte) (string, bool) {
	body = bytes.TrimSpace(body)
	var e struct {
		Errors []struct {
			Detail json.RawMessage `json:"detail"`
			ID     any             `json:"id"`
			Title  any             `json:"title"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &e) != nil || len(e.Errors) == 0 {
		if string(body) == "{}" || string(body) == "null" || string(body) == `{"errors":[]}` {
			body = nil
		}
		return bodyOrStatus(status, body), false
	}
	var parts []string
	for _, item := range e.Errors {
		var p []string
		if t := scalar(item.Title); t != "" {
			p = append(p, t)
		}
		if d := detail(item.Detail); d != "" {
			p = append(p, d)
		}
		s := strings.Join(p, ": ")
		if id := scalar(item.ID); id != "" {
			s = strings.TrimSpace(s + " (id " + id + ")")
		}
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return bodyOrStatus(status, nil), true
	}
	return snippet([]byte(strings.Join(parts, "; "))), true
}

// detail renders an ErrorList detail: a string as it is, field errors as "field: message",
// anything else as sent.
func detail(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var fields struct {
		Data struct {
			Attributes map[string]json.RawMessage `json:"attributes"`
		} `json:"data"`
	}
	if json.Unmarshal(raw, &fields) == nil && len(fields.Data.Attributes) > 0 {
		var out []string
		for _, k := range sortedKeys(fields.Data.Attributes) {
			var msgs []string
			if json.Unmarshal(fields.Data.Attributes[k], &msgs) != nil {
				msgs = []string{string(fields.Data.Attributes[k])}
			}
			out = append(out, k+": "+strings.Join(msgs, ", "))
		}
		return strings.Join(out, "; ")
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) == nil {
		return buf.String()
	}
	return string(raw)
}

// scalar renders a JSON string or number; anything else is "".
func scalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		b, _ := json.Marshal(v)
		return string(b)
	}
	return ""
}

// bodyOrStatus is the first bytes of body, or the status text when body is empty.
func bodyOrStatus(status int, body []byte) string {
	if len(body) == 0 {
		return http.StatusText(status)
	}
	return snippet(body)
}

// snippet collapses white space and keeps the first 200 characters of b.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(b), "?")), " ")
	const limit = 200
	if r := []rune(s); len(r) > limit {
		s = string(r[:limit]) + "…"
	}
	return s
}
