package sandbox

import (
	"net/http"
	"strconv"
	"strings"
)

// The v2 face's CNAM records (§6) and the sandbox's own endpoint to decide on one.

// cnamTime is the format of CNAM datetimes in the examples: "2018-06-01 00:09:52.513092+00:00".
const cnamTime = "2006-01-02 15:04:05.000000-07:00"

// settleCNAMs decides the pending records whose time has come, by Options.CNAMApproval;
// s.mu is held. It runs before every authenticated request, so the decision is seen by the
// first request after the record's creation plus Options.CNAMDelay, and it is a function of
// the records and the clock only: a state reloaded later settles the same way.
func (s *Server) settleCNAMs() {
	if s.cnamApproval == CNAMPending {
		return
	}
	now := s.now()
	for _, c := range s.st.cnams {
		if c.State != cnamPending || now.Before(c.Created.Add(s.cnamDelay)) {
			continue
		}
		next := *c
		next.Decided = c.Created.Add(s.cnamDelay)
		next.State = cnamApproved
		if s.cnamApproval == CNAMReject {
			next.State, next.Reason = cnamRejected, "Rejected by the sandbox (CNAM approval policy reject)."
		}
		s.st.setCNAM(c, next)
	}
}

// cnamObject is a CNAM record as v2 shows it (§6.1).
func (s *Server) cnamObject(r *http.Request, c *cnamRecord) map[string]any {
	var approved, reason any
	if c.State == cnamApproved {
		approved = c.Decided.UTC().Format(cnamTime)
	}
	if c.State == cnamRejected {
		reason = c.Reason
	}
	id := strconv.Itoa(c.ID)
	return map[string]any{"type": "cnam", "id": id,
		"attributes": map[string]any{
			"approval_datetime": approved, "creation_datetime": c.Created.UTC().Format(cnamTime),
			"is_approved": c.State == cnamApproved, "rejection_reason": reason, "value": c.Value,
		},
		"links": map[string]string{"self": s.linkBase(r) + "/v2/cnams/" + id}}
}

// cnamAllowed are the characters a CNAM value may have besides letters, digits and spaces.
const cnamAllowed = `-_.,@+&'/"`

// checkCNAMValue applies the storage rules (§6.1, §9.27) and returns the value upper-cased:
// 1 to 15 characters, at least one letter, only letters, digits, spaces and -_.,@+&'/".
// A value another record has is refused too (§9.19).
func (s *Server) checkCNAMValue(v string, self int) (string, *response) {
	bad := func(msg string) (string, *response) {
		resp := fieldError("value", msg)
		return "", &resp
	}
	if v == "" || len(v) > 15 {
		return bad("Must be 1 to 15 characters.")
	}
	letter := false
	for _, c := range []byte(v) {
		switch {
		case isLetter(c):
			letter = true
		case c >= '0' && c <= '9' || c == ' ' || strings.IndexByte(cnamAllowed, c) >= 0:
		default:
			return bad(`May contain only letters, digits, spaces and - _ . , @ + & ' / ".`)
		}
	}
	if !letter {
		return bad("Must contain at least one letter.")
	}
	v = strings.ToUpper(v)
	for _, c := range s.st.cnams {
		if c.Value == v && c.ID != self {
			return "", func() *response { r := unprocessable("CNAM value already exists."); return &r }()
		}
	}
	return v, nil
}

// v2ListCNAMs answers GET /v2/cnams (§6.2): ascending id, no maximum limit.
func (s *Server) v2ListCNAMs(c *call) (response, func()) {
	p, bad := s.newV2Page(c, unlimited)
	if bad != nil {
		return *bad, nil
	}
	q := c.r.URL.Query()
	approved, ok := queryBool(q.Get("is_approved"))
	if !ok {
		return v2Error(http.StatusUnprocessableEntity, "Unprocessable Entity", "is_approved must be true or false (or 1 or 0)."), nil
	}
	p.filter("is_approved", approved)
	match := map[string]string{}
	for _, key := range []string{"value", "contains", "starts_with", "ends_with"} { // PHP sends the last three
		if v := q.Get(key); v != "" {
			match[key] = strings.ToUpper(v)
			p.filter(key, v)
		}
	}
	var found []*cnamRecord
	for _, id := range sortedKeys(s.st.cnams) {
		rec := s.st.cnams[id]
		if approved != "" && (rec.State == cnamApproved) != (approved == "true") ||
			!strings.Contains(rec.Value, match["value"]) || !strings.Contains(rec.Value, match["contains"]) ||
			!strings.HasPrefix(rec.Value, match["starts_with"]) || !strings.HasSuffix(rec.Value, match["ends_with"]) {
			continue
		}
		found = append(found, rec)
	}
	start, end := p.window(len(found))
	data := make([]any, 0, end-start)
	for _, rec := range found[start:end] {
		data = append(data, s.cnamObject(c.r, rec))
	}
	return p.list(data, len(found)), nil
}

// queryBool reads a boolean query parameter as "true" or "false", "" when absent: true and
// false in any case, or 1 and 0, as PHP sends booleans.
func queryBool(v string) (string, bool) {
	switch strings.ToLower(v) {
	case "":
		return "", true
	case "true", "1":
		return "true", true
	case "false", "0":
		return "false", true
	}
	return "", false
}

