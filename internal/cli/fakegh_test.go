package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The fake gh: the test binary itself, run as gh by a script on the steps' PATH, answering
// the `gh api` and `gh release` calls of the workflows from a JSON file that stands for one
// GitHub repository's issues, comments, pull requests and releases (whose files it keeps in
// releases/TAG/ beside the file), and logging every call in it.

// fakeGHEnv names the fake's state file; when set, TestMain runs the fake instead of the tests.
const fakeGHEnv = "FLOWROUTE_TEST_FAKE_GH_STATE"

// ghState is the fake GitHub repository.
type ghState struct {
	// Login is the account of the token: what comments and issues are posted as.
	Login    string               `json:"login"`
	Comments map[string][]ghEntry `json:"comments"` // by issue or pull-request number
	Issues   []ghEntry            `json:"issues"`
	Pulls    map[string][]ghPull  `json:"pulls"` // GET commits/SHA/pulls, by SHA
	// Opened are the pull requests opened through the API (GET and POST pulls).
	Opened   []ghOpened `json:"opened,omitempty"`
	Releases []string   `json:"releases"` // tags; the files are in releases/TAG/
	NextID   int        `json:"next_id"`
	Calls    []string   `json:"calls"` // "METHOD path" or "release …", in order
}

// ghEntry is an issue or a comment.
type ghEntry struct {
	ID          int     `json:"id,omitempty"`
	Number      int     `json:"number,omitempty"`
	Title       string  `json:"title,omitempty"`
	State       string  `json:"state,omitempty"`
	StateReason string  `json:"state_reason,omitempty"`
	User        ghUser  `json:"user"`
	Body        string  `json:"body"`
	PullRequest *ghPull `json:"pull_request,omitempty"` // set on the issues that are pull requests
}

type ghUser struct {
	Login string `json:"login"`
}

type ghPull struct {
	Number         int     `json:"number"`
	MergedAt       *string `json:"merged_at"`
	MergeCommitSHA string  `json:"merge_commit_sha"`
	Head           struct {
		SHA string `json:"sha"`
	} `json:"head"`
}

// ghOpened is a pull request as GET and POST repos/OWNER/REPO/pulls have it.
type ghOpened struct {
	Number  int    `json:"number"`
	State   string `json:"state"`
	Title   string `json:"title"`
	Body    string `json:"body"`
	Head    string `json:"head"` // the branch, as OWNER:BRANCH filters it
	Base    string `json:"base"`
	HTMLURL string `json:"html_url"`
}

// mergedPull is a pull request number merged as commit merge, its head at head.
func mergedPull(number int, merge, head string) ghPull {
	at := "2026-01-02T03:04:05Z"
	p := ghPull{Number: number, MergedAt: &at, MergeCommitSHA: merge}
	p.Head.SHA = head
	return p
}

// fakeGH is a fake gh for a test: its directory goes first on the steps' PATH.
type fakeGH = fakeCommand[ghState]

// newFakeGH writes the fake gh and its state, posting as github-actions[bot] by default.
func newFakeGH(t *testing.T, s ghState) *fakeGH {
	t.Helper()
	if s.Login == "" {
		s.Login = "github-actions[bot]"
	}
	if s.NextID == 0 {
		s.NextID = 100
	}
	return newFakeCommand(t, "gh", fakeGHEnv, s)
}

// fakeCommand is a command faked by the test binary (TestMain runs the fake when the
// variable env names its state file): a directory holding the command, to put first on
// PATH, and the JSON file of the state it serves.
type fakeCommand[S any] struct {
	t     *testing.T
	dir   string
	state string
}

