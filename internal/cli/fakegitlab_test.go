package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The fake curl of the GitLab template's tests: the test binary itself, run as curl, answering
// the GitLab API calls of the template from a JSON file that stands for one project's merge
// requests and notes, and logging every call in it.

// fakeCurlEnv names the fake's state file; when set, TestMain runs the fake instead of the tests.
const fakeCurlEnv = "FLOWROUTE_TEST_FAKE_CURL_STATE"

// glAPI is the GitLab API's URL in the tests (CI_API_V4_URL), and glProject the project's id.
const (
	glAPI     = "https://gitlab.example.com/api/v4"
	glProject = "7"
)

// glState is the fake GitLab project.
type glState struct {
	Login  string              `json:"login"` // the token's account
	Notes  map[string][]glNote `json:"notes"` // by merge request iid
	MRs    map[string][]glMR   `json:"mrs"`   // GET repository/commits/SHA/merge_requests, by SHA
	NextID int                 `json:"next_id"`
	Calls  []string            `json:"calls"` // "METHOD path", in order
}

type glNote struct {
	ID     int `json:"id"`
	Author struct {
		Username string `json:"username"`
	} `json:"author"`
	Body string `json:"body"`
}

// newGLNote is a note by author.
func newGLNote(id int, author, body string) glNote {
	n := glNote{ID: id, Body: body}
	n.Author.Username = author
	return n
}

type glMR struct {
	IID            int     `json:"iid"`
	State          string  `json:"state"`
	SHA            string  `json:"sha"` // the source branch's head
	MergeCommitSHA *string `json:"merge_commit_sha"`
}

// mergedMR is merge request iid, its head at head, merged as commit merge.
func mergedMR(iid int, merge, head string) glMR {
	return glMR{IID: iid, State: "merged", SHA: head, MergeCommitSHA: &merge}
}

// fakeCurl is a fake curl for a test: its directory goes first on the job's PATH.
type fakeCurl = fakeCommand[glState]

// newFakeCurl writes the fake curl and its state, whose token is project_7_bot's by default.
func newFakeCurl(t *testing.T, s glState) *fakeCurl {
	t.Helper()
	if s.Login == "" {
		s.Login = "project_7_bot"
	}
	if s.NextID == 0 {
		s.NextID = 100
	}
	return newFakeCommand(t, "curl", fakeCurlEnv, s)
}

// runFakeCurl is the fake curl's main, for `curl [-fsS] [-X METHOD] [--header H]
// [--data-urlencode NAME@FILE] URL`: it answers as the GitLab API would, and like curl -f
// exits 22 on an HTTP error.
func runFakeCurl(args []string, stdout, stderr io.Writer) int {
	path := os.Getenv(fakeCurlEnv)
	var s glState
	if err := readState(path, &s); err != nil {
		fmt.Fprintln(stderr, "fake curl:", err)
		return 2
	}
	method, target, authorized := "GET", "", false
	form := map[string]string{}
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-X" || a == "--request":
			i++
			method = args[i]
		case a == "-H" || a == "--header":
			i++
			authorized = authorized || strings.HasPrefix(args[i], "PRIVATE-TOKEN: ") && len(args[i]) > len("PRIVATE-TOKEN: ")
		case a == "--data-urlencode":
			i++
			if name, file, ok := strings.Cut(args[i], "@"); ok {
				data, err := os.ReadFile(file)
				if err != nil {
					fmt.Fprintln(stderr, "curl: (26)", err)
					return 26
				}
				form[name] = string(data)
			} else {
				name, value, _ := strings.Cut(args[i], "=")
				form[name] = value
			}
		case strings.HasPrefix(a, "-"):
		default:
			target = a
		}
	}
	rest, ok := strings.CutPrefix(target, glAPI+"/")
	if !ok {
		fmt.Fprintf(stderr, "curl: (6) the fake serves %s only, not %s\n", glAPI, target)
		return 6
	}
	s.Calls = append(s.Calls, method+" "+rest)
	var answer any
	status := 401
	if authorized {
		answer, status = s.serve(method, rest, form)
	}
	if err := writeState(path, s); err != nil {
		fmt.Fprintln(stderr, "fake curl:", err)
		return 2
	}
	if status >= 400 {
		fmt.Fprintf(stderr, "curl: (22) The requested URL returned error: %d\n", status)
		return 22
	}
	out, _ := json.Marshal(answer)
	fmt.Fprintf(stdout, "%s\n", out)
	return 0
}

var (
	glNotesPath = regexp.MustCompile(`^projects/` + glProject + `/merge_requests/(\d+)/notes$`)
	glNotePath  = regexp.MustCompile(`^projects/` + glProject + `/merge_requests/(\d+)/notes/(\d+)$`)
	glMRsPath   = regexp.MustCompile(`^projects/` + glProject + `/repository/commits/([0-9a-f]+)/merge_requests$`)
)

// glPageSize is the most notes the fake returns a page, so that callers must page.
const glPageSize = 2

// serve answers one call with its HTTP status, changing the state as GitLab would.
func (s *glState) serve(method, target string, form map[string]string) (any, int) {
	p, rawQuery, _ := strings.Cut(target, "?")
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, 400
	}
	if s.Notes == nil {
		s.Notes = map[string][]glNote{}
	}
	switch {
	case method == "GET" && p == "user":
		return map[string]string{"username": s.Login}, 200
	case method == "GET" && glNotesPath.MatchString(p):
		notes := s.Notes[glNotesPath.FindStringSubmatch(p)[1]]
		page, _ := strconv.Atoi(q.Get("page"))
		page = max(page, 1)
		lo, hi := min((page-1)*glPageSize, len(notes)), min(page*glPageSize, len(notes))
		return append([]glNote{}, notes[lo:hi]...), 200
	case method == "POST" && glNotesPath.MatchString(p):
		iid := glNotesPath.FindStringSubmatch(p)[1]
		n := newGLNote(s.NextID, s.Login, form["body"])
		s.NextID++
		s.Notes[iid] = append(s.Notes[iid], n)
		return n, 201
	case method == "PUT" && glNotePath.MatchString(p):
		m := glNotePath.FindStringSubmatch(p)
		id, _ := strconv.Atoi(m[2])
		for i, n := range s.Notes[m[1]] {
			if n.ID == id {
				s.Notes[m[1]][i].Body = form["body"]
				return s.Notes[m[1]][i], 200
			}
		}
		return nil, 404
	case method == "GET" && glMRsPath.MatchString(p):
		return append([]glMR{}, s.MRs[glMRsPath.FindStringSubmatch(p)[1]]...), 200
	}
	return nil, 404
}
