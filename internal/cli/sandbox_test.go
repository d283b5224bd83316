package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
)

func TestSandboxServeRefusesNonLoopback(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"0.0.0.0:8155", ":8155", "192.168.1.10:8155", "example.com:8155", "[::]:8155", "127.0.0.1"} {
		var stdout, stderr bytes.Buffer
		code := run([]string{"sandbox", "serve", "--addr", addr, "--state", filepath.Join(t.TempDir(), "s.json")}, &stdout, &stderr)
		if code != 1 || !strings.Contains(stderr.String(), "--addr") {
			t.Errorf("--addr %s: exit %d, stderr %q; want 1 and an --addr error", addr, code, stderr.String())
		}
	}
}

func TestSandboxServeValidatesFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--fail-rate", "1.5"},
		{"--drop-rate", "-0.1"},
		{"--lost-response-rate", "2"},
		{"--rate-limit", "-1"},
		{"--inventory-size", "0"},
		{"--latency", "-1s"},
		{"--fail-rate", "lots"},
	} {
		var stdout, stderr bytes.Buffer
		state := filepath.Join(t.TempDir(), "s.json")
		code := run(append([]string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--state", state}, args...), &stdout, &stderr)
		if code != 1 || stderr.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q; want 1 with an error", args, code, stderr.String())
		}
		if _, err := os.Stat(state); err == nil {
			t.Errorf("%v: a state file was created despite the bad flag", args)
		}
	}
}

func TestSandboxServeCorruptState(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(state, []byte("{"), 0o600)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--state", state}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), state) {
		t.Errorf("exit %d, stderr %q; want 1 naming the file", code, stderr.String())
	}
}

// Not parallel: it replaces sandboxContext and sets environment variables.
func TestSandboxServeServesUntilStopped(t *testing.T) {
	t.Setenv("FLOWROUTE_SECRET_KEY", "real-secret-from-env")
	t.Setenv("FLOWROUTE_ACCESS_KEY", "real-access-from-env")
	for _, tt := range []struct {
		name           string
		flags          []string
		access, secret string
	}{
		{"default keys", nil, "sandbox-access-key", "sandbox-secret-key"},
		{"keys from flags", []string{"--access-key", "ak", "--secret-key", "sk"}, "ak", "sk"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			old := sandboxContext
			sandboxContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
			t.Cleanup(func() { sandboxContext = old })

			state := filepath.Join(t.TempDir(), "s.json")
			pr, pw := io.Pipe()
			var stderr bytes.Buffer
			code := make(chan int, 1)
			args := append([]string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--state", state, "--inventory-size", "500"}, tt.flags...)
			go func() {
				code <- run(args, pw, &stderr)
				pw.Close()
			}()
			lines := bufio.NewScanner(pr)
			var out []string
			for len(out) < 4 && lines.Scan() {
				out = append(out, lines.Text())
			}
			go io.Copy(io.Discard, pr) // the rest, so run never blocks on the pipe

			if len(out) < 2 || !strings.HasPrefix(out[1], "export ") {
				cancel()
				t.Fatalf("output %q (stderr %q), want an export line", out, stderr.String())
			}
			env := map[string]string{}
			for _, kv := range strings.Fields(strings.TrimPrefix(out[1], "export ")) {
				k, v, _ := strings.Cut(kv, "=")
				env[k] = v
			}
			if env["FLOWROUTE_ACCESS_KEY"] != tt.access || env["FLOWROUTE_SECRET_KEY"] != tt.secret ||
				!strings.HasPrefix(env["FLOWROUTE_ENDPOINT"], "http://127.0.0.1:") || !strings.HasSuffix(env["FLOWROUTE_ENDPOINT"], "/v1") {
				t.Errorf("export line %q", out[1])
			}
			// The v2 line names the v2 face of the same server, which the CLI uses with --api v2.
			if len(out) < 4 || !strings.HasPrefix(out[3], "export FLOWROUTE_API=v2 FLOWROUTE_ENDPOINT="+strings.TrimSuffix(env["FLOWROUTE_ENDPOINT"], "/v1")+"/v2 ") {
				t.Errorf("no v2 export line: %q", out)
			} else {
				var o, e bytes.Buffer
				v2Endpoint := strings.TrimSuffix(env["FLOWROUTE_ENDPOINT"], "/v1") + "/v2"
				if c := run([]string{"--api", "v2", "--endpoint", v2Endpoint, "--access-key", tt.access, "--secret-key", tt.secret, "search", "--limit", "1"}, &o, &e); c != 0 || !strings.HasPrefix(o.String(), "NUMBER") {
					t.Errorf("search on the served v2: exit %d\n%s%s", c, o.String(), e.String())
				}
			}
			if strings.Contains(strings.Join(out, "\n"), "from-env") {
				t.Error("the sandbox adopted credentials from the environment")
			}

			// A signed request with the printed keys works; the state file exists.
			u, _ := url.Parse(env["FLOWROUTE_ENDPOINT"] + "/routes/")
			ts := v1.Timestamp(time.Now())
			req, _ := http.NewRequest("GET", u.String(), nil)
			req.Header.Set("X-Timestamp", ts)
			req.SetBasicAuth(env["FLOWROUTE_ACCESS_KEY"], v1.Signature(env["FLOWROUTE_SECRET_KEY"], ts, "GET", u, nil))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), `"sip-reg"`) {
				t.Errorf("GET /routes/: %d %s", resp.StatusCode, body)
			}
			if _, err := os.Stat(state); err != nil {
				t.Errorf("state file: %v", err)
			}

			cancel()
			if c := <-code; c != 0 {
				t.Errorf("exit %d after stop, stderr %q", c, stderr.String())
			}
		})
	}
}

