//go:build e2e

package main

// End-to-end helpers: build the AWS Lambda Runtime Interface Emulator (RIE)
// pinned in ./tools, build a Go package as a Lambda "bootstrap" the way it is
// deployed (linux, CGO_ENABLED=0, -tags lambda.norpc), and run that bootstrap
// under the RIE on loopback ports so a test can invoke it like Lambda does.
//
// How the RIE (github.com/aws/aws-lambda-runtime-interface-emulator, classic
// mode) is driven here, as read from its source:
//
//   - aws-lambda-rie [--log-level L] [--runtime-interface-emulator-address H:P]
//     [--runtime-api-address H:P] /abs/path/to/bootstrap
//     The first non-flag argument is exec'd as the runtime (cwd = the RIE's
//     cwd); with no argument it looks for /var/task/bootstrap, /opt/bootstrap,
//     /var/runtime/bootstrap, so we always pass the path.
//   - The invoke endpoint is POST /2015-03-31/functions/function/invocations on
//     the emulator address; it listens at once, but the bootstrap is started
//     lazily by the first invoke, so "process start to first answer" includes
//     the function's whole init.
//   - The Runtime API address must be a real port: port 0 is handed to the
//     runtime unresolved, so we pick free ports ourselves.
//   - Every environment variable of the RIE is forwarded to the function, and
//     the RIE itself reads LOG_LEVEL unless --log-level is given (we always
//     give it, so a function's LOG_LEVEL cannot break the emulator).
//   - AWS_LAMBDA_MAX_CONCURRENCY in the RIE's environment switches it to its
//     "managed instances" emulator, a different code path; we never pass it
//     unless a caller asks.
//   - A handler error comes back as HTTP 200 with a body of
//     {"errorMessage","errorType"}; Invoke turns that into a *functionError.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	// toolsDir is the separate Go module that pins the RIE and holds the
	// hello-world baseline, relative to this package's directory (go test
	// runs tests in the package directory).
	toolsDir = "tools"

	// riePackage is the main package of the RIE inside the pinned module.
	riePackage = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"

	// invokePath is the RIE's Lambda Invoke API endpoint.
	invokePath = "/2015-03-31/functions/function/invocations"

	// requireToolsEnv names the variable that turns a missing tool from a
	// skip into a failure, for CI runs that must not silently skip.
	requireToolsEnv = "SPAMCHECK_REQUIRE_TOOLS"
)

// requireTool returns the path of the executable name, or skips the test
// when it is not on PATH — unless SPAMCHECK_REQUIRE_TOOLS=1, where a missing
// tool fails the test instead.
func requireTool(tb testing.TB, name string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv(requireToolsEnv) == "1" {
		tb.Fatalf("%s is required (%s=1) but not found: %v", name, requireToolsEnv, err)
	}
	tb.Skipf("%s not found on PATH, skipping (set %s=1 to fail instead): %v", name, requireToolsEnv, err)
	return ""
}

// requireLinux skips tests that execute Lambda binaries: the RIE and the
// linux bootstraps run only on Linux.
func requireLinux(tb testing.TB) {
	tb.Helper()
	if runtime.GOOS != "linux" {
		tb.Skipf("the Runtime Interface Emulator runs only on Linux, not %s", runtime.GOOS)
	}
}

// goEnv returns the current environment with each KEY=VALUE in overrides
// replacing any inherited KEY, so a developer's exported GOOS or GOARCH
// cannot change what a helper builds.
func goEnv(overrides ...string) []string {
	drop := make(map[string]bool, len(overrides))
	for _, kv := range overrides {
		k, _, _ := strings.Cut(kv, "=")
		drop[k] = true
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			env = append(env, kv)
		}
	}
	return append(env, overrides...)
}

// rieBuild memoizes the RIE binary for the whole test process.
var rieBuild struct {
	once sync.Once
	path string
	err  error
}

