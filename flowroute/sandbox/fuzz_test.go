package sandbox

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzRoute feeds the endpoints arbitrary paths, queries and bodies: no panic, and only the
// documented statuses.
func FuzzRoute(f *testing.F) {
	f.Add(uint8(0), "tns/", "pattern=206&limit=1&page=2", "")
	f.Add(uint8(1), "tns/12067439178", "", `{"billing_method":"METERED"}`)
	f.Add(uint8(2), "tns/12067439178", "", `{"routes":[{"name":"sip-reg"},{"name":"sip-reg"}]}`)
	f.Add(uint8(1), "routes/pbx", "", `{"type":"URI","value":"sip:a@b.c:5060;transport=tcp"}`)
	f.Add(uint8(0), "available-tns/tns/", "npa=206&nxx=743&state=wa&ratecenter=seattle&tn=9178", "")
	f.Add(uint8(0), "available-tns/npanxxs/", "npa=20&limit=200&page=3", "")
	s, err := New(Options{Seed: 1, InventorySize: 200})
	if err != nil {
		f.Fatal(err)
	}
	methods := []string{"GET", "PUT", "PATCH", "DELETE"}
	allowed := []int{200, 201, 204, 400, 404, 405, 409, 422, 500}
	f.Fuzz(func(t *testing.T, m uint8, path, query, body string) {
		r := httptest.NewRequest(methods[int(m)%len(methods)], "http://sandbox.test/", nil)
		r.URL = &url.URL{Path: "/v1/" + path, RawQuery: query}
		s.mu.Lock()
		resp, _ := s.route(r, []byte(body))
		s.mu.Unlock()
		if !slices.Contains(allowed, resp.status) {
			t.Errorf("%s %s?%s %q: status %d", r.Method, r.URL.Path, query, body, resp.status)
		}
	})
}

// FuzzStateFile feeds the state loader arbitrary bytes: an error or a state, never a panic.
func FuzzStateFile(f *testing.F) {
	s, _ := New(Options{Seed: 1, InventorySize: 10})
	good, _ := s.st.marshal()
	f.Add(good)
	f.Add(append(slices.Clone(good), `{"next_ids":{"route":100001,"cnam":100000,"e911":100000},"routes":[{"id":100000,"name":"a","type":"host","value":"1.2.3.4"}],"numbers":[{"billing_method":"METERED","primary":100000,"tns":["12065550100"]}],"audit":[{"time":"2016-02-09T19:45:18Z","method":"POST","path":"/v2/routes","body":"","status":201}]}`+"\n"+`{"deleted":{"numbers":["12065550100"]}}`+"\n"+`{"rou`...))
	f.Add([]byte(`{"format":1,"seed":1,"inventory_size":10,"inventory_version":1,"routes":[{"name":"a","type":"HOST","value":"1.2.3.4"}],"numbers":[{"billing_method":"METERED","routes":["a","sip-reg"],"tns":["12065550100"]}],"audit":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, _, _, err := unmarshalState(data)
		if err != nil {
			return
		}
		if _, err := st.marshal(); err != nil {
			t.Errorf("a loaded state does not marshal: %v", err)
		}
	})
}

// FuzzV2 feeds the v2 face arbitrary methods, paths, content types and bodies through the
// whole handler, authenticated: no panic, only the statuses of §8 and §9, every answer with
// a body in application/vnd.api+json, and every error in the envelope with its status.
func FuzzV2(f *testing.F) {
	seeds := []struct {
		m          uint8
		path, body string
	}{
		{0, "numbers/available?starts_with=206&contains=9&limit=3", ""},
		{1, "numbers/12062092844", `{"cnam_lookups_enabled":"true","messaging_enabled":true}`},
		{3, "numbers/12062092844", `{"type":"number","alias":"NYC Number"}`},
		{1, "routes", `{"data":{"type":"route","attributes":{"route_type":"uri","value":"sip:a@b.c:5060;transport=tls;weight=5","alias":"r","edge_strategy_id":4}}}`},
		{3, "routes/100000", `{"data":{"type":"route","attributes":{"alias":"r2","edge_strategy":"7"}}}`},
		{3, "numbers/12062092844/relationships/primary_route", `{"data":{"type":"route","id":100000}}`},
		{4, "numbers/12062092844/relationships/failover_route", ""},
		{1, "numbers/12062092844/relationships/dlr_callback", `{"data":{"attributes":{"callback_url":"https://example.com/x"}}}`},
		{1, "cnams", `{"value":"Bob Law"}`},
		{3, "numbers/12062092844/relationships/cnam/100000", ""},
		{1, "e911s", `{"data":{"type":"e911","attributes":{"label":"L","first_name":"A","last_name":"B","street_number":1218,"street_name":"3rd Ave","address_type":"suite","address_type_number":"6","city":"Seattle","state":"wa","country":"USA","zip":"98101-1234"}}}`},
		{3, "numbers/12062092844/relationships/e911s/100000", ""},
		{0, "e911s/100000/relationships/numbers?limit=1&offset=3", ""},
		{1, "numbers/details", `{"numbers":["+12062092844","12067439178"]}`},
		{4, "routes/100000/", ""},
		{0, "cnams?is_approved=true&value=bob&limit=0", ""},
	}
	for _, sd := range seeds {
		f.Add(sd.m, uint8(0), sd.path, sd.body)
	}
	f.Add(uint8(1), uint8(3), "cnams", "value=FR+H5K8")
	f.Add(uint8(1), uint8(5), "sandbox/cnams/100000/approve", `{"reason":1}`)
	s, err := New(Options{Seed: 1, InventorySize: 200, CNAMApproval: CNAMPending})
	if err != nil {
		f.Fatal(err)
	}
	methods := []string{"GET", "POST", "PUT", "PATCH", "DELETE"}
	types := []string{"application/vnd.api+json", "", "application/json; charset=utf-8", "application/x-www-form-urlencoded", "text/plain", "application/json"}
	allowed := []int{200, 201, 202, 204, 207, 400, 403, 404, 405, 415, 422}
	f.Fuzz(func(t *testing.T, m, ct uint8, path, body string) {
		prefix := "/v2/"
		if strings.HasPrefix(path, "sandbox/") {
			prefix = "/"
		}
		u, err := url.Parse("http://sandbox.test" + prefix + path)
		if err != nil || !isV2Path(u.Path) {
			return
		}
		r := httptest.NewRequest(methods[int(m)%len(methods)], "http://sandbox.test/", strings.NewReader(body))
		r.URL = u
		if typ := types[int(ct)%len(types)]; typ != "" {
			r.Header.Set("Content-Type", typ)
		}
		r.SetBasicAuth(DefaultAccessKey, DefaultSecretKey)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if !slices.Contains(allowed, w.Code) {
			t.Fatalf("%s %s %q: status %d %s", r.Method, u, body, w.Code, w.Body)
		}
		if w.Body.Len() == 0 {
			return
		}
		if got := w.Header().Get("Content-Type"); got != mediaType {
			t.Fatalf("%s %s: Content-Type %q", r.Method, u, got)
		}
		var doc struct {
			Errors []struct {
				Status int
				ID     string
			}
		}
		if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
			t.Fatalf("%s %s: body is not JSON: %v", r.Method, u, err)
		}
		if w.Code >= 400 && (len(doc.Errors) != 1 || doc.Errors[0].Status != w.Code || doc.Errors[0].ID == "") {
			t.Fatalf("%s %s: %d without the error envelope: %s", r.Method, u, w.Code, w.Body)
		}
	})
}
