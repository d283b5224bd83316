package sandbox

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The v2 face's E911 addresses (§7).

// usStates are the two-letter codes of US states, DC and territories; caProvinces those of
// Canada's provinces and territories.
var (
	usStates    = set("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP")
	caProvinces = set("AB BC MB NB NL NS NT NU ON PE QC SK YT")
)

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// addressTypes are the allowed address_type values (§7.1), matched case-insensitively.
var addressTypes = strings.Fields("Apartment Basement Building Department Floor Front Key Lobby Lot Lower Office Penthouse Pier Rear Room Side Slip Space Stop Suite Trailer Unit Upper")

// GeocodeTrigger in a street_name (any case) makes E911 validation answer the "could not
// geocode" 400, for tests. An address whose state is not in its country does too, as the
// doc's own example (a Seattle, WA address sent with country CA).
const GeocodeTrigger = "NOWHERE"

// e911Fields reads the attributes of an E911 body into f. Strings and, for street_number and
// address_type_number, integers are taken; unknown attributes (PY's zip_code, PHP's id) are
// ignored, and null leaves a field as it is (PY's update sends the record back with nulls).
func readE911(body obj, f *e911Fields) *response {
	data := member(body, "data")
	if t, _, _ := str(data, "type"); t != "e911" {
		resp := unprocessable(`The body must be {"data": {"type": "e911", "attributes": {...}}}.`)
		return &resp
	}
	attrs := member(data, "attributes")
	problems := map[string][]string{}
	for _, fld := range []struct {
		key string
		dst *string
	}{
		{"label", &f.Label}, {"first_name", &f.FirstName}, {"last_name", &f.LastName},
		{"street_number", &f.StreetNumber}, {"street_name", &f.StreetName},
		{"address_type", &f.AddressType}, {"address_type_number", &f.AddressTypeNumber},
		{"city", &f.City}, {"state", &f.State}, {"country", &f.Country}, {"zip", &f.Zip},
	} {
		switch x := attrs[fld.key].(type) {
		case nil:
		case string:
			*fld.dst = strings.TrimSpace(x)
		case interface{ String() string }: // a json.Number
			if fld.key == "street_number" || fld.key == "address_type_number" {
				*fld.dst = x.String()
				continue
			}
			problems[fld.key] = []string{"Must be a string."}
		default:
			problems[fld.key] = []string{"Must be a string."}
		}
	}
	if len(problems) > 0 {
		resp := fieldErrors(problems)
		return &resp
	}
	return nil
}

// checkE911 validates an address with deterministic outcomes (§9.30): field problems are
// one 422 with the object detail; an address that passes them but cannot be "geocoded" (its
// state is not in its country, or its street_name contains GeocodeTrigger) is 400.
func checkE911(f *e911Fields) *response {
	problems := map[string][]string{}
	checkE911Required(f, problems)
	checkAddressType(f, problems)
	country, st := checkE911Place(f, problems)
	if len(problems) > 0 {
		resp := fieldErrors(problems)
		return &resp
	}
	f.State = st
	if country == "US" && !usStates[st] || country == "CA" && !caProvinces[st] ||
		strings.Contains(strings.ToUpper(f.StreetName), GeocodeTrigger) {
		resp := v2Error(http.StatusBadRequest, "Client Error", detailGeocode)
		return &resp
	}
	return nil
}

// checkE911Required notes the required fields that are empty and the fields that are longer
// than 100 characters.
func checkE911Required(f *e911Fields, problems map[string][]string) {
	for _, req := range []struct{ key, v string }{
		{"label", f.Label}, {"first_name", f.FirstName}, {"last_name", f.LastName},
		{"street_number", f.StreetNumber}, {"street_name", f.StreetName}, {"city", f.City},
		{"state", f.State}, {"country", f.Country}, {"zip", f.Zip},
	} {
		switch {
		case req.v == "":
			problems[req.key] = []string{"This field is required."}
		case utf8.RuneCountInString(req.v) > 100:
			problems[req.key] = []string{"Must be at most 100 characters."}
		}
	}
}

// checkAddressType checks address_type against the list, spelling it as the list does, and
// requires an address_type_number with it.
func checkAddressType(f *e911Fields, problems map[string][]string) {
	if f.AddressType == "" {
		return
	}
	i := slices.IndexFunc(addressTypes, func(t string) bool { return strings.EqualFold(t, f.AddressType) })
	if i < 0 {
		problems["address_type"] = []string{"Must be one of " + strings.Join(addressTypes, ", ") + "."}
	} else {
		f.AddressType = addressTypes[i]
	}
	if f.AddressTypeNumber == "" {
		problems["address_type_number"] = []string{"Required with an address_type."}
	}
}

