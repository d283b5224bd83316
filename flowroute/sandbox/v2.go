package sandbox

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// This file holds what every v2 endpoint shares: the error envelope, authentication, the
// lenient reading of request bodies, pagination and links (flowroute-v2-api.md §1, §9).

// mediaType is the content type of every v2 answer with a body.
const mediaType = "application/vnd.api+json"

// isV2Path reports whether a path belongs to the v2 face (v2, v2.1, v2.2 and the sandbox's
// own endpoints), which answers in JSON:API and authenticates with plain Basic auth, so that
// a path it does not serve there is v2's 404. Every other path is v1's.
func isV2Path(p string) bool {
	for _, prefix := range []string{"/v2", "/v2.1", "/v2.2", "/sandbox"} {
		if p == prefix || strings.HasPrefix(p, prefix+"/") {
			return true
		}
	}
	return false
}

// Titles and details of v2 errors, as the doc quotes them.
const (
	detailAuth       = "Authentication failed."
	detailNotOnAcct  = "Could not find that resource on your account."
	detailNoURL      = "The requested URL was not found on the server."
	detailNoMethod   = "The method is not allowed for the requested URL."
	titleForbidden   = "ActionNotAuthorizedError"
	detailInUse      = "Please disassociate all numbers before deleting."
	titleRouteInUse  = "This Route has numbers still associated to it."
	titleE911InUse   = "This E911 address has numbers still associated to it."
	detailGeocode    = "Could not geocode this address. Please check the validity of your address."
	detailCNAMAbsent = "CNAM record not found. Nothing to delete."
	detailDuplicate  = "Duplicate address."
)

// v2Error is a response with the v2 error envelope: one error whose status is the HTTP
// status, with a fresh UUID, a title and a detail (a string, or the object of field errors).
func v2Error(status int, title string, detail any) response {
	if title == "" {
		title = http.StatusText(status)
	}
	type errorObject struct {
		Detail any    `json:"detail"`
		ID     string `json:"id"`
		Status int    `json:"status"`
		Title  string `json:"title"`
	}
	return response{status: status, v2: true, body: struct {
		Errors []errorObject `json:"errors"`
	}{[]errorObject{{detail, newUUID(), status, title}}}}
}

// fieldErrors is a 422 whose detail is the object form {"data":{"attributes":{field:[msg]}}}.
func fieldErrors(fields map[string][]string) response {
	return v2Error(http.StatusUnprocessableEntity, "Unprocessable Entity",
		map[string]any{"data": map[string]any{"attributes": fields}})
}

// fieldError is fieldErrors for one field.
func fieldError(field, msg string) response {
	return fieldErrors(map[string][]string{field: {msg}})
}

// unprocessable is a 422 with a string detail, for a body of the wrong shape.
func unprocessable(detail string) response {
	return v2Error(http.StatusUnprocessableEntity, "Unprocessable Entity", detail)
}

func forbidden() response { return v2Error(http.StatusForbidden, titleForbidden, "") }

func notOnAccount() response { return v2Error(http.StatusNotFound, "Not Found", detailNotOnAcct) }

// newUUID is a random version 4 UUID, the id of an error.
func newUUID() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rand.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// authenticateBasic checks v2's plain Basic auth: the access key and the secret key.
func (s *Server) authenticateBasic(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	return ok && subtle.ConstantTimeCompare([]byte(user), []byte(s.accessKey)) == 1 &&
		subtle.ConstantTimeCompare([]byte(pass), []byte(s.secretKey)) == 1
}

// obj is a JSON object of a request body, numbers kept as json.Number.
type obj = map[string]any

// formType is the content type of a form body.
const formType = "application/x-www-form-urlencoded"

// object reads the request body as a JSON object, as leniently as the SDKs need (§9.3): the
// content type application/vnd.api+json, application/json (any parameters) or none. A body
// labelled formType is read as JSON too when it begins as JSON does, with { or [, as the real
// API reads it: PHP's curl labels a JSON body so when the SDK sets no type. Otherwise, with
// form, a formType body is read as an object of strings. Any other type with a body is 415.
// An empty body is an empty object; malformed JSON is 400 and JSON that is not an object is
// 422.
func (c *call) object(form bool) (obj, *response) {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return obj{}, nil
	}
	ct := c.r.Header.Get("Content-Type")
	mt := ""
	if ct != "" {
		var err error
		if mt, _, err = mime.ParseMediaType(ct); err != nil {
			resp := v2Error(http.StatusUnsupportedMediaType, "Unsupported Media Type", "Content-Type "+strconv.Quote(ct)+" cannot be parsed.")
			return nil, &resp
		}
	}
	switch {
	case mt == "" || mt == mediaType || mt == "application/json":
	case mt == formType && looksLikeJSON(c.body):
	case form && mt == formType:
		q, err := url.ParseQuery(string(c.body))
		if err != nil {
			resp := v2Error(http.StatusBadRequest, "Bad Request", "The form-encoded body cannot be parsed.")
			return nil, &resp
		}
		o := obj{}
		for k, v := range q {
			o[k] = v[0]
		}
		return o, nil
	default:
		resp := v2Error(http.StatusUnsupportedMediaType, "Unsupported Media Type",
			"Content-Type "+strconv.Quote(mt)+" is not supported: send application/vnd.api+json or application/json.")
		return nil, &resp
	}
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		resp := v2Error(http.StatusBadRequest, "Bad Request", "The request body is not valid JSON.")
		return nil, &resp
	}
	o, ok := v.(obj)
	if !ok {
		resp := unprocessable("The request body must be a JSON object.")
		return nil, &resp
	}
	return o, nil
}

