package engine

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
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
// keys, and the Authorization header sent, which a server or proxy may echo in an error. It
// only keeps what was sent; the forms to look for are worked out in clean, which runs for
// errors only, so that a successful request pays nothing for them.
type redactor struct {
	secrets       []string
	authorization string
}

func newRedactor(secrets []string, authorization string) redactor {
	return redactor{secrets: secrets, authorization: authorization}
}

// minSecret is the shortest value redacted: shorter ones would redact ordinary words.
const minSecret = 6

// forms lists every value to redact, in every form a server could echo it: as sent; from an
// Authorization header its whole value, its credentials, the decoded user:password and the
// password; and of each secret and each user:password, base64 (standard and URL alphabets,
// with and without padding) and URL escaping (query and path). Case variants are caught by
// redact, which compares ASCII letters without case, and by the upper and lower case forms
// of a value that is not ASCII.
func (r redactor) forms() []string {
	var plain []string // values as sent or decoded, whose encodings are wanted too
	plain = append(plain, r.secrets...)
	var out []string
	if r.authorization != "" {
		out = append(out, r.authorization)
		if _, cred, ok := strings.Cut(r.authorization, " "); ok {
			out = append(out, cred)
			if dec, err := base64.StdEncoding.DecodeString(cred); err == nil {
				plain = append(plain, string(dec))
				if _, pass, ok := strings.Cut(string(dec), ":"); ok {
					plain = append(plain, pass)
				}
			}
		}
	}
	for _, v := range plain {
		out = append(out, v, strings.ToUpper(v), strings.ToLower(v), url.QueryEscape(v), url.PathEscape(v))
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			out = append(out, enc.EncodeToString([]byte(v)))
		}
	}
	out = slices.DeleteFunc(out, func(v string) bool { return len(v) < minSecret })
	slices.Sort(out)
	return slices.Compact(out)
}

// redact replaces every secret in s, in every form (see forms), by "[redacted]". Overlapping
// matches, such as a header and the password inside it, become one "[redacted]".
func (r redactor) redact(s string) string {
	forms := r.forms()
	if len(forms) == 0 || len(s) < minSecret {
		return s
	}
	folded := foldASCII(s)
	var hide []bool // hide[i]: byte i of s is part of a secret; nil while none is found
	for _, v := range forms {
		v = foldASCII(v)
		for from := 0; ; {
			i := strings.Index(folded[from:], v)
			if i < 0 {
				break
			}
			i += from
			if hide == nil {
				hide = make([]bool, len(s))
			}
			for j := i; j < i+len(v); j++ {
				hide[j] = true
			}
			from = i + 1
		}
	}
	if hide == nil {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if !hide[i] {
			b.WriteByte(s[i])
			i++
			continue
		}
		b.WriteString("[redacted]")
		for i < len(s) && hide[i] {
			i++
		}
	}
	return b.String()
}

// foldASCII lowers the ASCII letters of s and leaves every other byte as it is, so that an
// offset in the result is the same offset in s.
func foldASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// clean is server text made fit for an error: secrets redacted, then cut.
func (r redactor) clean(s string) string { return Snippet(r.redact(s)) }
