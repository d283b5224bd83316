package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/alecthomas/kong"
)

// completionCmd prints a shell completion script made from the kong model, so that it never
// falls behind the commands and flags. It is written here rather than taken from a library:
// the libraries for kong complete by running the binary at each Tab (a protocol of their own
// through posener/complete), while a static script needs nothing at completion time and is
// simple to test.
type completionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"The shell: bash, zsh or fish."`
}

func (c *completionCmd) Run(g *Globals, kctx *kong.Context) error {
	cmds := completionModel(kctx.Model.Node)
	switch c.Shell {
	case "fish":
		return fishCompletion(g.stdout, kctx.Model.Name, cmds)
	case "zsh":
		fmt.Fprintf(g.stdout, "#compdef %s\n# zsh completion for %s: the bash function below, through zsh's bashcompinit.\n"+
			"(( ${+functions[compdef]} )) || { autoload -U +X compinit && compinit; }\nautoload -U +X bashcompinit && bashcompinit\n",
			kctx.Model.Name, kctx.Model.Name)
	}
	return bashCompletion(g.stdout, kctx.Model.Name, cmds)
}

// completionCommand is one command of the model as completion sees it: its path ("" for the
// application, "sandbox serve"), its subcommands, its flags and whether it takes file arguments.
type completionCommand struct {
	path     string
	help     string
	children []*completionCommand
	flags    []completionFlag
	files    bool     // positional arguments are files
	args     []string // the values a positional argument allows
}

type completionFlag struct {
	long  string
	short rune
	help  string
	value bool     // takes a value
	file  bool     // the value is a file
	enum  []string // the values allowed
}

// completionModel walks the kong model: every visible command, each with its own flags (the
// application's are the global ones, offered everywhere).
func completionModel(n *kong.Node) []*completionCommand {
	var out []*completionCommand
	var walk func(n *kong.Node, path string) *completionCommand
	walk = func(n *kong.Node, path string) *completionCommand {
		c := &completionCommand{path: path, help: n.Help, files: len(n.Positional) > 0}
		for _, p := range n.Positional {
			if p.Enum != "" {
				c.files = false
				c.args = append(c.args, p.EnumSlice()...)
			}
		}
		for _, f := range n.Flags {
			if f.Hidden {
				continue
			}
			cf := completionFlag{long: f.Name, short: f.Short, help: f.Help, value: !f.IsBool() && !f.IsCounter()}
			if f.Enum != "" {
				cf.enum = f.EnumSlice()
			} else if cf.value {
				ph := f.FormatPlaceHolder()
				cf.file = f.Tag.Type == "path" || strings.Contains(ph, "FILE") || ph == "SPEC"
			}
			c.flags = append(c.flags, cf)
		}
		out = append(out, c)
		for _, child := range n.Children {
			if child.Hidden || child.Type != kong.CommandNode {
				continue
			}
			c.children = append(c.children, walk(child, strings.TrimSpace(path+" "+child.Name)))
		}
		return c
	}
	walk(n, "")
	return out
}

func (f completionFlag) words() []string {
	w := []string{"--" + f.long}
	if f.short != 0 {
		w = append(w, "-"+string(f.short))
	}
	return w
}

// bashCompletion writes a bash function that finds the command among the words typed, then
// offers its subcommands and flags or a flag's values; for a file name it offers nothing, so
// that the shell's own file completion takes over.
func bashCompletion(w io.Writer, name string, cmds []*completionCommand) error {
	fn := "_" + strings.NewReplacer("-", "_").Replace(name)
	var b strings.Builder
	fmt.Fprintf(&b, "# bash completion for %s, made from its command-line model.\n", name)
	fmt.Fprintf(&b, "# Load it with: source <(%s completion bash)\n", name)
	fmt.Fprintf(&b, "%s() {\n", fn)
	b.WriteString("  [[ -n ${ZSH_VERSION-} ]] && setopt localoptions ksharrays # zsh: arrays from 0, as in bash\n")
	b.WriteString("  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" cmd=\"\" i w\n")
	b.WriteString("  for ((i = 1; i < COMP_CWORD; i++)); do\n    w=\"${COMP_WORDS[i]}\"\n    case \"$cmd/$w\" in\n")
	var paths []string
	for _, c := range cmds {
		for _, ch := range c.children {
			paths = append(paths, c.path+"/"+lastWord(ch.path))
		}
	}
	fmt.Fprintf(&b, "      %s) cmd=\"${cmd:+$cmd }$w\" ;;\n", bashAlternatives(paths))
	b.WriteString("    esac\n  done\n")

	global := cmds[0].flags
	// A flag's value: its enum, a file name, or nothing to offer.
	b.WriteString("  case \"$prev\" in\n")
	writeValueCases(&b, "", global)
	b.WriteString("  esac\n")
	b.WriteString("  case \"$cmd\" in\n")
	for _, c := range cmds {
		if c.path == "" || !slices.ContainsFunc(c.flags, func(f completionFlag) bool { return f.value }) {
			continue
		}
		fmt.Fprintf(&b, "    %q)\n      case \"$prev\" in\n", c.path)
		writeValueCases(&b, "    ", c.flags)
		b.WriteString("      esac ;;\n")
	}
	b.WriteString("  esac\n")

	b.WriteString("  local words files=\"\"\n  case \"$cmd\" in\n")
	for _, c := range cmds {
		var words []string
		for _, ch := range c.children {
			words = append(words, lastWord(ch.path))
		}
		words = append(words, c.args...)
		for _, f := range c.flags {
			words = append(words, f.words()...)
		}
		if c.path != "" {
			for _, f := range global {
				words = append(words, f.words()...)
			}
		}
		files := ""
		if c.files {
			files = " files=1"
		}
		fmt.Fprintf(&b, "    %q) words=%q;%s ;;\n", c.path, strings.Join(words, " "), files)
	}
	b.WriteString("  esac\n")
	b.WriteString("  if [[ -n $files && $cur != -* ]]; then\n    COMPREPLY=() # the shell's own file completion (complete -o default)\n  else\n    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n  fi\n}\n")
	// -o default: where the function offers nothing (a file name), the shell completes file
	// names itself, directories, ~ and all, in bash and in zsh's bashcompinit alike.
	fmt.Fprintf(&b, "complete -o default -F %s %s\n", fn, name)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeValueCases writes the case arms that complete the value of each flag that takes one:
// its enum values or file names; other values have nothing to offer.
func writeValueCases(b *strings.Builder, indent string, flags []completionFlag) {
	for _, f := range flags {
		if !f.value {
			continue
		}
		pattern := strings.Join(f.words(), "|")
		switch {
		case len(f.enum) > 0:
			fmt.Fprintf(b, "%s    %s) COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;;\n", indent, pattern, strings.Join(f.enum, " "))
		case f.file:
			fmt.Fprintf(b, "%s    %s) COMPREPLY=(); return ;; # file names: complete -o default\n", indent, pattern)
		default:
			fmt.Fprintf(b, "%s    %s) COMPREPLY=(); return ;;\n", indent, pattern)
		}
	}
}

func bashAlternatives(paths []string) string {
	quoted := make([]string, len(paths))
	for i, p := range paths {
		quoted[i] = fmt.Sprintf("%q", p)
	}
	return strings.Join(quoted, "|")
}

func lastWord(path string) string { return path[strings.LastIndexByte(path, ' ')+1:] }

// fishCompletion writes fish `complete` lines: subcommands while none is typed, each command's
// flags once it is, a flag's values, and file names where the command takes files.
func fishCompletion(w io.Writer, name string, cmds []*completionCommand) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# fish completion for %s, made from its command-line model.\n", name)
	fmt.Fprintf(&b, "# Load it with: %s completion fish | source\n", name)
	fmt.Fprintf(&b, "complete -c %s -f\n", name)
	for _, c := range cmds {
		cond := fishCondition(c, cmds)
		for _, ch := range c.children {
			fmt.Fprintf(&b, "complete -c %s -n %s -a %s -d %s\n", name, fishQuote(cond), lastWord(ch.path), fishQuote(firstSentence(ch.help)))
		}
		for _, f := range c.flags {
			fmt.Fprintf(&b, "complete -c %s", name)
			if c.path != "" {
				fmt.Fprintf(&b, " -n %s", fishQuote(fishSeen(c)))
			}
			fmt.Fprintf(&b, " -l %s", f.long)
			if f.short != 0 {
				fmt.Fprintf(&b, " -s %c", f.short)
			}
			switch {
			case len(f.enum) > 0:
				fmt.Fprintf(&b, " -x -a %s", fishQuote(strings.Join(f.enum, " ")))
			case f.file:
				b.WriteString(" -r -F")
			case f.value:
				b.WriteString(" -x")
			}
			fmt.Fprintf(&b, " -d %s\n", fishQuote(firstSentence(f.help)))
		}
		if c.files {
			fmt.Fprintf(&b, "complete -c %s -n %s -F\n", name, fishQuote(fishSeen(c)))
		}
		if len(c.args) > 0 {
			fmt.Fprintf(&b, "complete -c %s -n %s -a %s\n", name, fishQuote(fishSeen(c)), fishQuote(strings.Join(c.args, " ")))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fishCondition is true while c is the deepest command typed: c itself seen (for the
// application, no command yet) and none of its subcommands.
func fishCondition(c *completionCommand, cmds []*completionCommand) string {
	if c.path == "" {
		return "__fish_use_subcommand"
	}
	var subs []string
	for _, ch := range c.children {
		subs = append(subs, lastWord(ch.path))
	}
	return fishSeen(c) + "; and not __fish_seen_subcommand_from " + strings.Join(subs, " ")
}

func fishSeen(c *completionCommand) string {
	words := strings.Fields(c.path)
	conds := make([]string, len(words))
	for i, w := range words {
		conds[i] = "__fish_seen_subcommand_from " + w
	}
	return strings.Join(conds, "; and ")
}

func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// firstSentence keeps completion descriptions short: the help up to its first ". ".
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	return s
}