// looksLikeJSON reports whether body begins, after white space, as a JSON object or array
// does; a form body never does.
func looksLikeJSON(body []byte) bool {
	b := bytes.TrimLeft(body, " \t\r\n")
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// member returns o[key] as an object, nil when absent or not an object.
func member(o obj, key string) obj {
	m, _ := o[key].(obj)
	return m
}

// str returns o[key] when it is a string; present says whether the key is there at all.
func str(o obj, key string) (v string, present, ok bool) {
	x, present := o[key]
	v, ok = x.(string)
	return v, present, ok
}

// boolish reads a boolean sent as JSON true/false or as the string "true"/"false" (the
// docs send cnam_lookups_enabled as a string).
func boolish(x any) (v, ok bool) {
	switch b := x.(type) {
	case bool:
		return b, true
	case string:
		switch b {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// intish reads an id sent as a JSON integer or as a string of digits.
func intish(x any) (int, bool) {
	var s string
	switch v := x.(type) {
	case json.Number:
		s = v.String()
	case string:
		s = v
	default:
		return 0, false
	}
	if !allDigits(s) || len(s) > 9 {
		return 0, false
	}
	n, _ := strconv.Atoi(s)
	return n, true
}

// parseID reads a path id: digits only, else no resource has it.
func parseID(s string) (int, bool) { return intish(s) }

// v2page is a validated limit and offset, and the list's link base and filters.
type v2page struct {
	limit, offset int
	self          string      // the list's URL without query, "http://host/v2/routes"
	filters       [][2]string // normalized filters, sorted by key when links are built
}

// unlimited is the maximum of a list with no maximum (CNAMs).
const unlimited = 0

// newV2Page reads limit and offset (§9.7): absent, 10 and 0; a non-integer, limit <= 0,
// offset < 0 or a limit above max → 422 naming the parameter.
func (s *Server) newV2Page(c *call, max int) (v2page, *response) {
	q := c.r.URL.Query()
	p := v2page{limit: 10, self: s.linkBase(c.r) + strings.TrimSuffix(c.r.URL.Path, "/")}
	for _, f := range []struct {
		name string
		dst  *int
		min  int
	}{{"limit", &p.limit, 1}, {"offset", &p.offset, 0}} {
		v, ok := q[f.name]
		if !ok {
			continue
		}
		n, err := strconv.Atoi(v[0])
		if err != nil || n < f.min || f.name == "limit" && max != unlimited && n > max {
			msg := f.name + " must be an integer of at least " + strconv.Itoa(f.min)
			if f.name == "limit" && max != unlimited {
				msg = "limit must be an integer from 1 to " + strconv.Itoa(max)
			}
			resp := v2Error(http.StatusUnprocessableEntity, "Unprocessable Entity", msg+".")
			return p, &resp
		}
		*f.dst = n
	}
	return p, nil
}

func (p *v2page) filter(key, v string) {
	if v != "" {
		p.filters = append(p.filters, [2]string{key, v})
	}
}

// link is the list's URL at offset: filters in alphabetical order, then limit and offset.
func (p v2page) link(offset int) string {
	f := slices.Clone(p.filters)
	slices.SortFunc(f, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	var b strings.Builder
	b.WriteString(p.self + "?")
	for _, kv := range f {
		b.WriteString(url.QueryEscape(kv[0]) + "=" + url.QueryEscape(kv[1]) + "&")
	}
	b.WriteString("limit=" + strconv.Itoa(p.limit) + "&offset=" + strconv.Itoa(offset))
	return b.String()
}

// window returns the indexes of the page in a list of n items (empty past the end).
func (p v2page) window(n int) (start, end int) {
	start = min(p.offset, n)
	return start, min(start+p.limit, n)
}

// list is the answer of a page of a list of n items: next only when offset+limit < n.
func (p v2page) list(data any, n int) response {
	l := map[string]string{"self": p.link(p.offset)}
	if p.offset+p.limit < n {
		l["next"] = p.link(p.offset + p.limit)
	}
	return v2OK(http.StatusOK, map[string]any{"data": data, "links": l})
}

// v2OK is a v2 answer with a JSON:API body.
func v2OK(status int, body any) response { return response{status: status, v2: true, body: body} }

// noContent is v2's 204.
func noContent() response { return response{status: http.StatusNoContent, v2: true} }

// linkBase is the scheme and host links begin with: Options.LinkBase when set, else the
// address the request was sent to, so that a client following links stays on the sandbox.
func (s *Server) linkBase(r *http.Request) string {
	if s.linkHost != "" {
		return s.linkHost
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// v2Routes collects the patterns of the v2 face: each is served with and without one
// trailing slash (§9.5).
type v2Routes struct{ mux *http.ServeMux }

func (rt v2Routes) add(method, path string, e endpoint) {
	rt.mux.Handle(method+" "+path, e)
	rt.mux.Handle(method+" "+path+"/{$}", e)
}