// checkE911Place checks the country (US or CA, USA read as US), the form of the state and the
// zip of the country, and returns the country and the state upper-cased.
func checkE911Place(f *e911Fields, problems map[string][]string) (country, st string) {
	country = strings.ToUpper(f.Country)
	if country == "USA" {
		country = "US"
	}
	if f.Country != "" && country != "US" && country != "CA" {
		problems["country"] = []string{"Must be US or CA."}
	}
	st = strings.ToUpper(f.State)
	if f.State != "" && (len(st) != 2 || !isLetter(st[0]) || !isLetter(st[1])) {
		problems["state"] = []string{"Must be a two-letter state or province code."}
	}
	// A state of the other country (the doc's Seattle, WA address sent with country CA) is an
	// address that cannot be geocoded, the 400 of checkE911, whatever the zip looks like: the
	// zip's form depends on a country the address is not in.
	elsewhere := country == "CA" && usStates[st] || country == "US" && caProvinces[st]
	if f.Zip != "" && !elsewhere {
		if country == "CA" && !validPostalCode(f.Zip) {
			problems["zip"] = []string{"A Canadian postal code must be A1A 1A1."}
		} else if country != "CA" && !validZIP(f.Zip) {
			problems["zip"] = []string{"ZIP code must be 5 or 9 digits long."}
		}
	}
	return country, st
}

// validZIP: 5 digits, or 9 with or without a hyphen after the fifth.
func validZIP(z string) bool {
	z = strings.Replace(z, "-", "", 1)
	return (len(z) == 5 || len(z) == 9) && allDigits(z)
}

// validPostalCode: A1A 1A1, the space optional, letters in any case.
func validPostalCode(z string) bool {
	z = strings.ToUpper(strings.Replace(z, " ", "", 1))
	if len(z) != 6 {
		return false
	}
	for i := range 6 {
		if i%2 == 0 && !isLetter(z[i]) || i%2 == 1 && (z[i] < '0' || z[i] > '9') {
			return false
		}
	}
	return true
}

// e911Object is an E911 address as v2 shows it: unset address_type and
// address_type_number are left out.
func (s *Server) e911Object(r *http.Request, e *e911Address) map[string]any {
	id := strconv.Itoa(e.ID)
	return map[string]any{"type": "e911", "id": id, "attributes": e.e911Fields,
		"links": map[string]string{"self": s.linkBase(r) + "/v2/e911s/" + id}}
}

// v2ListE911s answers GET /v2/e911s (§7.2): newest first; label, street_name and city match
// partially, state exactly, all case-insensitively.
func (s *Server) v2ListE911s(c *call) (response, func()) {
	p, bad := s.newV2Page(c, 2000)
	if bad != nil {
		return *bad, nil
	}
	q := c.r.URL.Query()
	label, street, city, state := q.Get("label"), q.Get("street_name"), q.Get("city"), q.Get("state")
	for _, kv := range [][2]string{{"city", city}, {"label", label}, {"state", state}, {"street_name", street}} {
		p.filter(kv[0], kv[1])
	}
	has := func(v, sub string) bool { return strings.Contains(strings.ToLower(v), strings.ToLower(sub)) }
	ids := sortedKeys(s.st.e911s)
	slices.Reverse(ids)
	var found []*e911Address
	for _, id := range ids {
		e := s.st.e911s[id]
		if has(e.Label, label) && has(e.StreetName, street) && has(e.City, city) && (state == "" || strings.EqualFold(e.State, state)) {
			found = append(found, e)
		}
	}
	start, end := p.window(len(found))
	data := make([]any, 0, end-start)
	for _, e := range found[start:end] {
		data = append(data, s.e911Object(c.r, e))
	}
	return p.list(data, len(found)), nil
}

// hasE911 reports whether the account has an address with exactly the fields f.
func (st *state) hasE911(f e911Fields) bool {
	for _, e := range st.e911s {
		if e.e911Fields == f {
			return true
		}
	}
	return false
}

// pathE911 is the address of the path's {id}, or 404.
func (s *Server) pathE911(c *call) (*e911Address, *response) {
	id, _ := parseID(c.r.PathValue("id"))
	if e := s.st.e911s[id]; e != nil {
		return e, nil
	}
	resp := notOnAccount()
	return nil, &resp
}

