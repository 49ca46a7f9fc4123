//go:build e2e

package main

import (
	"bytes"
	"debug/elf"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// maxBinaryBytes is the size budget of the deployed (arm64) bootstrap:
// 10 MB.
const maxBinaryBytes = 10_000_000

// TestFunctionUnderRIE runs the real bootstrap under the Lambda Runtime
// Interface Emulator and invokes it with every event in testdata/events:
// statuses and verdicts must match, and after every bad input the same
// process must still answer.
func TestFunctionUnderRIE(t *testing.T) {
	requireLinux(t)
	rie := mustBuildRIE(t)
	bootstrap := mustBuildBootstrap(t, "..", "./function", "")
	health := readEvent(t, "httpapi-health.json")
	// One emulator per environment the table asks for (the Akismet
	// events need API keys).
	procs := map[string]*rieProcess{}
	expect := loadExpectations(t)
	for _, name := range sortedNames(expect) {
		want := expect[name]
		p, ok := procs[want.envKey()]
		if !ok {
			var env []string
			for k, v := range want.Env {
				env = append(env, k+"="+v)
			}
			p = mustStartRIE(t, rie, bootstrap, env...)
			procs[want.envKey()] = p
		}
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			out, err := p.Invoke(readEvent(t, name))
			if err != nil {
				t.Fatalf("invoke: %v", err)
			}
			status, ctype, body := responseOf(t, name, out)
			checkAnswer(t, want, status, ctype, body)
			if want.Code == "" {
				return
			}
			// The same process answers the next request.
			out, err = p.Invoke(health)
			if err != nil {
				t.Fatalf("after %s, health invoke failed: %v", name, err)
			}
			if status, _, body := responseOf(t, "httpapi-health.json", out); status != 200 {
				t.Fatalf("after %s, health answered %d %s", name, status, body)
			}
		})
	}
	for _, p := range procs {
		logs := p.Output()
		if n := strings.Count(logs, "INIT START"); n != 1 {
			t.Errorf("the function was initialised %d times, want once: bad input must never take it down\n%s", n, logs)
		}
		if !strings.Contains(logs, `"requestId"`) {
			t.Errorf("function logs lack request ids:\n%s", logs)
		}
		for _, secret := range []string{"Retired Teacher", "Carol Benton", "homeprofit", "Retired Nurse"} {
			if strings.Contains(logs, secret) {
				t.Errorf("function logs contain comment data %q", secret)
			}
		}
	}
	if logs := procs[expectation{}.envKey()].Output(); !strings.Contains(logs, `"verdict":"reject"`) {
		t.Errorf("function logs lack verdicts:\n%s", logs)
	}
}

// TestFunctionInitError: a model that cannot load stops start-up with a
// clear message, which Lambda reports as an init error.
func TestFunctionInitError(t *testing.T) {
	requireLinux(t)
	rie := mustBuildRIE(t)
	bootstrap := mustBuildBootstrap(t, "..", "./function", "")
	p := mustStartRIE(t, rie, bootstrap, "MODEL_PATH=/nonexistent/model.bin")
	out, err := p.Invoke([]byte(`{"content": "hello"}`))
	if err == nil {
		t.Fatalf("invoke with a missing model answered %s, want an init error", out)
	}
	if out := p.OutputContaining("MODEL_PATH", 10*time.Second); !strings.Contains(out, "MODEL_PATH") {
		t.Errorf("the function's output does not say what is wrong:\n%s", out)
	}
}

// TestFunctionBuilds builds the deployed bootstrap for both Lambda
// architectures: static linux executables within the size budget.
func TestFunctionBuilds(t *testing.T) {
	for _, tt := range []struct {
		goarch  string
		machine elf.Machine
	}{{"arm64", elf.EM_AARCH64}, {"amd64", elf.EM_X86_64}} {
		t.Run(tt.goarch, func(t *testing.T) {
			bootstrap := mustBuildBootstrap(t, "..", "./function", tt.goarch)
			st, err := os.Stat(bootstrap)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("bootstrap for %s: %d bytes (%.2f MB)", tt.goarch, st.Size(), float64(st.Size())/1e6)
			if tt.goarch == "arm64" && st.Size() > maxBinaryBytes {
				t.Errorf("deployed bootstrap (%s) is %d bytes, budget %d", tt.goarch, st.Size(), maxBinaryBytes)
			}
			f, err := elf.Open(bootstrap)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Machine != tt.machine {
				t.Errorf("machine %v, want %v", f.Machine, tt.machine)
			}
			for _, prog := range f.Progs {
				if prog.Type == elf.PT_INTERP {
					t.Errorf("bootstrap for %s is dynamically linked", tt.goarch)
				}
			}
		})
	}
}

