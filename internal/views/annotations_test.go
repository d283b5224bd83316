package views

import (
	"bytes"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// TestAnnotationEscaping checks GitHub's escapes: %, CR and LF in the message, and ":" and ","
// too in a property value; unknown parts of a position are left out.
func TestAnnotationEscaping(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		sev  plan.Severity
		pos  spec.Pos
		msg  string
		want string
	}{
		{plan.Error, spec.Pos{File: "a,b:c%.yaml", Line: 3, Col: 4}, "50% off\r\nnext: line, here",
			"::error file=a%2Cb%3Ac%25.yaml,line=3,col=4,title=flowroute-numbers::50%25 off%0D%0Anext: line, here"},
		{plan.Warning, spec.Pos{File: "n.yaml", Line: 2}, "w", "::warning file=n.yaml,line=2,title=flowroute-numbers::w"},
		{plan.Warning, spec.Pos{}, "w", "::warning title=flowroute-numbers::w"},
		{plan.Note, spec.Pos{File: "n.yaml", Line: 5}, "pending", "::notice file=n.yaml,line=5,title=flowroute-numbers::pending"},
	} {
		if got := annotation(c.sev, c.pos, c.msg); got != c.want {
			t.Errorf("annotation(%v, %v, %q) = %q, want %q", c.sev, c.pos, c.msg, got, c.want)
		}
	}
}

func TestAnnotations(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	Annotations(&b, []plan.Diagnostic{
		{Severity: plan.Error, Pos: spec.Pos{File: "n.yaml", Line: 3, Col: 4}, Message: "bad", Hint: "fix it"},
		{Severity: plan.Warning, Message: "odd"},
	})
	want := "::error file=n.yaml,line=3,col=4,title=flowroute-numbers::bad (fix it)\n::warning title=flowroute-numbers::odd\n"
	if b.String() != want {
		t.Errorf("Annotations wrote %q, want %q", b.String(), want)
	}
}
