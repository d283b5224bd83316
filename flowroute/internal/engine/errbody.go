package engine

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrorDecoder reads the body of an API's answers for errors. v1 and v2 wrap their errors in
// different envelopes: SingleError is v1's, ErrorList is v2's.
type ErrorDecoder interface {
	// Decode returns the useful text of body, an answer with the given status: the message
	// of the API's error envelope, or the body's first bytes when it is not one, or the status
	// text when the body says nothing. envelope reports whether body is an error envelope, so
	// that a success status whose body is an error is caught. The engine redacts secrets in
	// the message and cuts it with Snippet.
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
			return s, true
		}
		if len(e.Error) > 0 && string(e.Error) != "null" && string(e.Error) != `""` {
			return string(e.Error), true // an error that is not a string: show it as sent
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
	return strings.Join(parts, "; "), true
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
	return string(body)
}

// MessageLimit is the most characters of a server's text an error quotes: enough to read,
// short enough that a hostile 30 MB answer cannot flood a terminal or a log.
const MessageLimit = 200

// Snippet makes server text fit in an error: invalid UTF-8 replaced, white space collapsed,
// and at most MessageLimit+1 characters, a long text cut to end in "… (N bytes cut)". It
// reads s once, however long.
func Snippet(s string) string {
	out := make([]rune, 0, 64)
	ends := make([]int, 0, 64) // ends[i]: the offset in s just after out[i]
	space := false
	for i, r := range s {
		if unicode.IsSpace(r) {
			space = len(out) > 0
			continue
		}
		if r == utf8.RuneError {
			r = '?'
		}
		if space {
			out, ends = append(out, ' '), append(ends, i)
			space = false
		}
		out, ends = append(out, r), append(ends, i+utf8.RuneLen(r))
		if len(out) > MessageLimit+1 {
			// Cut, leaving room for the note within the limit.
			keep := MessageLimit + 1
			for {
				note := cutNote(len(s) - ends[keep-1])
				if keep+utf8.RuneCountInString(note) <= MessageLimit+1 {
					return strings.TrimRight(string(out[:keep]), " ") + note
				}
				keep--
			}
		}
	}
	return string(out)
}

// Shorten cuts s to at most MessageLimit bytes, on a character boundary, ending in
// "… (N bytes cut)". Unlike Snippet it keeps the text as it is otherwise.
func Shorten(s string) string {
	if len(s) <= MessageLimit {
		return s
	}
	end := MessageLimit
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	return s[:end] + cutNote(len(s)-end)
}

// Quote is strconv.Quote of s, cut like Shorten when s is long: for a value from the server
// named in an error.
func Quote(s string) string {
	short := Shorten(s)
	if len(short) == len(s) {
		return strconv.Quote(s)
	}
	end := strings.LastIndex(short, "…")
	return strconv.Quote(short[:end]) + short[end:]
}

// cutNote says how much of a text was left out.
func cutNote(n int) string { return "… (" + strconv.Itoa(n) + " bytes cut)" }

// redactor replaces the secrets of one attempt in server text with "[redacted]": the secret
// key, and the Authorization header sent, which a server or proxy may echo in an error.
type redactor []string

// newRedactor gathers the values to redact: secrets, and from an Authorization header its
// whole value, its credentials and, for Basic, the decoded user:password and the password.
func newRedactor(secrets []string, authorization string) redactor {
	var r redactor
	add := func(v string) {
		if len(v) >= 6 { // shorter values would redact ordinary words
			r = append(r, v)
		}
	}
	for _, s := range secrets {
		add(s)
	}
	if authorization != "" {
		add(authorization)
		if _, cred, ok := strings.Cut(authorization, " "); ok {
			add(cred)
			if dec, err := base64.StdEncoding.DecodeString(cred); err == nil {
				add(string(dec))
				if _, pass, ok := strings.Cut(string(dec), ":"); ok {
					add(pass)
					add(strings.ToUpper(pass))
				}
			}
		}
	}
	// Longest first, so that a whole header goes before the part of it that is also listed.
	sort.Slice(r, func(i, j int) bool { return len(r[i]) > len(r[j]) })
	return r
}

// redact replaces every secret in s.
func (r redactor) redact(s string) string {
	for _, v := range r {
		if strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return s
}

// clean is server text made fit for an error: secrets redacted, then cut.
func (r redactor) clean(s string) string { return Snippet(r.redact(s)) }