// localServer is `go run ./function` outside Lambda: the built program
// serving the API on a loopback port.
type localServer struct {
	URL string
	cmd *exec.Cmd
	out *syncBuffer
}

// mustBuildLocal builds the function for this machine, as `go run` would,
// once per test process.
func mustBuildLocal(tb testing.TB) string {
	tb.Helper()
	goBin := requireTool(tb, "go")
	bin, err := built("local ./function", "spamcheck", func(out string) error {
		cmd := exec.Command(goBin, "build", "-o", out, "./function")
		cmd.Dir = ".."
		cmd.Env = goEnv()
		if output, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build ./function: %v\n%s", err, output)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return bin
}

// mustStartLocal starts the local server on a free loopback port and waits
// for its health route.
func mustStartLocal(tb testing.TB, bin string, env ...string) *localServer {
	tb.Helper()
	ports, err := freeLoopbackPorts(1)
	if err != nil {
		tb.Fatal(err)
	}
	addr := "127.0.0.1:" + ports[0]
	s := &localServer{URL: "http://" + addr, out: &syncBuffer{}}
	s.cmd = exec.Command(bin)
	s.cmd.Env = append([]string{"ADDR=" + addr}, env...)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		s.cmd.Process.Signal(os.Interrupt)
		s.cmd.Wait()
		if tb.Failed() {
			tb.Logf("server output:\n%s", s.out)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/v1/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("local server did not answer on %s: %v\n%s", s.URL, err, s.out)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// requestFromEvent turns an HTTP API event into the HTTP request it stands
// for.
func requestFromEvent(tb testing.TB, base string, payload []byte) *http.Request {
	tb.Helper()
	var e events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(payload, &e); err != nil {
		tb.Fatal(err)
	}
	body := []byte(e.Body)
	if e.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(e.Body); err != nil {
			tb.Fatal(err)
		}
	}
	var rd io.Reader
	if e.Body != "" {
		rd = bytes.NewReader(body)
	}
	r, err := http.NewRequest(e.RequestContext.HTTP.Method, base+e.RawPath, rd)
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range e.Headers {
		if k == "host" {
			// The key in the host name reaches the server as the
			// Host header, the connection still goes to loopback.
			// The local server answers only loopback names (against
			// DNS rebinding): the event's host as a name under
			// .localhost keeps its first label.
			r.Host = v + ".localhost"
			continue
		}
		r.Header.Set(k, v)
	}
	return r
}

// TestLocalServer sends the HTTP API events of testdata/events to the
// local server over real HTTP and expects the same answers as Lambda gives.
func TestLocalServer(t *testing.T) {
	bin := mustBuildLocal(t)
	servers := map[string]*localServer{}
	expect := loadExpectations(t)
	n := 0
	for _, name := range sortedNames(expect) {
		if !strings.HasPrefix(name, "httpapi-") {
			continue
		}
		n++
		want := expect[name]
		s, ok := servers[want.envKey()]
		if !ok {
			var env []string
			for k, v := range want.Env {
				env = append(env, k+"="+v)
			}
			s = mustStartLocal(t, bin, env...)
			servers[want.envKey()] = s
		}
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			resp, err := http.DefaultClient.Do(requestFromEvent(t, s.URL, readEvent(t, name)))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			checkAnswer(t, want, resp.StatusCode, resp.Header.Get("Content-Type"), body)
			if resp, err := http.Get(s.URL + "/v1/health"); err != nil || resp.StatusCode != 200 {
				t.Fatalf("after %s the server no longer answers: %v", name, err)
			}
		})
	}
	if n < 10 {
		t.Fatalf("only %d HTTP API events found", n)
	}
	for _, s := range servers {
		if strings.Contains(s.out.String(), "Retired Teacher") {
			t.Errorf("server logs contain comment text")
		}
	}
}

// TestLocalServerStartupError: a bad setting stops the server with a
// message and a non-zero exit status.
func TestLocalServerStartupError(t *testing.T) {
	bin := mustBuildLocal(t)
	cmd := exec.Command(bin)
	cmd.Env = []string{"MODE=loud", "ADDR=127.0.0.1:0"}
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "MODE") {
		t.Fatalf("MODE=loud: %v, output %q; want exit status 1 naming MODE", err, out)
	}

}