// mustBuildRIE returns the path of an aws-lambda-rie binary for this host,
// built from the version pinned in tools/go.mod. It is built once per test
// process into a directory under os.TempDir() named after a hash of
// tools/go.mod, tools/go.sum and the Go version, so later runs reuse it and
// a version bump rebuilds it. Building needs the tools module's dependencies
// in the module cache (go mod download -C function/tools ... when offline).
func mustBuildRIE(tb testing.TB) string {
	tb.Helper()
	goBin := requireTool(tb, "go")
	requireLinux(tb)
	rieBuild.once.Do(func() {
		rieBuild.path, rieBuild.err = buildRIE(goBin)
	})
	if rieBuild.err != nil {
		tb.Fatal(rieBuild.err)
	}
	return rieBuild.path
}

// buildRIE builds the RIE into its content-addressed cache directory unless
// it is already there. The binary is built in a private directory and
// renamed into place, so concurrent test processes never see half a file.
func buildRIE(goBin string) (string, error) {
	dir, err := filepath.Abs(toolsDir)
	if err != nil {
		return "", fmt.Errorf("build RIE: %w", err)
	}
	h := sha256.New()
	for _, name := range []string{"go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return "", fmt.Errorf("build RIE: %w", err)
		}
		h.Write(b)
	}
	fmt.Fprintf(h, "%s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	cacheDir := filepath.Join(os.TempDir(), "spamcheck-e2e", "rie-"+hex.EncodeToString(h.Sum(nil))[:16])
	bin := filepath.Join(cacheDir, "aws-lambda-rie")
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		return bin, nil
	}

	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", fmt.Errorf("build RIE: %w", err)
	}
	work, err := os.MkdirTemp(cacheDir, "build-")
	if err != nil {
		return "", fmt.Errorf("build RIE: %w", err)
	}
	defer os.RemoveAll(work)
	out := filepath.Join(work, "aws-lambda-rie")
	cmd := exec.Command(goBin, "build", "-o", out, riePackage)
	cmd.Dir = dir
	cmd.Env = goEnv("CGO_ENABLED=0", "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
	if output, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build RIE (%s in %s): %w\n%s\n(offline? run: go mod download -C function/tools)",
			strings.Join(cmd.Args, " "), dir, err, output)
	}
	if err := os.Rename(out, bin); err != nil {
		return "", fmt.Errorf("build RIE: %w", err)
	}
	return bin, nil
}

// buildDir holds the binaries the end-to-end tests build: each is built
// once per test process (see built) and removed at the end.
var buildDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "spamcheck-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	buildDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// builds memoizes built: one build per key and test process.
var builds struct {
	mu   sync.Mutex
	done map[string]*memoBuild
}

type memoBuild struct {
	once sync.Once
	path string
	err  error
}

// built returns the path of the binary named name that build writes into
// a directory of its own, running build only the first time key is asked
// for.
func built(key, name string, build func(out string) error) (string, error) {
	builds.mu.Lock()
	if builds.done == nil {
		builds.done = map[string]*memoBuild{}
	}
	b := builds.done[key]
	if b == nil {
		b = &memoBuild{}
		builds.done[key] = b
	}
	n := len(builds.done)
	builds.mu.Unlock()
	b.once.Do(func() {
		dir := filepath.Join(buildDir, fmt.Sprint(n))
		if b.err = os.MkdirAll(dir, 0o755); b.err == nil {
			b.path = filepath.Join(dir, name)
			b.err = build(b.path)
		}
	})
	return b.path, b.err
}