// v2GetE911 answers GET /v2/e911s/{id} (§7.3).
func (s *Server) v2GetE911(c *call) (response, func()) {
	e, bad := s.pathE911(c)
	if bad != nil {
		return *bad, nil
	}
	return v2OK(http.StatusOK, map[string]any{"data": s.e911Object(c.r, e)}), nil
}

// v2ValidateE911 answers POST /v2/e911s/validate (§7.4): 204, or the 422 or 400.
func (s *Server) v2ValidateE911(c *call) (response, func()) {
	body, bad := c.object(false)
	if bad != nil {
		return *bad, nil
	}
	var f e911Fields
	if bad := readE911(body, &f); bad != nil {
		return *bad, nil
	}
	if bad := checkE911(&f); bad != nil {
		return *bad, nil
	}
	return noContent(), nil
}

// v2CreateE911 answers POST /v2/e911s (§7.5): validated as validate does, 201; an address
// identical to one the account has (once both are checked and normalised) is 403 "Duplicate
// address.", the answer Flowroute's Node SDK takes as the expected one.
func (s *Server) v2CreateE911(c *call) (response, func()) {
	body, bad := c.object(false)
	if bad != nil {
		return *bad, nil
	}
	var f e911Fields
	if bad := readE911(body, &f); bad != nil {
		return *bad, nil
	}
	if bad := checkE911(&f); bad != nil {
		return *bad, nil
	}
	if s.st.hasE911(f) {
		return v2Error(http.StatusForbidden, "", detailDuplicate), nil
	}
	e := s.st.newE911(f)
	return v2OK(http.StatusCreated, map[string]any{"data": s.e911Object(c.r, e)}), func() { s.st.deleteE911(e.ID) }
}

// v2UpdateE911 answers PATCH /v2/e911s/{id} (§7.6): the fields sent replace the record's,
// and the whole address is validated again; 200.
func (s *Server) v2UpdateE911(c *call) (response, func()) {
	e, bad := s.pathE911(c)
	if bad != nil {
		return *bad, nil
	}
	body, bad := c.object(false)
	if bad != nil {
		return *bad, nil
	}
	f := e.e911Fields
	if bad := readE911(body, &f); bad != nil {
		return *bad, nil
	}
	if bad := checkE911(&f); bad != nil {
		return *bad, nil
	}
	before := s.st.setE911(e, f)
	return v2OK(http.StatusOK, map[string]any{"data": s.e911Object(c.r, e)}), func() { s.st.setE911(e, before) }
}

// v2DeleteE911 answers DELETE /v2/e911s/{id} (§7.7, §9.32): 403 while a number uses it.
func (s *Server) v2DeleteE911(c *call) (response, func()) {
	e, bad := s.pathE911(c)
	if bad != nil {
		return *bad, nil
	}
	if s.st.e911InUse(e.ID) {
		return v2Error(http.StatusForbidden, titleE911InUse, detailInUse), nil
	}
	s.st.deleteE911(e.ID)
	return noContent(), func() { s.st.putE911(e) }
}

// v2E911Numbers answers GET /v2/e911s/{id}/relationships/numbers (§7.10, §9.33): the
// numbers using the address, ascending, with id = the number.
func (s *Server) v2E911Numbers(c *call) (response, func()) {
	e, bad := s.pathE911(c)
	if bad != nil {
		return *bad, nil
	}
	p, bad := s.newV2Page(c, 200)
	if bad != nil {
		return *bad, nil
	}
	var tns []string
	for _, tn := range s.st.sortedTNs() {
		if s.st.numbers[tn].e911 == e.ID {
			tns = append(tns, tn)
		}
	}
	start, end := p.window(len(tns))
	data := make([]any, 0, end-start)
	for _, tn := range tns[start:end] {
		o := s.st.numbers[tn]
		var alias any
		if o.hasAlias {
			alias = o.alias
		}
		data = append(data, map[string]any{"type": "number", "id": tn,
			"attributes": map[string]any{"alias": alias, "value": tn},
			"links":      map[string]string{"self": s.linkBase(c.r) + "/v2/numbers/" + tn}})
	}
	return p.list(data, len(tns)), nil
}

// parseAbsoluteURL checks that v is an absolute http or https URL with a host.
func parseAbsoluteURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil {
		return "", err
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return "", url.InvalidHostError(v)
	}
	return v, nil
}
