package views

import (
	"bytes"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
)

// The text and Markdown plans name the account they were made for, when it is known.
func TestPlanNamesTheAccount(t *testing.T) {
	t.Parallel()
	p := loadPlan(t, "sample")
	p.Account = &account.Identity{API: "v1", Endpoint: "https://api.flowroute.com/v1/", KeyFingerprint: account.Fingerprint("key")}
	var text, md bytes.Buffer
	if err := PlanText(&text, p, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if want := "Account: v1 https://api.flowroute.com/v1/, access key " + account.Fingerprint("key") + "\n"; !strings.HasPrefix(text.String(), want) {
		t.Errorf("text plan starts %q, want %q", text.String()[:min(80, text.Len())], want)
	}
	if err := PlanMarkdown(&md, p); err != nil {
		t.Fatal(err)
	}
	if want := "Account: v1 `https://api.flowroute.com/v1/`, access key `" + account.Fingerprint("key") + "`"; !strings.Contains(md.String(), want) {
		t.Errorf("Markdown plan lacks %q:\n%s", want, md.String())
	}
	if fp := account.Fingerprint("key"); len(fp) != len("sha256:")+16 || strings.Contains(fp, "key") {
		t.Errorf("fingerprint %q", fp)
	}
}
