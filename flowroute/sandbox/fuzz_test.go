package sandbox

import (
	"net/http/httptest"
	"net/url"
	"slices"
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
	f.Add([]byte(`{"format":1,"seed":1,"inventory_size":10,"inventory_version":1,"routes":[{"name":"a","type":"HOST","value":"1.2.3.4"}],"numbers":[{"billing_method":"METERED","routes":["a","sip-reg"],"tns":["12065550100"]}],"audit":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := unmarshalState(data)
		if err != nil {
			return
		}
		if _, err := st.marshal(); err != nil {
			t.Errorf("a loaded state does not marshal: %v", err)
		}
	})
}
