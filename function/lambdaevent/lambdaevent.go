// Package lambdaevent serves Lambda invokes with an http.Handler: API
// Gateway HTTP API events (payload 2.0) and Function URL events become an
// ordinary *http.Request and get an events.APIGatewayV2HTTPResponse; REST
// API proxy events (payload 1.0) get an events.APIGatewayProxyResponse;
// any other payload is a direct invoke, answered by the Direct function.
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

func (h Handler) invokeV2(ctx context.Context, payload json.RawMessage) events.APIGatewayV2HTTPResponse {
	var e events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(payload, &e); err != nil {
		return v2Response(badEvent(err))
	}
	path := e.RawPath
	// A named stage appears in the raw path of an HTTP API request.
	if st := e.RequestContext.Stage; st != "" && st != "$default" {
		path = strings.TrimPrefix(path, "/"+st)
	}
	headers := http.Header{}
	for k, v := range e.Headers {
		headers.Set(k, v)
	}
	rec := h.serve(ctx, e.RequestContext.HTTP.Method, path, e.RawQueryString, headers, e.Body, e.IsBase64Encoded)
	return v2Response(rec)
}

func (h Handler) invokeV1(ctx context.Context, payload json.RawMessage) events.APIGatewayProxyResponse {
	var e events.APIGatewayProxyRequest
	if err := json.Unmarshal(payload, &e); err != nil {
		return v1Response(badEvent(err))
	}
	headers := http.Header{}
	for k, v := range e.Headers {
		headers.Set(k, v)
	}
	for k, vs := range e.MultiValueHeaders {
		headers.Del(k)
		for _, v := range vs {
			headers.Add(k, v)
		}
	}
	q := url.Values{}
	for k, v := range e.QueryStringParameters {
		q.Set(k, v)
	}
	rec := h.serve(ctx, e.HTTPMethod, e.Path, q.Encode(), headers, e.Body, e.IsBase64Encoded)
	return v1Response(rec)
}

// serve runs an HTTP request built from an API Gateway event through the
// handler.
func (h Handler) serve(ctx context.Context, method, path, query string, headers http.Header, body string, b64 bool) *recorder {
	raw := []byte(body)
	if b64 {
		dec, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			return errorRecorder(api.Errorf(api.CodeInvalidBase64, "the event body is marked base64 but is not: %v", err))
		}
		raw = dec
	}
	if path == "" {
		path = "/"
	}
	u := &url.URL{Path: path, RawQuery: query}
	r, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(raw))
	if err != nil {
		return errorRecorder(api.Errorf(api.CodeInvalidRequest, "the event does not describe an HTTP request: %v", err))
	}
	r.Header = headers
	r.ContentLength = int64(len(raw))
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	h.HTTP.ServeHTTP(rec, r)
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

func v2Response(rec *recorder) events.APIGatewayV2HTTPResponse {
	return events.APIGatewayV2HTTPResponse{StatusCode: rec.status, Headers: flatten(rec.header), Body: rec.body.String()}
}

func v1Response(rec *recorder) events.APIGatewayProxyResponse {
	return events.APIGatewayProxyResponse{StatusCode: rec.status, Headers: flatten(rec.header), Body: rec.body.String()}
}

// flatten turns response headers into the single-valued map API Gateway
// takes.
func flatten(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[k] = strings.Join(v, ", ")
	}
	return out
}
