package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestLocalServerLimits: 100 KiB of headers get 431, ordinary requests
// are still served, and a request naming another host gets 421.
func TestLocalServerLimits(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s, _, _ := testServer(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, s, slog.New(slog.DiscardHandler)) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	url := "http://" + ln.Addr().String() + "/v1/health"
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("X-Padding", strings.Repeat("a", 100<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("100 KiB of headers answered %d, want 431", resp.StatusCode)
	}
	resp, err = http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("health answered %d %s", resp.StatusCode, body)
	}
	// On the loopback interface, a request that names another host (a
	// page's own name pointed at 127.0.0.1) is refused.
	req, _ = http.NewRequest("GET", url, nil)
	req.Host = "attacker.example"
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest || !strings.Contains(string(body), `"misdirected_request"`) {
		t.Errorf("Host attacker.example answered %d %s, want 421 misdirected_request", resp.StatusCode, body)
	}
}

// TestStartupRefuses: settings that cannot work stop start-up with a
// message naming them, before anything is read or served.
func TestStartupRefuses(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.model")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(maxModelFileBytes + 1) // sparse: no disk used
	f.Close()
	unwritable := "/proc" // even root cannot create files there
	if _, err := os.Stat("/proc/self"); err != nil {
		t.Skip("no /proc")
	}
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"model is a FIFO", map[string]string{"MODEL_PATH": fifo}, "not a regular file"},
		{"model is a directory", map[string]string{"MODEL_PATH": dir}, "not a regular file"},
		{"model too large", map[string]string{"MODEL_PATH": big}, fmt.Sprintf("over the limit of %d", maxModelFileBytes)},
		{"unwritable FEEDBACK_DIR", map[string]string{"FEEDBACK_DIR": unwritable, "API_KEYS": "k"}, "cannot write in"},
		{"bad ADDR", map[string]string{"ADDR": "nonsense"}, "ADDR=nonsense"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(func(k string) string { return tt.env[k] })
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("run = %v, want a start-up error mentioning %q", err, tt.want)
			}
		})
	}
}
