package views

import (
	"bytes"
	"strings"
	"testing"
)

// TestNewNumberShownOnce checks that the text and Markdown plans show a number bought with its
// routes once, on its purchase, and count it once, while the JSON plan keeps both actions, as
// apply runs them.
func TestNewNumberShownOnce(t *testing.T) {
	t.Parallel()
	p := loadPlan(t, "sample")
	const tn = "12067439178" // purchased, then routed to pbx-seattle and pbx-backup
	text := string(render(t, func(b *bytes.Buffer) error { return PlanText(b, p, TextOptions{}) }))
	md := string(render(t, func(b *bytes.Buffer) error { return PlanMarkdown(b, p) }))
	js := string(render(t, func(b *bytes.Buffer) error { return PlanJSON(b, p) }))
	for name, out := range map[string]string{"text": text, "markdown": md} {
		if n := strings.Count(out, tn); n != 1 {
			t.Errorf("the %s plan names %s %d times, want once:\n%s", name, tn, n, out)
		}
		if !strings.Contains(out, "2 numbers to purchase, 2 numbers to update.") {
			t.Errorf("the %s plan counts the purchased number as an update too:\n%s", name, out)
		}
	}
	if !strings.Contains(text, "+ "+tn+"  METERED  1.00 one-time, 1.25 per month\n      primary_route:  pbx-seattle\n      failover_route: pbx-backup\n") {
		t.Errorf("the text plan does not show the routes on the purchase:\n%s", text)
	}
	if strings.Count(js, `"key": "`+tn+`"`) != 2 || !strings.Contains(js, `"numbers_to_update": 3`) {
		t.Errorf("the JSON plan lost the set_routes of %s:\n%s", tn, js)
	}
}
