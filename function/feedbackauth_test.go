package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/spamcheck/spamcheck/function/api"
	"github.com/spamcheck/spamcheck/model/labeled"
)

// hmacHex is the key id the README tells operators to compute with
// openssl, computed here independently of the function's code.
func hmacHex(salt, msg string) string {
	m := hmac.New(sha256.New, []byte(salt))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// storedKeyIDs returns the key_id of every record under dir.
func storedKeyIDs(t *testing.T, dir string) []string {
	t.Helper()
	var ids []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		r, err := labeled.Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		ids = append(ids, r.KeyID)
		return nil
	})
	return ids
}

// credentials are what a write request carries.
type credentials struct {
	key string // API key, "" for none
	arn string // the IAM principal API Gateway authenticated, "" for none
}

// writeRequest is one write route with a valid body.
type writeRequest struct {
	route, ctype string
	body         func(key string) string
	header       func(key string) http.Header
}

var writeRoutes = []writeRequest{
	{route: "/v1/feedback", ctype: "application/json",
		body: func(string) string { return `{"content": "Buy followers cheap at fastfollow.biz", "label": "spam"}` },
		header: func(key string) http.Header {
			h := http.Header{}
			if key != "" {
				h.Set("X-Api-Key", key)
			}
			return h
		}},
	{route: "/1.1/submit-spam", ctype: "application/x-www-form-urlencoded", body: akismetBody, header: func(string) http.Header { return http.Header{} }},
	{route: "/1.1/submit-ham", ctype: "application/x-www-form-urlencoded", body: akismetBody, header: func(string) http.Header { return http.Header{} }},
}

func akismetBody(key string) string {
	f := url.Values{"blog": {"https://news.example.org"}, "user_ip": {"203.0.113.7"}, "comment_content": {"Agreed, the council should publish the minutes."}}
	if key != "" {
		f.Set("api_key", key)
	}
	return f.Encode()
}

// sendWrite sends a write request through one adapter: "http" (the local
// server's handler), "httpapi" or "rest" (a Lambda event, where API
// Gateway puts the IAM principal in the request context).
func sendWrite(t *testing.T, s http.Handler, h func(context.Context, json.RawMessage) (any, error), adapter string, w writeRequest, c credentials) {
	t.Helper()
	header := w.header(c.key)
	header.Set("Content-Type", w.ctype)
	switch adapter {
	case "http":
		req := httptest.NewRequest("POST", w.route, strings.NewReader(w.body(c.key)))
		req.Header = header
		s.ServeHTTP(httptest.NewRecorder(), req)
		return
	case "httpapi":
		e := events.APIGatewayV2HTTPRequest{Version: "2.0", RawPath: w.route, Headers: map[string]string{}, Body: w.body(c.key)}
		e.RequestContext.HTTP.Method = "POST"
		e.RequestContext.DomainName = "abc123.execute-api.eu-west-1.amazonaws.com"
		if c.arn != "" {
			e.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				IAM: &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{UserARN: c.arn}}
		}
		for k := range header {
			e.Headers[k] = header.Get(k)
		}
		invokeJSON(t, h, e)
	case "rest":
		e := events.APIGatewayProxyRequest{HTTPMethod: "POST", Path: w.route, Headers: map[string]string{}, Body: w.body(c.key)}
		e.RequestContext.Identity.UserArn = c.arn
		for k := range header {
			e.Headers[k] = header.Get(k)
		}
		invokeJSON(t, h, e)
	}
}

func invokeJSON(t *testing.T, h func(context.Context, json.RawMessage) (any, error), e any) {
	t.Helper()
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}

