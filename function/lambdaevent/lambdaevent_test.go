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
		host := e.Headers["host"]
		if host == "" {
			host = e.RequestContext.DomainName
		}
		return seen{Method: e.RequestContext.HTTP.Method, Path: e.RawPath, Query: e.RawQueryString, Host: host,
			RemoteAddr: e.RequestContext.HTTP.SourceIP, ContentType: e.Headers["content-type"],
			Body: decode(e.Body, e.IsBase64Encoded)}, true
	case strings.HasPrefix(name, "rest-"):
		var e events.APIGatewayProxyRequest
		if err := json.Unmarshal(payload, &e); err != nil {
			t.Fatal(err)
		}
		return seen{Method: e.HTTPMethod, Path: e.Path, Host: e.Headers["Host"], RemoteAddr: e.RequestContext.Identity.SourceIP,
			ContentType: e.Headers["Content-Type"], Body: decode(e.Body, e.IsBase64Encoded)}, true
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

// TestRequestFields: what an event says of its request beyond method, path
// and body reaches the handler, and what the handler answers reaches API
// Gateway in the shape each payload version takes.
func TestRequestFields(t *testing.T) {
	var got *http.Request
	var fromCtx bool
	h := Handler{HTTP: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		_, fromCtx = EventFromContext(r.Context())
		w.Header().Add("Set-Cookie", "a=1")
		w.Header().Add("Set-Cookie", "b=2")
		w.Header().Add("Vary", "Origin")
		w.Header().Add("Vary", "Accept")
		w.WriteHeader(http.StatusTeapot)
	})}
	t.Run("REST multi-value query and headers", func(t *testing.T) {
		_, hdr, _ := invoke(t, h, []byte(`{"httpMethod":"GET","path":"/v1/health","headers":{"Host":"k1.example.org"},
			"multiValueHeaders":{"Accept":["text/plain","application/json"]},
			"queryStringParameters":{"tag":"b"},"multiValueQueryStringParameters":{"tag":["a","b"]},
			"requestContext":{"identity":{"sourceIp":"198.51.100.4"}}}`))
		if q := got.URL.Query()["tag"]; len(q) != 2 || q[0] != "a" || q[1] != "b" {
			t.Errorf("query tag = %q, want [a b]", q)
		}
		if a := got.Header.Values("Accept"); len(a) != 2 {
			t.Errorf("Accept = %q, want both values", a)
		}
		if got.Host != "k1.example.org" || got.RemoteAddr != "198.51.100.4" || got.RequestURI != "/v1/health?tag=a&tag=b" || !fromCtx {
			t.Errorf("Host %q, RemoteAddr %q, RequestURI %q, event in context %v", got.Host, got.RemoteAddr, got.RequestURI, fromCtx)
		}
		if v := hdr.Values("Vary"); len(v) != 2 {
			t.Errorf("response Vary = %q, want two values in multiValueHeaders", v)
		}
		if v := hdr.Values("Set-Cookie"); len(v) != 2 {
			t.Errorf("response Set-Cookie = %q, want two values", v)
		}
	})
	t.Run("HTTP API host, cookies and stage", func(t *testing.T) {
		out, _ := h.Invoke(context.Background(), []byte(`{"version":"2.0","rawPath":"/prod/v1/health","rawQueryString":"a=1&a=2",
			"cookies":["s=1","t=2"],"headers":{},
			"requestContext":{"domainName":"k2.example.org","stage":"prod","http":{"method":"GET","sourceIp":"198.51.100.5"}}}`))
		if got.Host != "k2.example.org" || got.RemoteAddr != "198.51.100.5" || got.URL.Path != "/v1/health" ||
			len(got.URL.Query()["a"]) != 2 || got.Header.Get("Cookie") != "s=1; t=2" {
			t.Errorf("request Host %q, RemoteAddr %q, path %q, query %q, Cookie %q", got.Host, got.RemoteAddr, got.URL.Path, got.URL.RawQuery, got.Header.Get("Cookie"))
		}
		resp := out.(events.APIGatewayV2HTTPResponse)
		if len(resp.Cookies) != 2 || resp.Headers["Vary"] != "Origin, Accept" || resp.StatusCode != http.StatusTeapot {
			t.Errorf("response cookies %q, Vary %q, status %d", resp.Cookies, resp.Headers["Vary"], resp.StatusCode)
		}
	})
}

// TestStripStage: a named stage is removed only as a whole path segment.
func TestStripStage(t *testing.T) {
	for _, tt := range []struct{ path, stage, want string }{
		{"/prod/v1/health", "prod", "/v1/health"},
		{"/prod", "prod", ""},
		{"/production/v1/health", "prod", "/production/v1/health"},
		{"/v1/health", "$default", "/v1/health"},
		{"/v1/health", "", "/v1/health"},
	} {
		if got := stripStage(tt.path, tt.stage); got != tt.want {
			t.Errorf("stripStage(%q, %q) = %q, want %q", tt.path, tt.stage, got, tt.want)
		}
	}
}

// TestPathAsGiven: the handler sees an event's path as written, as a
// local server would, never read back through a URL string that makes
// "//x/v1/health" host x and path /v1/health; and a HEAD answer carries
// no body, as net/http sends none.
func TestPathAsGiven(t *testing.T) {
	h := testHandler()
	for _, p := range []string{"//x/v1/health", "//v1/health", "v1/health"} {
		for _, ev := range []string{
			`{"version":"2.0","rawPath":"` + p + `","requestContext":{"http":{"method":"GET"}}}`,
			`{"httpMethod":"GET","path":"` + p + `","requestContext":{}}`,
		} {
			status, _, body := invoke(t, h, []byte(ev))
			var s seen
			if err := json.Unmarshal(body, &s); err != nil || status != 200 || s.Path != p {
				t.Errorf("%s: %d, the handler saw path %q; want %q", ev, status, s.Path, p)
			}
		}
	}
	status, _, body := invoke(t, h, []byte(`{"version":"2.0","rawPath":"/v1/health","requestContext":{"http":{"method":"HEAD"}}}`))
	if status != 200 || len(body) != 0 {
		t.Errorf("HEAD: %d with %d bytes of body, want none", status, len(body))
	}
}