// newFakeCommand writes the command name, which runs the test binary with env naming the
// state file, and the state s.
func newFakeCommand[S any](t *testing.T, name, env string, s S) *fakeCommand[S] {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeCommand[S]{t: t, dir: t.TempDir()}
	f.state = filepath.Join(f.dir, "state.json")
	f.save(s)
	script := fmt.Sprintf("#!/bin/sh\n%s=%s exec %s \"$@\"\n", env, shellQuote(f.state), shellQuote(exe))
	if err := os.WriteFile(filepath.Join(f.dir, name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fakeCommand[S]) load() S {
	f.t.Helper()
	var s S
	if err := readState(f.state, &s); err != nil {
		f.t.Fatal(err)
	}
	return s
}

func (f *fakeCommand[S]) save(s S) {
	f.t.Helper()
	if err := writeState(f.state, s); err != nil {
		f.t.Fatal(err)
	}
}

// path is PATH with the fake first.
func (f *fakeCommand[S]) path() string {
	return f.dir + string(os.PathListSeparator) + os.Getenv("PATH")
}

// readState and writeState read and write a fake's state file.
func readState(path string, v any) error {
	data, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(data, v)
	}
	return err
}

func writeState(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// runFakeGH is the fake gh's main: `gh api [--paginate] [--method M] PATH [-f k=v] [-F k=v]`,
// where -F k=@FILE reads the value from FILE. It prints the answer and returns the exit
// status: 1 with a message for a call it does not know or an object that does not exist.
func runFakeGH(args []string, stdout, stderr io.Writer) int {
	statePath := os.Getenv(fakeGHEnv)
	var s ghState
	if err := readState(statePath, &s); err != nil {
		fmt.Fprintln(stderr, "fake gh:", err)
		return 1
	}
	if len(args) > 0 && args[0] == "release" {
		s.Calls = append(s.Calls, strings.Join(args, " "))
		code := s.release(filepath.Join(filepath.Dir(statePath), "releases"), args[1:], stderr)
		if err := writeState(statePath, s); err != nil {
			fmt.Fprintln(stderr, "fake gh:", err)
			return 1
		}
		return code
	}
	if len(args) == 0 || args[0] != "api" {
		fmt.Fprintf(stderr, "fake gh: only gh api and gh release are faked, not gh %s\n", strings.Join(args, " "))
		return 1
	}
	method, path, paginate := "GET", "", false
	fields := map[string]string{}
	for i := 1; i < len(args); i++ {
		switch a := args[i]; a {
		case "--paginate":
			paginate = true
		case "--method", "-X":
			i++
			method = args[i]
		case "-f", "-F", "--raw-field", "--field":
			i++
			k, v, _ := strings.Cut(args[i], "=")
			if file, ok := strings.CutPrefix(v, "@"); ok && a != "-f" && a != "--raw-field" {
				data, err := os.ReadFile(file)
				if err != nil {
					fmt.Fprintln(stderr, "fake gh:", err)
					return 1
				}
				v = string(data)
			}
			fields[k] = v
		default:
			if strings.HasPrefix(a, "-") {
				fmt.Fprintf(stderr, "fake gh: unknown flag %s\n", a)
				return 1
			}
			path = a
		}
	}
	if len(fields) > 0 && method == "GET" {
		method = "POST" // as gh does
	}
	s.Calls = append(s.Calls, method+" "+path)
	answer, err := s.serve(method, path, fields)
	if werr := writeState(statePath, s); err == nil {
		err = werr
	}
	if err != nil {
		fmt.Fprintln(stderr, "fake gh:", err)
		return 1
	}
	// --paginate prints each page's array: the fake makes two pages of a longer list, so that
	// callers must join them (jq -s add).
	if list, ok := answer.([]ghEntry); ok && paginate && len(list) > 1 {
		first, _ := json.Marshal(list[:1])
		rest, _ := json.Marshal(list[1:])
		fmt.Fprintf(stdout, "%s\n%s\n", first, rest)
		return 0
	}
	data, _ := json.Marshal(answer)
	fmt.Fprintf(stdout, "%s\n", data)
	return 0
}

var (
	ghCommentsPath = regexp.MustCompile(`^repos/[^/]+/[^/]+/issues/(\d+)/comments$`)
	ghCommentPath  = regexp.MustCompile(`^repos/[^/]+/[^/]+/issues/comments/(\d+)$`)
	ghIssuesPath   = regexp.MustCompile(`^repos/[^/]+/[^/]+/issues$`)
	ghIssuePath    = regexp.MustCompile(`^repos/[^/]+/[^/]+/issues/(\d+)$`)
	ghPullsPath    = regexp.MustCompile(`^repos/[^/]+/[^/]+/commits/([0-9a-f]+)/pulls$`)
	ghOpenPath     = regexp.MustCompile(`^repos/([^/]+)/[^/]+/pulls$`)
)

// serve answers one call, changing the state as GitHub would.
func (s *ghState) serve(method, path string, fields map[string]string) (any, error) {
	p, rawQuery, _ := strings.Cut(path, "?")
	query, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, err
	}
	if s.Comments == nil {
		s.Comments = map[string][]ghEntry{}
	}
	switch {
	case method == "GET" && ghCommentsPath.MatchString(p):
		return append([]ghEntry{}, s.Comments[ghCommentsPath.FindStringSubmatch(p)[1]]...), nil
	case method == "POST" && ghCommentsPath.MatchString(p):
		n := ghCommentsPath.FindStringSubmatch(p)[1]
		c := ghEntry{ID: s.NextID, User: ghUser{s.Login}, Body: fields["body"]}
		s.NextID++
		s.Comments[n] = append(s.Comments[n], c)
		return c, nil
	case method == "PATCH" && ghCommentPath.MatchString(p):
		id, _ := strconv.Atoi(ghCommentPath.FindStringSubmatch(p)[1])
		for n, list := range s.Comments {
			for i := range list {
				if list[i].ID == id {
					list[i].Body = fields["body"]
					s.Comments[n] = list
					return list[i], nil
				}
			}
		}
		return nil, fmt.Errorf("HTTP 404: no comment %d", id)
	case method == "GET" && ghIssuesPath.MatchString(p):
		list := []ghEntry{}
		for _, i := range s.Issues {
			if st := query.Get("state"); st == "" || st == "all" || st == i.State {
				list = append(list, i)
			}
		}
		return list, nil
	case method == "POST" && ghIssuesPath.MatchString(p):
		i := ghEntry{Number: s.NextID, Title: fields["title"], Body: fields["body"], State: "open", User: ghUser{s.Login}}
		s.NextID++
		s.Issues = append(s.Issues, i)
		return i, nil
	case method == "PATCH" && ghIssuePath.MatchString(p):
		n, _ := strconv.Atoi(ghIssuePath.FindStringSubmatch(p)[1])
		for k := range s.Issues {
			if i := &s.Issues[k]; i.Number == n {
				if v, ok := fields["body"]; ok {
					i.Body = v
				}
				if v, ok := fields["state"]; ok {
					i.State = v
				}
				if v, ok := fields["state_reason"]; ok {
					i.StateReason = v
				}
				return *i, nil
			}
		}
		return nil, fmt.Errorf("HTTP 404: no issue %d", n)
	case method == "GET" && ghPullsPath.MatchString(p):
		return append([]ghPull{}, s.Pulls[ghPullsPath.FindStringSubmatch(p)[1]]...), nil
	case method == "GET" && ghOpenPath.MatchString(p):
		owner := ghOpenPath.FindStringSubmatch(p)[1]
		list := []ghOpened{}
		for _, o := range s.Opened {
			if (query.Get("state") == "" || query.Get("state") == o.State) && (query.Get("head") == "" || query.Get("head") == owner+":"+o.Head) {
				list = append(list, o)
			}
		}
		return list, nil
	case method == "POST" && ghOpenPath.MatchString(p):
		o := ghOpened{Number: s.NextID, State: "open", Title: fields["title"], Body: fields["body"], Head: fields["head"], Base: fields["base"],
			HTMLURL: fmt.Sprintf("https://github.com/%s/pull/%d", strings.TrimSuffix(strings.TrimPrefix(p, "repos/"), "/pulls"), s.NextID)}
		s.NextID++
		s.Opened = append(s.Opened, o)
		return o, nil
	}
	return nil, fmt.Errorf("HTTP 404: the fake does not serve %s %s", method, path)
}

// release runs `gh release view|create|upload TAG [FILE…] [flags]`, keeping the files of
// release TAG in dir/TAG.
func (s *ghState) release(dir string, args []string, stderr io.Writer) int {
	if len(args) < 2 {
		fmt.Fprintln(stderr, "fake gh: gh release needs a command and a tag")
		return 1
	}
	cmd, tag := args[0], args[1]
	var files []string
	for i := 2; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--title" || a == "--notes" || a == "-t" || a == "-n":
			i++
		case strings.HasPrefix(a, "-"):
		default:
			files = append(files, a)
		}
	}
	exists := slices.Contains(s.Releases, tag)
	switch {
	case cmd == "view" && exists:
		return 0
	case cmd == "view":
		fmt.Fprintln(stderr, "release not found")
		return 1
	case cmd == "create" && exists:
		fmt.Fprintf(stderr, "a release with the same tag name already exists: %s\n", tag)
		return 1
	case cmd == "upload" && !exists:
		fmt.Fprintln(stderr, "release not found")
		return 1
	case cmd != "create" && cmd != "upload":
		fmt.Fprintf(stderr, "fake gh: gh release %s is not faked\n", cmd)
		return 1
	}
	if err := os.MkdirAll(filepath.Join(dir, tag), 0o755); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, tag, filepath.Base(f)), data, 0o755)
		}
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	if !exists {
		s.Releases = append(s.Releases, tag)
	}
	return 0
}