// TestFeedbackNeedsCredentials: with a feedback store, no write route
// stores a record without credentials, through either adapter; every
// record carries the key id of whoever stored it, so that records from a
// key can be found and removed before a retrain.
func TestFeedbackNeedsCredentials(t *testing.T) {
	const key, arn = "k1-secret", "arn:aws:iam::123456789012:user/moderation"
	none, good, wrong, iam := credentials{}, credentials{key: key}, credentials{key: "guess"}, credentials{arn: arn}
	salted := hmacHex("pepper", key)
	iamID := hmacHex(api.DefaultKeyIDSalt, "iam:"+arn)
	tests := []struct {
		name string
		env  map[string]string
		// stored is the key id each kind of route stores a request
		// with these credentials under; "" means nothing is stored.
		native, akismet map[credentials]string
	}{
		{name: "API keys", env: map[string]string{"API_KEYS": key, "KEY_ID_SALT": "pepper"},
			native:  map[credentials]string{none: "", wrong: "", iam: "", good: salted},
			akismet: map[credentials]string{none: "", wrong: "", iam: "", good: salted}},
		{name: "IAM authorization", env: map[string]string{"IAM_AUTH": "true"},
			native:  map[credentials]string{none: "", wrong: "", good: "", iam: iamID},
			akismet: map[credentials]string{none: "", wrong: "", good: "", iam: ""}},
		{name: "anonymous, insecure", env: map[string]string{"ALLOW_ANONYMOUS_FEEDBACK_INSECURE": "1"},
			native:  map[credentials]string{none: api.AnonymousKeyID, wrong: api.AnonymousKeyID, good: api.AnonymousKeyID, iam: iamID},
			akismet: map[credentials]string{none: "", wrong: "", good: "", iam: ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, adapter := range []string{"http", "httpapi", "rest"} {
				for _, w := range writeRoutes {
					want := tt.native
					if strings.HasPrefix(w.route, "/1.1/") {
						want = tt.akismet
					}
					for c, wantID := range want {
						if adapter == "http" && c.arn != "" {
							continue // only API Gateway authenticates with IAM
						}
						dir := t.TempDir()
						env := map[string]string{"FEEDBACK_DIR": dir}
						for k, v := range tt.env {
							env[k] = v
						}
						s, h, _ := testServer(t, env)
						sendWrite(t, s, h.Invoke, adapter, w, c)
						got := storedKeyIDs(t, dir)
						switch {
						case wantID == "" && len(got) != 0:
							t.Errorf("%s %s with %+v: stored %d records, want none", adapter, w.route, c, len(got))
						case wantID != "" && (len(got) != 1 || got[0] != wantID):
							t.Errorf("%s %s with %+v: stored records with key ids %q, want one with %q", adapter, w.route, c, got, wantID)
						}
					}
				}
			}
		})
	}

	// A direct invoke is a check: a payload shaped like feedback stores
	// nothing.
	dir := t.TempDir()
	_, h, _ := testServer(t, map[string]string{"FEEDBACK_DIR": dir, "ALLOW_ANONYMOUS_FEEDBACK_INSECURE": "1"})
	invokeJSON(t, h.Invoke, map[string]string{"content": "Buy followers cheap", "label": "spam"})
	if got := storedKeyIDs(t, dir); len(got) != 0 {
		t.Errorf("a direct invoke stored %d records, want none", len(got))
	}
}

// TestFeedbackStoreNeedsAuthentication: a feedback store with nothing to
// authenticate its writers stops start-up, unless the operator opts in
// with the variable that says it is insecure.
func TestFeedbackStoreNeedsAuthentication(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  map[string]string
		ok   bool
	}{
		{"directory, no keys", map[string]string{"FEEDBACK_DIR": "fb"}, false},
		{"bucket, no keys", map[string]string{"FEEDBACK_BUCKET": "b"}, false},
		{"IAM_AUTH=false", map[string]string{"FEEDBACK_DIR": "fb", "IAM_AUTH": "false"}, false},
		{"opt-in misspelt", map[string]string{"FEEDBACK_DIR": "fb", "ALLOW_ANONYMOUS_FEEDBACK_INSECURE": "yes"}, false},
		{"keys", map[string]string{"FEEDBACK_DIR": "fb", "API_KEYS": "k"}, true},
		{"IAM authorization", map[string]string{"FEEDBACK_BUCKET": "b", "IAM_AUTH": "true"}, true},
		{"insecure opt-in", map[string]string{"FEEDBACK_DIR": "fb", "ALLOW_ANONYMOUS_FEEDBACK_INSECURE": "1"}, true},
		{"no store", map[string]string{}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig(func(k string) string { return tt.env[k] })
			if tt.ok && err != nil {
				t.Errorf("start-up refused: %v", err)
			}
			if !tt.ok && (err == nil || !strings.Contains(err.Error(), "ALLOW_ANONYMOUS_FEEDBACK_INSECURE")) {
				t.Errorf("start-up error %v, want one naming API_KEYS, IAM_AUTH and ALLOW_ANONYMOUS_FEEDBACK_INSECURE", err)
			}
		})
	}
}
