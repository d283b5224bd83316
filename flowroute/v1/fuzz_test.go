package v1

import (
	"testing"
	"unicode/utf8"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"
)

// FuzzDecodeAnswers feeds arbitrary bodies to what reads the server's answers: list pages of
// every kind and error messages. None may panic; an error message is valid UTF-8 of bounded
// length.
func FuzzDecodeAnswers(f *testing.F) {
	for _, seed := range []string{
		`{}`, `null`, ``, `[]`, `{"error":"Authentication failed."}`, `{"error":{"x":1}}`, `<html>`,
		`{"tns":{"12067439178":{"initial_cost":"1.00","monthly_cost":"1.25","state":"WA","ratecenter":"SEATTLE","billing_methods":["VPRI","METERED"]}},"links":{"next":"/v1/tns/?page=2"}}`,
		`{"npanxxs":{"206258":{"tns":"x"}}}`, `{"routes":{"sip-reg":{"type":"SIP-REG","value":null}}}`,
		`{"tns":{"1":1}}`, `{"tns":{"12062092844":{"billing_method":"METERED","routes":[{"name":"a"}]}}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if msg := errorMessage(500, body); !utf8.ValidString(msg) || utf8.RuneCountInString(msg) > 201 {
			t.Errorf("errorMessage = %q", msg)
		}
		decode(body, npas, func(k string, _ ignored) (string, error) { return k, nil })
		decode(body, tns, func(k string, n AvailableNumber) (AvailableNumber, error) { return n, nil })
		decode(body, tns, func(k string, n Number) (Number, error) { return n, nil })
		decode(body, routes, func(k string, r Route) (Route, error) { return r, nil })
	})
}

// decode reads body as the engine reads a list page: decoded, then checked.
func decode[N, V, T any](body []byte, members func(*listAnswer[N]) map[string]V, item func(string, V) (T, error)) {
	lp := listPage[N, V, T]{members: members, item: item}
	if engine.Unmarshal(body, &lp) == nil {
		lp.Check()
	}
}
