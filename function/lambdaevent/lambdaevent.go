// Package lambdaevent serves Lambda invokes with an http.Handler: API
// Gateway HTTP API events (payload 2.0) and Function URL events become an
// ordinary *http.Request and get an events.APIGatewayV2HTTPResponse; REST
// API proxy events (payload 1.0) get an events.APIGatewayProxyResponse;
// any other payload is a direct invoke, answered by the Direct function.
//
// The request carries what the event says of it, as aws-lambda-go's
// lambdaurl does: Host (the Host header, else the event's domain name, so
// a key in the host name reaches the Akismet routes), RemoteAddr (the
// caller's source IP), every query parameter and header value (REST's
// multi-value maps included) and HTTP API cookies; the event itself is in
// the request's context (EventFromContext). Response headers with several
// values go back as REST's multiValueHeaders, or, for payload 2.0, joined
// with commas (Set-Cookie as cookies), as API Gateway expects.
//
// Errors are answers, never function errors: a bad request must not look
// like a broken function. An event that cannot become a request (a body
// marked base64 that is not, an unparsable event) gets the API's JSON 400.
package lambdaevent

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/spamcheck/spamcheck/function/api"
)

// Handler answers Lambda invokes.
type Handler struct {
	// HTTP serves the requests that events stand for.
	HTTP http.Handler
	// Direct answers a payload that is not an HTTP event; its result is
	// encoded as the invoke's answer.
	Direct func(ctx context.Context, payload []byte) any
}

// eventProbe holds the fields that tell Lambda event kinds apart.
type eventProbe struct {
	Version        string          `json:"version"`
	RawPath        *string         `json:"rawPath"`
	HTTPMethod     string          `json:"httpMethod"`
	RequestContext json.RawMessage `json:"requestContext"`
}

// Invoke answers one Lambda invoke; it has a signature lambda.Start takes.
func (h Handler) Invoke(ctx context.Context, payload json.RawMessage) (any, error) {
	var p eventProbe
	if err := json.Unmarshal(payload, &p); err == nil && len(p.RequestContext) > 0 && string(p.RequestContext) != "null" {
		switch {
		case p.RawPath != nil || p.Version == "2.0":
			return h.invokeV2(ctx, payload), nil
		case p.HTTPMethod != "":
			return h.invokeV1(ctx, payload), nil
		}
	}
	return h.Direct(ctx, payload), nil
}

// eventKey is the context key of the event a request came from.
type eventKey struct{}

// EventFromContext returns the event (an *events.APIGatewayV2HTTPRequest
// or an *events.APIGatewayProxyRequest) that the request of ctx was built
// from.
func EventFromContext(ctx context.Context) (any, bool) {
	e := ctx.Value(eventKey{})
	return e, e != nil
}

// IAMCaller returns the ARN of the IAM principal that API Gateway
// authenticated the request of ctx with (IAM authorization on the route,
// or a Function URL with AWS_IAM auth), or "". Only API Gateway and
// callers allowed to invoke the function write an event's request
// context: a client of the API cannot claim an identity it was not
// given, but a principal allowed lambda:InvokeFunction can write any
// (the README's "Who may write" says so).
func IAMCaller(ctx context.Context) string {
	switch e := ctx.Value(eventKey{}).(type) {
	case *events.APIGatewayV2HTTPRequest:
		if a := e.RequestContext.Authorizer; a != nil && a.IAM != nil {
			return a.IAM.UserARN
		}
	case *events.APIGatewayProxyRequest:
		return e.RequestContext.Identity.UserArn
	}
	return ""
}

// request is what an event says of its HTTP request.
type request struct {
	method, path, query, host, remoteAddr string
	header                                http.Header
	body                                  string
	base64                                bool
}

func (h Handler) invokeV2(ctx context.Context, payload json.RawMessage) events.APIGatewayV2HTTPResponse {
	var e events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(payload, &e); err != nil {
		return v2Response(badEvent(err))
	}
	header := http.Header{}
	for k, v := range e.Headers {
		header.Set(k, v)
	}
	// Payload 2.0 moves cookies out of the headers.
	if len(e.Cookies) > 0 {
		header.Set("Cookie", strings.Join(e.Cookies, "; "))
	}
	rec := h.serve(context.WithValue(ctx, eventKey{}, &e), request{
		method: e.RequestContext.HTTP.Method, path: stripStage(e.RawPath, e.RequestContext.Stage),
		query: e.RawQueryString, host: e.RequestContext.DomainName, remoteAddr: e.RequestContext.HTTP.SourceIP,
		header: header, body: e.Body, base64: e.IsBase64Encoded,
	})
	return v2Response(rec)
}