// TestSandboxServeAndSandboxFlagSellTheSameNumbers: a new account of `sandbox serve` and of
// --sandbox start from the same seed, so a number found with one is for sale in the other.
// Not parallel: it replaces sandboxContext.
func TestSandboxServeAndSandboxFlagSellTheSameNumbers(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // serve starts, writes its new state, and stops at once
	old := sandboxContext
	sandboxContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	t.Cleanup(func() { sandboxContext = old })
	served := filepath.Join(t.TempDir(), "served.json")
	var out, errb bytes.Buffer
	if code := run([]string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--state", served}, &out, &errb); code != 0 {
		t.Fatalf("sandbox serve: exit %d\n%s", code, errb.String())
	}
	search := func(state string) string {
		stdout, stderr, code := sandboxCLI(t, state, nil, "search", "--limit", "5", "--format", "json")
		if code != 0 {
			t.Fatalf("search: exit %d\n%s", code, stderr)
		}
		return stdout
	}
	if a, b := search(served), search(filepath.Join(t.TempDir(), "flag.json")); a != b {
		t.Errorf("sandbox serve sells\n%s\nbut --sandbox sells\n%s", a, b)
	}
}

// No flag of any command shows Go's type name as its value (--fail-rate=FLOAT-64): each says
// what to write.
func TestHelpPlaceholdersAreNotGoTypes(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"sandbox", "serve", "--help"}, {"plan", "--help"}, {"apply", "--help"},
		{"add", "--help"}, {"search", "--help"}, {"areas", "--help"}, {"export", "--help"}} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		for _, goType := range []string{"FLOAT-64", "INT-64", "FLOAT-32", "UINT"} {
			if strings.Contains(out.String(), "="+goType) {
				t.Errorf("%v shows a flag's value as %s:\n%s", args, goType, out.String())
			}
		}
	}
}

// TestSandboxServeKeepsAcknowledgedWritesThroughSIGKILL starts the built binary's sandbox
// serve, sends it writes from several clients at once, kills it with SIGKILL while they are
// in flight, and starts it again on the same state file, three times over: every write that
// was answered is there. The writes are large, so that the journal is compacted into new
// snapshots along the way, and kills can land in any of it.
func TestSandboxServeKeepsAcknowledgedWritesThroughSIGKILL(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(testBinary(t), "flowroute-numbers")
	state := filepath.Join(t.TempDir(), "sandbox.json")
	var routes, numbers []string // acknowledged: route aliases created, numbers bought
	for round := range 3 {
		base, stop := startServe(t, bin, state)
		checkAcknowledged(t, base, routes, numbers)
		r, n := writeUntilKilled(t, base, round, stop)
		routes, numbers = append(routes, r...), append(numbers, n...)
	}
	base, stop := startServe(t, bin, state)
	defer stop()
	checkAcknowledged(t, base, routes, numbers)
	if len(routes) < 300 || len(numbers) < 30 {
		t.Errorf("only %d routes and %d numbers acknowledged: the test did not write enough", len(routes), len(numbers))
	}
}

// startServe runs sandbox serve on state and returns its base URL and the function that
// kills it with SIGKILL and waits for it.
func startServe(t *testing.T, bin, state string) (base string, kill func()) {
	t.Helper()
	cmd := exec.Command(bin, "sandbox", "serve", "--addr", "127.0.0.1:0", "--state", state, "--inventory-size", "3000")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	kill = func() {
		cmd.Process.Kill() // SIGKILL
		cmd.Wait()
	}
	first, err := bufio.NewReader(out).ReadString('\n')
	m := regexp.MustCompile(`v2 at (http://\S+)/v2 `).FindStringSubmatch(first)
	if err != nil || m == nil {
		kill()
		t.Fatalf("sandbox serve printed %q (%v), stderr %s", first, err, stderr.String())
	}
	go io.Copy(io.Discard, out)
	return m[1], kill
}