// mustBuildBootstrap builds the Go package pkg of the module in moduleDir
// as a Lambda custom-runtime executable named "bootstrap", the way
// template.yaml's Makefile does: GOOS=linux, CGO_ENABLED=0, -tags
// lambda.norpc, -trimpath, stripped. goarch is "amd64" or "arm64"; empty
// means the host's, so the result can run here. Each package and
// architecture is built once per test process.
func mustBuildBootstrap(tb testing.TB, moduleDir, pkg, goarch string) string {
	tb.Helper()
	goBin := requireTool(tb, "go")
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	out, err := built(moduleDir+" "+pkg+" "+goarch, "bootstrap", func(out string) error {
		cmd := exec.Command(goBin, "build", "-tags", "lambda.norpc", "-trimpath", "-buildvcs=false",
			"-ldflags=-s -w", "-o", out, pkg)
		cmd.Dir = moduleDir
		cmd.Env = goEnv("CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
		if output, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("build bootstrap %s (GOARCH=%s) in %s: %v\n%s\n(offline? run go mod download in %s first)",
				pkg, goarch, moduleDir, err, output, moduleDir)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// rieProcess is a running RIE with one bootstrap behind it.
type rieProcess struct {
	// Started is when the RIE process was started; time.Since(Started) after
	// the first Invoke is the cold start: process start to first answer.
	Started time.Time
	// URL is the invoke endpoint.
	URL string

	cmd    *exec.Cmd
	out    *syncBuffer
	client *http.Client
	done   chan struct{} // closed when the process has exited
	mu     sync.Mutex    // serializes Invoke: the RIE runs one invoke at a time
	stop   sync.Once
}

// mustStartRIE starts the RIE binary rie in front of bootstrap, both bound
// to free 127.0.0.1 ports, and waits until both listen. env adds KEY=VALUE
// pairs for the function (the RIE forwards its environment); they override
// the defaults AWS_REGION=us-east-1, AWS_LAMBDA_FUNCTION_NAME=spamcheck-e2e,
// AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128 and AWS_LAMBDA_FUNCTION_TIMEOUT=30.
// Nothing else is inherited from the test's environment, so a developer's
// MODE or AWS credentials cannot leak in. The process is stopped at the end
// of the test, and its output is logged if the test failed.
func mustStartRIE(tb testing.TB, rie, bootstrap string, env ...string) *rieProcess {
	tb.Helper()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		p, err := startRIE(rie, bootstrap, env)
		if err == nil {
			tb.Cleanup(func() {
				p.Stop()
				if tb.Failed() {
					tb.Logf("RIE output:\n%s", p.Output())
				}
			})
			return p
		}
		// Another process may have taken a port between our probe and
		// the RIE binding it; try again on fresh ports.
		lastErr = err
	}
	tb.Fatal(lastErr)
	return nil
}

// startRIE starts one RIE process and waits for it to listen.
func startRIE(rie, bootstrap string, env []string) (*rieProcess, error) {
	bootstrap, err := filepath.Abs(bootstrap)
	if err != nil {
		return nil, fmt.Errorf("start RIE: %w", err)
	}
	ports, err := freeLoopbackPorts(2)
	if err != nil {
		return nil, fmt.Errorf("start RIE: %w", err)
	}
	emulatorAddr := net.JoinHostPort("127.0.0.1", ports[0])
	runtimeAddr := net.JoinHostPort("127.0.0.1", ports[1])

	cmd := exec.Command(rie,
		"--log-level", "info",
		"--runtime-interface-emulator-address", emulatorAddr,
		"--runtime-api-address", runtimeAddr,
		bootstrap)
	cmd.Dir = filepath.Dir(bootstrap)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"TMPDIR=" + os.TempDir(),
		"AWS_REGION=us-east-1",
		"AWS_LAMBDA_FUNCTION_NAME=spamcheck-e2e",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=30",
	}
	// os/exec keeps the last of duplicate keys, so env overrides defaults.
	cmd.Env = append(cmd.Env, env...)
	out := &syncBuffer{} // syncBuffer is defined in main_test.go
	cmd.Stdout = out
	cmd.Stderr = out
	// The bootstrap inherits the RIE's output pipe; don't let a straggler
	// keep Wait from returning.
	cmd.WaitDelay = 2 * time.Second

	p := &rieProcess{
		URL:    "http://" + emulatorAddr + invokePath,
		cmd:    cmd,
		out:    out,
		client: &http.Client{Timeout: 60 * time.Second},
		done:   make(chan struct{}),
	}
	p.Started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start RIE %s: %w", rie, err)
	}
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()

	if err := p.waitListening(10*time.Second, emulatorAddr, runtimeAddr); err != nil {
		p.Stop()
		return nil, fmt.Errorf("start RIE: %w\nRIE output:\n%s", err, p.Output())
	}
	return p, nil
}

// waitListening polls until every addr accepts TCP connections, the
// process exits, or timeout passes.
func (p *rieProcess) waitListening(timeout time.Duration, addrs ...string) error {
	deadline := time.Now().Add(timeout)
	for _, addr := range addrs {
		for {
			select {
			case <-p.done:
				return fmt.Errorf("RIE exited before listening on %s: %v", addr, p.cmd.ProcessState)
			default:
			}
			conn, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
			if err == nil {
				conn.Close()
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("RIE not listening on %s after %v: %w", addr, timeout, err)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	return nil
}

// Invoke sends payload as a synchronous Lambda invoke and returns the
// function's answer. A handler error or panic (a Lambda error envelope)
// returns the body together with a *functionError; a transport failure or
// an RIE error status returns an error carrying the RIE's output so far.
// Invokes are serialized, as the RIE accepts one at a time.
func (p *rieProcess) Invoke(payload []byte) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	resp, err := p.client.Post(p.URL, "application/json", bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("invoke %s: %w\nRIE output:\n%s", p.URL, err, p.Output())
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("invoke %s: read answer: %w", p.URL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return body, fmt.Errorf("invoke %s: RIE answered %s: %q\nRIE output:\n%s", p.URL, resp.Status, body, p.Output())
	}
	if fe, ok := parseFunctionError(body); ok {
		return body, fe
	}
	return body, nil
}

// Stop ends the RIE (which kills the bootstrap) and waits for it to exit:
// SIGTERM first, SIGKILL after 5 s. It is safe to call more than once.
func (p *rieProcess) Stop() {
	p.stop.Do(func() {
		select {
		case <-p.done:
			return
		default:
		}
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
}

// Output returns everything the RIE and the bootstrap have printed so far:
// the RIE's own log lines, START/END/REPORT lines, and the function's
// stdout and stderr.
func (p *rieProcess) Output() string {
	return p.out.String()
}

// OutputContaining returns the process's output once it holds want, or
// what it holds after timeout. The RIE relays what the function writes
// from a pipe of its own, so a line the function wrote before an invoke
// failed may reach the output only after the failure is answered.
func (p *rieProcess) OutputContaining(want string, timeout time.Duration) string {
	deadline := time.Now().Add(timeout)
	for {
		out := p.Output()
		if strings.Contains(out, want) || time.Now().After(deadline) {
			return out
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// functionError is the error envelope that aws-lambda-go sends when a
// handler returns an error or panics, which the RIE answers with HTTP 200.
type functionError struct {
	Type    string `json:"errorType"`
	Message string `json:"errorMessage"`
}

// Error implements error.
func (e *functionError) Error() string {
	return fmt.Sprintf("function error %s: %s", e.Type, e.Message)
}

// parseFunctionError reports whether body is a Lambda error envelope: an
// object with errorType and no keys besides errorMessage and stackTrace.
// The spamcheck API never answers with such an object.
func parseFunctionError(body []byte) (*functionError, bool) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, false
	}
	if _, ok := fields["errorType"]; !ok {
		return nil, false
	}
	for k := range fields {
		if k != "errorType" && k != "errorMessage" && k != "stackTrace" {
			return nil, false
		}
	}
	var fe functionError
	if err := json.Unmarshal(body, &fe); err != nil {
		return nil, false
	}
	return &fe, true
}

// freeLoopbackPorts returns n distinct TCP ports that were free on
// 127.0.0.1 a moment ago. They are held open together so they differ.
func freeLoopbackPorts(n int) ([]string, error) {
	var ports []string
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	var lc net.ListenConfig
	for range n {
		ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		lns = append(lns, ln)
		_, port, err := net.SplitHostPort(ln.Addr().String())
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		ports = append(ports, port)
	}
	return ports, nil
}

// TestHelloUnderRIE, a self-test of the harness, runs the hello-world baseline (tools/hello) under the
// RIE exactly as the spamcheck function will be run, proving the helpers:
// every invoke gets the hello answer with its own request id, and a payload
// the handler cannot decode comes back as a function error.
func TestHelloUnderRIE(t *testing.T) {
	rie := mustBuildRIE(t)
	bootstrap := mustBuildBootstrap(t, toolsDir, "./hello", "")
	p := mustStartRIE(t, rie, bootstrap)

	tests := []struct {
		name    string
		payload string
		wantErr string // errorType of the expected function error, if any
	}{
		{name: "empty object", payload: `{}`},
		{name: "comment with Unicode", payload: `{"content":"héllo wörld ✓"}`},
		{name: "JSON string", payload: `"just a string"`},
		{name: "not JSON", payload: `not json`, wantErr: "SyntaxError"},
	}
	seen := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := p.Invoke([]byte(tt.payload))
			if tt.wantErr != "" {
				var fe *functionError
				if !errors.As(err, &fe) || fe.Type != tt.wantErr {
					t.Fatalf("Invoke(%q) = %q, %v; want a %s function error", tt.payload, body, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Invoke(%q): %v", tt.payload, err)
			}
			var got struct {
				Message   string `json:"message"`
				RequestID string `json:"request_id"`
			}
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("Invoke(%q) answered %q, not JSON: %v", tt.payload, body, err)
			}
			if got.Message != "hello" || got.RequestID == "" {
				t.Fatalf("Invoke(%q) = %q, want message %q and a request id", tt.payload, body, "hello")
			}
			if prev, dup := seen[got.RequestID]; dup {
				t.Fatalf("request id %q reused by %q and %q", got.RequestID, prev, tt.name)
			}
			seen[got.RequestID] = tt.name
		})
	}

	t.Run("stopped", func(t *testing.T) {
		p.Stop()
		if body, err := p.Invoke([]byte(`{}`)); err == nil {
			t.Fatalf("Invoke after Stop = %q, want an error", body)
		}
	})
}

// TestHelloBuildsForLambdaArchitectures, a self-test of the harness, proves the bootstrap build works for
// both Lambda architectures (template.yaml deploys arm64) and that the result
// is a static linux executable of the right machine, as provided.al2023 needs.
func TestHelloBuildsForLambdaArchitectures(t *testing.T) {
	requireTool(t, "go")
	tests := []struct {
		goarch  string
		machine elf.Machine
	}{
		{goarch: "amd64", machine: elf.EM_X86_64},
		{goarch: "arm64", machine: elf.EM_AARCH64},
	}
	for _, tt := range tests {
		t.Run(tt.goarch, func(t *testing.T) {
			bootstrap := mustBuildBootstrap(t, toolsDir, "./hello", tt.goarch)
			f, err := elf.Open(bootstrap)
			if err != nil {
				t.Fatalf("bootstrap for %s is not an ELF file: %v", tt.goarch, err)
			}
			defer f.Close()
			if f.Machine != tt.machine {
				t.Errorf("bootstrap for %s has machine %v, want %v", tt.goarch, f.Machine, tt.machine)
			}
			for _, prog := range f.Progs {
				if prog.Type == elf.PT_INTERP {
					t.Errorf("bootstrap for %s is dynamically linked (has PT_INTERP); want static (CGO_ENABLED=0)", tt.goarch)
				}
			}
		})
	}
}
