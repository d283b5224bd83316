package measure

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// mainPackage is the command whose "sandbox serve" the benchmarks run.
const mainPackage = "github.com/flowroute-numbers/flowroute-numbers"

// SandboxBinary is the command, built for a benchmark, that serves a sandbox in a process of
// its own: the client under measure then has its process, and its CPU figures, to itself.
type SandboxBinary string

// BuildSandbox builds the command into the test's temporary directory with the go command
// that runs the test (the build cache makes a second build a link only).
func BuildSandbox(tb testing.TB) SandboxBinary {
	tb.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		tb.Fatalf("building the sandbox: %v: put the go command on PATH", err)
	}
	bin := filepath.Join(tb.TempDir(), "flowroute-numbers")
	out, err := exec.Command(goCmd, "build", "-o", bin, mainPackage).CombinedOutput()
	if err != nil {
		tb.Fatalf("building %s for the sandbox: %v\n%s", mainPackage, err, out)
	}
	return SandboxBinary(bin)
}

// StateDir is a directory for a sandbox's state file that the test removes. The sandbox
// writes its state file, and syncs it to disk, on every write it serves, holding its lock:
// on a disk that takes milliseconds a sync, and the benchmark would measure the disk. On
// Linux the directory is on /dev/shm, in memory, where a sync costs nothing.
func StateDir(tb testing.TB) string {
	tb.Helper()
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		dir, err := os.MkdirTemp("/dev/shm", "flowroute-bench-")
		if err == nil {
			tb.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return tb.TempDir()
}

// Sandbox is a running "sandbox serve".
type Sandbox struct {
	// URL is the base of every face, "http://127.0.0.1:PORT"; V1 and V2 are the base URLs
	// a client of each API version is given. The keys are the sandbox's defaults.
	URL, V1, V2 string

	cmd    *exec.Cmd
	waited chan struct{}
	cpu    time.Duration
}

// servingLine is where serve prints its address.
var servingLine = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`)

// Start serves the sandbox whose state is in state (created when missing) on a free
// loopback port, with the extra flags given (such as "--latency", "20ms"). The sandbox is
// stopped at the end of the test if Stop was not called.
func (bin SandboxBinary) Start(tb testing.TB, state string, flags ...string) *Sandbox {
	tb.Helper()
	args := append([]string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--state", state}, flags...)
	cmd := exec.Command(string(bin), args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("starting the sandbox: %v", err)
	}
	s := &Sandbox{cmd: cmd, waited: make(chan struct{})}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u := servingLine.FindString(sc.Text()); u != "" {
				select {
				case found <- u:
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
		cmd.Wait()
		close(s.waited)
	}()
	tb.Cleanup(func() { s.Stop() })
	select {
	case s.URL = <-found:
	case <-s.waited:
		tb.Fatalf("the sandbox (%s) ended before serving", cmd)
	case <-time.After(time.Minute):
		tb.Fatalf("the sandbox (%s) printed no address in a minute", cmd)
	}
	s.V1, s.V2 = s.URL+"/v1", s.URL+"/v2"
	return s
}

// Stop interrupts the sandbox, as Ctrl-C would, and waits for it to save its state and end
// (killing it after 30 s). It returns the CPU time the sandbox process used. Calling it again
// returns the same figure.
func (s *Sandbox) Stop() time.Duration {
	select {
	case <-s.waited:
	default:
		s.cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.waited:
		case <-time.After(30 * time.Second):
			s.cmd.Process.Kill()
			<-s.waited
		}
	}
	if ps := s.cmd.ProcessState; ps != nil && s.cpu == 0 {
		s.cpu = ps.UserTime() + ps.SystemTime()
	}
	return s.cpu
}