// pathCNAM is the record of the path's {id}, or §6.6's 404.
func (s *Server) pathCNAM(c *call) (*cnamRecord, *response) {
	id, _ := parseID(c.r.PathValue("id"))
	if rec := s.st.cnams[id]; rec != nil {
		return rec, nil
	}
	resp := v2Error(http.StatusNotFound, "Resource not found", detailCNAMAbsent)
	return nil, &resp
}

// v2GetCNAM answers GET /v2/cnams/{id} (§6.3): an approved record used by numbers has
// relationships.numbers and the numbers included.
func (s *Server) v2GetCNAM(c *call) (response, func()) {
	rec, bad := s.pathCNAM(c)
	if bad != nil {
		return *bad, nil
	}
	data := s.cnamObject(c.r, rec)
	doc := map[string]any{"data": data}
	if rec.State == cnamApproved {
		var refs, included []any
		for _, tn := range s.st.sortedTNs() {
			if o := s.st.numbers[tn]; o.cnam == rec.ID {
				refs = append(refs, ref{tn, "number"})
				included = append(included, s.numberObject(s.linkBase(c.r), tn, o))
			}
		}
		if refs != nil {
			data["relationships"] = map[string]any{"numbers": map[string]any{"data": refs}}
			doc["included"] = included
		}
	}
	return v2OK(http.StatusOK, doc), nil
}

// v2CreateCNAM answers POST /v2/cnams (§6.4): the flat body {"value": ...}, as JSON or
// form-encoded; 201 with the record, pending.
func (s *Server) v2CreateCNAM(c *call) (response, func()) {
	body, bad := c.object(true)
	if bad != nil {
		return *bad, nil
	}
	v, _, ok := str(body, "value")
	if !ok {
		return fieldError("value", "Required: the caller-ID name, 1 to 15 characters."), nil
	}
	v, bad = s.checkCNAMValue(v, 0)
	if bad != nil {
		return *bad, nil
	}
	rec := s.st.newCNAM(cnamRecord{Value: v, State: cnamPending, Created: s.now().UTC()})
	return v2OK(http.StatusCreated, map[string]any{"data": s.cnamObject(c.r, rec)}), func() { s.st.deleteCNAM(rec.ID) }
}

// v2UpdateCNAM answers PATCH /v2/cnams/{id} (§6.5, §9.29): only while pending, else 403.
func (s *Server) v2UpdateCNAM(c *call) (response, func()) {
	rec, bad := s.pathCNAM(c)
	if bad != nil {
		return *bad, nil
	}
	body, bad := c.object(false)
	if bad != nil {
		return *bad, nil
	}
	if rec.State != cnamPending {
		return forbidden(), nil
	}
	v, _, ok := str(member(member(body, "data"), "attributes"), "value")
	if !ok {
		if v, _, ok = str(body, "value"); !ok {
			return fieldError("value", "Required: the caller-ID name, 1 to 15 characters."), nil
		}
	}
	v, bad = s.checkCNAMValue(v, rec.ID)
	if bad != nil {
		return *bad, nil
	}
	next := *rec
	next.Value = v
	before := s.st.setCNAM(rec, next)
	obj := s.cnamObject(c.r, rec)
	return v2OK(http.StatusOK, map[string]any{"data": obj, "links": obj["links"]}), func() { s.st.setCNAM(rec, before) }
}

// v2DeleteCNAM answers DELETE /v2/cnams/{id} (§6.6): every number using it loses it.
func (s *Server) v2DeleteCNAM(c *call) (response, func()) {
	rec, bad := s.pathCNAM(c)
	if bad != nil {
		return *bad, nil
	}
	restore := s.st.clearCNAM(rec.ID)
	s.st.deleteCNAM(rec.ID)
	return noContent(), func() {
		s.st.putCNAM(rec)
		restore()
	}
}

// sandboxDecideCNAM answers POST /sandbox/cnams/{id}/approve and .../reject, the sandbox's
// own control of the approval (§9.27): 200 with the record. A reject body may give
// {"reason": "..."}. A record already decided can be decided again, so tests can walk any
// path of the lifecycle.
func (s *Server) sandboxDecideCNAM(c *call) (response, func()) {
	decision := c.r.PathValue("decision")
	if decision != "approve" && decision != "reject" {
		return v2Error(http.StatusNotFound, "Not Found", detailNoURL), nil
	}
	rec, bad := s.pathCNAM(c)
	if bad != nil {
		return *bad, nil
	}
	body, bad := c.object(true)
	if bad != nil {
		return *bad, nil
	}
	next := *rec
	next.Decided = s.now().UTC()
	next.State, next.Reason = cnamApproved, ""
	restore := func() {}
	if decision == "reject" {
		reason, _, _ := str(body, "reason")
		if reason == "" {
			reason = "Rejected through the sandbox."
		}
		next.State, next.Reason = cnamRejected, reason
		restore = s.st.clearCNAM(rec.ID)
	}
	before := s.st.setCNAM(rec, next)
	return v2OK(http.StatusOK, map[string]any{"data": s.cnamObject(c.r, rec)}), func() {
		s.st.setCNAM(rec, before)
		restore()
	}
}
