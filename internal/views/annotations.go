package views

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// Annotations writes each diagnostic as a GitHub Actions workflow command, which GitHub shows
// on the line of the pull request the diagnostic's position names: errors as ::error, the
// others as ::warning, the hint after the message.
func Annotations(w io.Writer, diags []plan.Diagnostic) {
	for _, d := range diags {
		fmt.Fprintln(w, annotation(d.Severity, d.Pos, withHint(d.Message, d.Hint)))
	}
}

func withHint(message, hint string) string {
	if hint == "" {
		return message
	}
	return message + " (" + hint + ")"
}

// annotation is the workflow command "::error file=F,line=L,col=C::message" (::warning for a
// warning, ::notice for a note), leaving out the position's unknown parts, escaped as the
// runner expects: %, CR and LF in the message; those and ":" and "," in a property value.
func annotation(sev plan.Severity, pos spec.Pos, message string) string {
	cmd := "warning"
	switch sev {
	case plan.Error:
		cmd = "error"
	case plan.Note:
		cmd = "notice" // information, such as a CNAM record awaiting approval: never a problem
	}
	var props []string
	if pos.File != "" {
		props = append(props, "file="+escapeProperty(pos.File))
		if pos.Line > 0 {
			props = append(props, "line="+strconv.Itoa(pos.Line))
			if pos.Col > 0 {
				props = append(props, "col="+strconv.Itoa(pos.Col))
			}
		}
	}
	props = append(props, "title=flowroute-numbers")
	return "::" + cmd + " " + strings.Join(props, ",") + "::" + escapeData(message)
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func escapeData(s string) string     { return dataEscaper.Replace(s) }
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