// stripStage removes a named stage from the front of an HTTP API raw path,
// where API Gateway puts it, but only as a whole path segment.
func stripStage(path, stage string) string {
	if stage == "" || stage == "$default" {
		return path
	}
	if rest, ok := strings.CutPrefix(path, "/"+stage); ok && (rest == "" || rest[0] == '/') {
		return rest
	}
	return path
}

func (h Handler) invokeV1(ctx context.Context, payload json.RawMessage) events.APIGatewayProxyResponse {
	var e events.APIGatewayProxyRequest
	if err := json.Unmarshal(payload, &e); err != nil {
		return v1Response(badEvent(err))
	}
	header := http.Header{}
	for k, v := range e.Headers {
		header.Set(k, v)
	}
	for k, vs := range e.MultiValueHeaders {
		header.Del(k)
		for _, v := range vs {
			header.Add(k, v)
		}
	}
	q := url.Values{}
	for k, v := range e.QueryStringParameters {
		q.Set(k, v)
	}
	for k, vs := range e.MultiValueQueryStringParameters {
		q[k] = vs
	}
	rec := h.serve(context.WithValue(ctx, eventKey{}, &e), request{
		method: e.HTTPMethod, path: e.Path, query: q.Encode(), host: e.RequestContext.DomainName,
		remoteAddr: e.RequestContext.Identity.SourceIP, header: header, body: e.Body, base64: e.IsBase64Encoded,
	})
	return v1Response(rec)
}

// serve runs the HTTP request an API Gateway event describes through the
// handler.
func (h Handler) serve(ctx context.Context, req request) *recorder {
	raw := []byte(req.body)
	if req.base64 {
		dec, err := base64.StdEncoding.DecodeString(req.body)
		if err != nil {
			return errorRecorder(api.Errorf(api.CodeInvalidBase64, "the event body is marked base64 but is not: %v", err))
		}
		raw = dec
	}
	if req.path == "" {
		req.path = "/"
	}
	// The path goes into the URL as it is, not through a URL string,
	// which would read "//x/v1/health" as host x: the handler sees what
	// the local server would, and answers a path that is not canonical
	// alike.
	u := &url.URL{Path: req.path, RawQuery: req.query}
	r, err := http.NewRequestWithContext(ctx, req.method, "/", bytes.NewReader(raw))
	if err != nil {
		return errorRecorder(api.Errorf(api.CodeInvalidRequest, "the event does not describe an HTTP request: %v", err))
	}
	r.URL = u
	r.Header = req.header
	r.ContentLength = int64(len(raw))
	r.RequestURI = u.RequestURI()
	r.RemoteAddr = req.remoteAddr
	r.Host = req.header.Get("Host")
	if r.Host == "" {
		r.Host = req.host
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	h.HTTP.ServeHTTP(rec, r)
	if r.Method == http.MethodHead {
		rec.body.Reset() // as net/http sends none
	}
	return rec
}

// recorder is the http.ResponseWriter of an event: it keeps the response
// to return it to Lambda.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}

func errorRecorder(e *api.Error) *recorder {
	rec := &recorder{header: http.Header{}}
	api.WriteError(rec, e)
	return rec
}

func badEvent(err error) *recorder {
	return errorRecorder(api.Errorf(api.CodeInvalidEvent, "the event could not be decoded: %v", err))
}

// v2Response is the payload 2.0 answer: headers with several values are
// joined with commas, except Set-Cookie, which goes into cookies.
func v2Response(rec *recorder) events.APIGatewayV2HTTPResponse {
	resp := events.APIGatewayV2HTTPResponse{StatusCode: rec.status, Headers: map[string]string{}, Body: rec.body.String()}
	for k, vs := range rec.header {
		if k == "Set-Cookie" {
			resp.Cookies = vs
			continue
		}
		resp.Headers[k] = strings.Join(vs, ", ")
	}
	return resp
}

// v1Response is the REST answer: single values in headers, several in
// multiValueHeaders (API Gateway merges the two).
func v1Response(rec *recorder) events.APIGatewayProxyResponse {
	resp := events.APIGatewayProxyResponse{StatusCode: rec.status, Headers: map[string]string{}, Body: rec.body.String()}
	for k, vs := range rec.header {
		if len(vs) == 1 {
			resp.Headers[k] = vs[0]
			continue
		}
		if resp.MultiValueHeaders == nil {
			resp.MultiValueHeaders = map[string][]string{}
		}
		resp.MultiValueHeaders[k] = vs
	}
	return resp
}
