package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/internal/golden"
)

// completionScript returns what `completion SHELL` prints, also written to a file.
func completionScript(t *testing.T, shell string) (string, string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, "completion", shell)
	if code != 0 || stderr != "" {
		t.Fatalf("completion %s: exit %d, stderr %q", shell, code, stderr)
	}
	path := filepath.Join(t.TempDir(), "completion."+shell)
	if err := os.WriteFile(path, []byte(stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	return stdout, path
}

// TestCompletionGolden keeps the scripts under review: a new command or flag shows in them.
func TestCompletionGolden(t *testing.T) {
	t.Parallel()
	for _, shell := range []string{"bash", "zsh", "fish"} {
		script, _ := completionScript(t, shell)
		golden.Check(t, filepath.Join("testdata", "golden", "completion", shell), []byte(script))
	}
}

// completionCases are words typed, the last one being completed, and what must be offered.
var completionCases = []struct {
	words []string
	want  []string
	not   []string
	files bool // a file name: bash and zsh leave it to their own file completion
}{
	{[]string{"pl"}, []string{"plan"}, []string{"apply"}, false},
	{[]string{""}, []string{"validate", "plan", "apply", "show", "fmt", "completion", "sandbox"}, nil, false},
	{[]string{"plan", "--format", ""}, []string{"text", "json", "markdown"}, []string{"--out"}, false},
	{[]string{"--sandbox", "plan", "--fo"}, []string{"--format"}, nil, false},
	{[]string{"sandbox", ""}, []string{"serve"}, []string{"plan"}, false},
	{[]string{"sandbox", "serve", "--se"}, []string{"--seed", "--secret-key"}, nil, false},
	{[]string{"completion", ""}, []string{"bash", "zsh", "fish"}, nil, false},
	{[]string{"validate", "--format", ""}, []string{"text", "json"}, []string{"markdown"}, false},
	{[]string{"plan", "../../examples/quick"}, []string{"../../examples/quickstart.yaml"}, nil, true},
	{[]string{"apply", "-f", "../../examples/mu"}, []string{"../../examples/multi/"}, nil, true},
}

func checkOffered(t *testing.T, shell string, words []string, got string, want, not []string) {
	t.Helper()
	offered := strings.Fields(got)
	for _, w := range want {
		if !contains(offered, w) {
			t.Errorf("%s: flowroute-numbers %s<Tab> does not offer %s: %q", shell, strings.Join(words, " "), w, got)
		}
	}
	for _, w := range not {
		if contains(offered, w) {
			t.Errorf("%s: flowroute-numbers %s<Tab> offers %s: %q", shell, strings.Join(words, " "), w, got)
		}
	}
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// TestCompletionBash sources the bash script and completes words as bash would, and the zsh
// script the same way through zsh's bash completion, when zsh is installed.
func TestCompletionBash(t *testing.T) {
	t.Parallel()
	for _, shell := range []string{"bash", "zsh"} {
		if _, err := exec.LookPath(shell); err != nil {
			t.Logf("%s is not installed: not run", shell)
			continue
		}
		_, path := completionScript(t, shell)
		// One shell for every case: zsh's compinit is slow to start.
		prog := "source " + path + "\n"
		for _, c := range completionCases {
			words := append([]string{"flowroute-numbers"}, c.words...)
			quoted := make([]string, len(words))
			for i, w := range words {
				quoted[i] = "'" + w + "'"
			}
			prog += "COMP_WORDS=(" + strings.Join(quoted, " ") + "); COMP_CWORD=" + strconv.Itoa(len(words)-1) +
				"; COMPREPLY=(); _flowroute_numbers; echo \"${COMPREPLY[*]}\"\n"
		}
		cmd := exec.Command(shell, "-c", prog)
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir()) // zsh's compinit writes its dump there
		stdout, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v\n%s", shell, err, stdout)
		}
		lines := strings.Split(string(stdout), "\n")
		if len(lines) < len(completionCases) {
			t.Fatalf("%s printed %d lines for %d cases:\n%s", shell, len(lines), len(completionCases), stdout)
		}
		for i, c := range completionCases {
			out := lines[i]
			switch {
			case c.files:
				if strings.TrimSpace(string(out)) != "" {
					t.Errorf("%s: flowroute-numbers %s<Tab> offers %q, want nothing (the shell's file completion)", shell, strings.Join(c.words, " "), out)
				}
			case shell == "zsh": // zsh's compgen does not filter: zsh's matching does
				checkOffered(t, shell, c.words, string(out), c.want, nil)
			default:
				checkOffered(t, shell, c.words, string(out), c.want, c.not)
			}
		}
	}
	if script, _ := completionScript(t, "bash"); !strings.Contains(script, "complete -o default -F _flowroute_numbers flowroute-numbers\n") {
		t.Error("the bash script does not fall back to file completion (-o default)")
	}
}

// TestCompletionFish loads the fish script and completes with fish's own `complete -C`, when
// fish is installed.
func TestCompletionFish(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("fish"); err != nil {
		t.Skip("fish is not installed")
	}
	_, path := completionScript(t, "fish")
	for _, c := range completionCases {
		line := "flowroute-numbers " + strings.Join(c.words, " ")
		cmd := exec.Command("fish", "--no-config", "-c", "source "+path+"; complete -C '"+line+"'")
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("fish: %v\n%s", err, out)
		}
		var offered []string
		for l := range strings.SplitSeq(string(out), "\n") {
			if w, _, _ := strings.Cut(l, "\t"); w != "" {
				offered = append(offered, w)
			}
		}
		checkOffered(t, "fish", c.words, strings.Join(offered, " "), c.want, c.not)
	}
}
