package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// eventProbe holds the fields that tell Lambda event kinds apart.
type eventProbe struct {
	Version        string          `json:"version"`
	RawPath        *string         `json:"rawPath"`
	HTTPMethod     string          `json:"httpMethod"`
	RequestContext json.RawMessage `json:"requestContext"`
}

// invoke answers one Lambda invoke. API Gateway HTTP API (payload 2.0) and
// Function URL events share a shape and get an APIGatewayV2HTTPResponse; REST
// API proxy events get an APIGatewayProxyResponse; anything else is a direct
// invoke whose payload is a check request, answered with the same object
// POST /v1/check returns (or its error object). Errors are answers, never
// function errors: a bad request must not look like a broken function.
func (s *server) invoke(ctx context.Context, payload json.RawMessage) (any, error) {
	var p eventProbe
	if err := json.Unmarshal(payload, &p); err == nil && len(p.RequestContext) > 0 && string(p.RequestContext) != "null" {
		switch {
		case p.RawPath != nil || p.Version == "2.0":
			return s.invokeV2(ctx, payload)
		case p.HTTPMethod != "":
			return s.invokeV1(ctx, payload)
		}
	}
	return s.invokeDirect(ctx, payload), nil
}

func (s *server) invokeV2(ctx context.Context, payload json.RawMessage) (events.APIGatewayV2HTTPResponse, error) {
	var e events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(payload, &e); err != nil {
		return v2Response(badEvent(err)), nil
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
	rec := s.serveEvent(ctx, e.RequestContext.HTTP.Method, path, e.RawQueryString, headers, e.Body, e.IsBase64Encoded)
	return v2Response(rec), nil
}

func (s *server) invokeV1(ctx context.Context, payload json.RawMessage) (events.APIGatewayProxyResponse, error) {
	var e events.APIGatewayProxyRequest
	if err := json.Unmarshal(payload, &e); err != nil {
		rec := badEvent(err)
		return events.APIGatewayProxyResponse{StatusCode: rec.status, Headers: flatten(rec.header), Body: rec.body.String()}, nil
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
	rec := s.serveEvent(ctx, e.HTTPMethod, e.Path, q.Encode(), headers, e.Body, e.IsBase64Encoded)
	return events.APIGatewayProxyResponse{StatusCode: rec.status, Headers: flatten(rec.header), Body: rec.body.String()}, nil
}

// invokeDirect answers a direct invoke: the payload is the body of a check.
func (s *server) invokeDirect(ctx context.Context, payload json.RawMessage) any {
	start := time.Now()
	if int64(len(payload)) > s.maxBody {
		aerr := errorf(http.StatusRequestEntityTooLarge, "body_too_large", "the payload is %d bytes; the limit is %d", len(payload), s.maxBody)
		s.log.InfoContext(ctx, "check rejected", "status", aerr.Status, "code", aerr.Code, "bytes", len(payload), "invoke", "direct")
		return map[string]*apiError{"error": aerr}
	}
	out, n, aerr := s.answer(payload)
	if aerr != nil {
		s.log.InfoContext(ctx, "check rejected", "status", aerr.Status, "code", aerr.Code, "bytes", len(payload), "invoke", "direct")
		return map[string]*apiError{"error": aerr}
	}
	s.logVerdicts(ctx, "direct invoke", out, n, len(payload), start)
	return out
}

// serveEvent runs an HTTP request built from an API Gateway event through
// the same handler the local server uses.
func (s *server) serveEvent(ctx context.Context, method, path, query string, headers http.Header, body string, b64 bool) *recorder {
	raw := []byte(body)
	if b64 {
		dec, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			return errorRecorder(errorf(http.StatusBadRequest, "invalid_base64", "the event body is marked base64 but is not: %v", err))
		}
		raw = dec
	}
	if path == "" {
		path = "/"
	}
	u := &url.URL{Path: path, RawQuery: query}
	r, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(raw))
	if err != nil {
		return errorRecorder(errorf(http.StatusBadRequest, "invalid_request", "the event does not describe an HTTP request: %v", err))
	}
	r.Header = headers
	r.ContentLength = int64(len(raw))
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	s.ServeHTTP(rec, r)
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

func errorRecorder(e *apiError) *recorder {
	rec := &recorder{header: http.Header{}}
	writeError(rec, e)
	return rec
}

func badEvent(err error) *recorder {
	return errorRecorder(errorf(http.StatusBadRequest, "invalid_event", "the event could not be decoded: %v", err))
}

func v2Response(rec *recorder) events.APIGatewayV2HTTPResponse {
	return events.APIGatewayV2HTTPResponse{StatusCode: rec.status, Headers: flatten(rec.header), Body: rec.body.String()}
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