// v2Call sends a v2 request with the sandbox's default keys; err is a transport error.
func v2Call(client *http.Client, method, u, body string) (status int, answer []byte, err error) {
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.SetBasicAuth(sandbox.DefaultAccessKey, sandbox.DefaultSecretKey)
	req.Header.Set("Content-Type", "application/vnd.api+json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	answer, err = io.ReadAll(resp.Body)
	return resp.StatusCode, answer, err
}

// writeUntilKilled creates routes from four clients and buys numbers from a fifth, kills the
// server once 120 routes are acknowledged, and returns what was acknowledged.
func writeUntilKilled(t *testing.T, base string, round int, kill func()) (routes, numbers []string) {
	client := &http.Client{Timeout: 30 * time.Second}
	status, page, err := v2Call(client, "GET", base+"/v2/numbers/available?limit=200", "")
	var avail struct {
		Data []struct{ ID string } `json:"data"`
	}
	if err != nil || status != 200 || json.Unmarshal(page, &avail) != nil {
		kill()
		t.Fatalf("GET /v2/numbers/available: %d %s %v", status, page, err)
	}
	var (
		mu     sync.Mutex
		wg     sync.WaitGroup
		killed = make(chan struct{})
		once   sync.Once
	)
	padding := strings.Repeat("p", 8000)
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				alias := fmt.Sprintf("r%d-w%d-%d-%s", round, w, i, padding)
				body := `{"data":{"type":"route","attributes":{"alias":"` + alias + `","route_type":"host","value":"10.0.0.1:5060"}}}`
				status, answer, err := v2Call(client, "POST", base+"/v2/routes", body)
				if err != nil {
					return // killed
				}
				if status != 201 {
					t.Errorf("POST /v2/routes: %d %.200s", status, answer)
					return
				}
				mu.Lock()
				routes = append(routes, alias)
				if len(routes) == 120 {
					once.Do(func() { close(killed) })
				}
				mu.Unlock()
			}
		})
	}
	wg.Go(func() {
		for _, n := range avail.Data {
			status, answer, err := v2Call(client, "POST", base+"/v2/numbers/"+n.ID, "")
			if err != nil {
				return
			}
			if status != 201 {
				t.Errorf("POST /v2/numbers/%s: %d %.200s", n.ID, status, answer)
				return
			}
			mu.Lock()
			numbers = append(numbers, n.ID)
			mu.Unlock()
		}
	})
	select {
	case <-killed:
	case <-time.After(2 * time.Minute):
		t.Error("120 routes were not acknowledged within 2 minutes")
	}
	kill()
	wg.Wait()
	return routes, numbers
}

// checkAcknowledged checks that the served account has every route and number given.
func checkAcknowledged(t *testing.T, base string, routes, numbers []string) {
	t.Helper()
	client := &http.Client{Timeout: 30 * time.Second}
	have := map[string]bool{}
	for offset := 0; ; offset += 200 {
		status, page, err := v2Call(client, "GET", fmt.Sprintf("%s/v2/routes?limit=200&offset=%d", base, offset), "")
		var list struct {
			Data []struct {
				Attributes struct{ Alias string } `json:"attributes"`
			} `json:"data"`
		}
		if err != nil || status != 200 || json.Unmarshal(page, &list) != nil {
			t.Fatalf("GET /v2/routes: %d %.200s %v", status, page, err)
		}
		for _, r := range list.Data {
			have[r.Attributes.Alias] = true
		}
		if len(list.Data) < 200 {
			break
		}
	}
	lost := 0
	for _, alias := range routes {
		if !have[alias] {
			lost++
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged route creations are lost", lost, len(routes))
	}
	for _, tn := range numbers {
		if status, answer, err := v2Call(client, "GET", base+"/v2/numbers/"+tn, ""); err != nil || status != 200 {
			t.Errorf("acknowledged purchase of %s is lost: %d %.200s (%v)", tn, status, bytes.TrimSpace(answer), err)
		}
	}
}

// sandbox serve's help shows its own --state, not the client's --sandbox-state and the other
// flags a server does not read; plan's help still shows them.
func TestSandboxServeHelpLeavesOutClientFlags(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	runIO([]string{"sandbox", "serve", "--help"}, strings.NewReader(""), &out, &errb)
	help := out.String()
	if !strings.Contains(help, "--state=") || strings.Contains(help, "--sandbox-state") || strings.Contains(help, "--client-rate-limit") {
		t.Errorf("sandbox serve --help:\n%s", help)
	}
	out.Reset()
	runIO([]string{"plan", "--help"}, strings.NewReader(""), &out, &errb)
	if !strings.Contains(out.String(), "--sandbox-state") {
		t.Errorf("plan --help lost --sandbox-state:\n%s", out.String())
	}
}
