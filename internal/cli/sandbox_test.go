package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
