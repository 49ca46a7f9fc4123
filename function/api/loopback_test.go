package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"": true, "localhost": true, "localhost:3000": true, "LOCALHOST.": true, "app.localhost:8080": true,
		"127.0.0.1": true, "127.0.0.1:3000": true, "127.1.2.3:80": true, "[::1]:3000": true, "::1": true,
		"attacker.example": false, "attacker.example:3000": false, "localhost.attacker.example": false,
		"10.0.0.5:3000": false, "0.0.0.0:3000": false, "[::]:3000": false, "notlocalhost": false,
	} {
		if got := LoopbackHost(host); got != want {
			t.Errorf("LoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}

// TestLoopbackOnly: the handler of a listener on the loopback interface
// answers a request naming another host 421 with a JSON error, whatever
// the route, so a page that points its own name at 127.0.0.1 cannot use
// it; requests to localhost are served as before.
func TestLoopbackOnly(t *testing.T) {
	srv, _ := testServer(t, Options{})
	s := srv.LoopbackOnly()
	for _, tc := range []struct {
		host string
		want int
	}{
		{"localhost:3000", http.StatusOK},
		{"127.0.0.1:3000", http.StatusOK},
		{"attacker.example:3000", http.StatusMisdirectedRequest},
		{"attacker.example", http.StatusMisdirectedRequest},
	} {
		for _, req := range []*http.Request{
			httptest.NewRequest("GET", "/v1/health", nil),
			httptest.NewRequest("POST", "/v1/check", strings.NewReader(`{"content":"Agreed."}`)),
		} {
			req.Host = tc.host
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Errorf("%s %s, Host %s: status %d, want %d: %s", req.Method, req.URL.Path, tc.host, rec.Code, tc.want, rec.Body)
				continue
			}
			if tc.want != http.StatusOK {
				var e struct {
					Error Error `json:"error"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code != CodeMisdirected {
					t.Errorf("Host %s: answer %s, want a %s error", tc.host, rec.Body, CodeMisdirected)
				}
			}
		}
	}
	// Akismet's routes answer in text, as for any other error of theirs.
	req := httptest.NewRequest("POST", "/1.1/comment-check", strings.NewReader("comment_content=hi"))
	req.Host = "attacker.example"
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusMisdirectedRequest || strings.HasPrefix(rec.Body.String(), "{") || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Errorf("Akismet route, Host attacker.example: %d %q (%s), want 421 in text", rec.Code, rec.Body, rec.Header().Get("Content-Type"))
	}
	// The Server itself (on Lambda, or ADDR on every interface) serves
	// any Host.
	req = httptest.NewRequest("GET", "/v1/health", nil)
	req.Host = "attacker.example"
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("without LoopbackOnly: status %d, want 200", rec.Code)
	}
}
