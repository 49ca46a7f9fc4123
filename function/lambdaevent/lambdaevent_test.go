package lambdaevent

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// eventsDir holds the event table: the files `sam local invoke -e` takes.
const eventsDir = "../../testdata/events"

// seen is what the echo handler saw of a request; Body is base64, as JSON
// strings cannot carry invalid UTF-8.
type seen struct {
	Method, Path, Query, Host, RemoteAddr, ContentType, Body string
}

// echo answers every request with what it saw of it, as JSON.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(seen{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Host: r.Host,
		RemoteAddr: r.RemoteAddr, ContentType: r.Header.Get("Content-Type"), Body: base64.StdEncoding.EncodeToString(body)})
})

// directAnswer marks the answers of direct invokes.
type directAnswer struct{ Payload string }

func testHandler() Handler {
	return Handler{HTTP: echo, Direct: func(_ context.Context, p []byte) any { return directAnswer{string(p)} }}
}

// invoke sends payload through h and returns the status and the body the
// caller gets (0 for a direct invoke).
func invoke(t *testing.T, h Handler, payload []byte) (int, http.Header, []byte) {
	t.Helper()
	out, err := h.Invoke(context.Background(), payload)
	if err != nil {
		t.Fatalf("function error %v; a bad event must be an answer", err)
	}
	switch r := out.(type) {
	case events.APIGatewayV2HTTPResponse:
		hdr := http.Header{}
		for k, v := range r.Headers {
			hdr.Set(k, v)
		}
		for k, vs := range r.MultiValueHeaders {
			hdr[http.CanonicalHeaderKey(k)] = vs
		}
		return r.StatusCode, hdr, []byte(r.Body)
	case events.APIGatewayProxyResponse:
		hdr := http.Header{}
		for k, v := range r.Headers {
			hdr.Set(k, v)
		}
		for k, vs := range r.MultiValueHeaders {
			hdr[http.CanonicalHeaderKey(k)] = vs
		}
		return r.StatusCode, hdr, []byte(r.Body)
	case directAnswer:
		return 0, nil, []byte(r.Payload)
	}
	t.Fatalf("answer of type %T", out)
	return 0, nil, nil
}

// TestEventTable: every event of testdata/events reaches the handler as
// the request it describes (direct invokes reach Direct untouched).
func TestEventTable(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(eventsDir, "*-*.json"))
	if err != nil || len(files) < 20 {
		t.Fatalf("only %d event files: %v", len(files), err)
	}
	h := testHandler()
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			payload, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want, ok := describe(t, name, payload)
			status, _, body := invoke(t, h, payload)
			if !ok {
				if status != 0 || string(body) != string(payload) {
					t.Errorf("direct invoke answered %d %q, want the payload handed to Direct", status, body)
				}
				return
			}
			var got seen
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("status %d, body %q: %v", status, body, err)
			}
			if got != want {
				t.Errorf("handler saw\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}

// describe returns the request an event file stands for, read with
// aws-lambda-go's own event types; ok is false for a direct invoke.
func describe(t *testing.T, name string, payload []byte) (want seen, ok bool) {
	t.Helper()
	decode := func(body string, b64 bool) string {
		if !b64 {
			return base64.StdEncoding.EncodeToString([]byte(body))
		}
		return body
	}
	switch {
	case strings.HasPrefix(name, "httpapi-"), strings.HasPrefix(name, "url-"):
		var e events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(payload, &e); err != nil {
			t.Fatal(err)
		}
		return seen{Method: e.RequestContext.HTTP.Method, Path: e.RawPath, Query: e.RawQueryString,
			ContentType: e.Headers["content-type"], Body: decode(e.Body, e.IsBase64Encoded)}, true
	case strings.HasPrefix(name, "rest-"):
		var e events.APIGatewayProxyRequest
		if err := json.Unmarshal(payload, &e); err != nil {
			t.Fatal(err)
		}
		return seen{Method: e.HTTPMethod, Path: e.Path, ContentType: e.Headers["Content-Type"],
			Body: decode(e.Body, e.IsBase64Encoded)}, true
	}
	return seen{}, false
}

// TestBadEvents: events that cannot become a request get the API's JSON
// 400, never a function error.
func TestBadEvents(t *testing.T) {
	h := testHandler()
	tests := []struct {
		name, payload, code string
	}{
		{"body marked base64 that is not", `{"version":"2.0","rawPath":"/v1/check","requestContext":{"http":{"method":"POST"}},"isBase64Encoded":true,"body":"%%%"}`, "invalid_base64"},
		{"v2 event of the wrong shape", `{"version":"2.0","rawPath":"/v1/check","requestContext":{"http":"POST"}}`, "invalid_event"},
		{"v1 event of the wrong shape", `{"httpMethod":"POST","path":7,"requestContext":{}}`, "invalid_event"},
		{"method that is not a token", `{"version":"2.0","rawPath":"/v1/check","requestContext":{"http":{"method":"P O S T"}}}`, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, hdr, body := invoke(t, h, []byte(tt.payload))
			var e struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(body, &e); err != nil || status != 400 || e.Error.Code != tt.code || hdr.Get("Content-Type") != "application/json" {
				t.Errorf("answered %d %q (%v), want a JSON 400 %s", status, body, err, tt.code)
			}
		})
	}
}
