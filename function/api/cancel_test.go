package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
)

// countdownContext reports itself cancelled from the call to Err after
// the first left ones, and counts the calls: the handler consults it once
// before each comment of a batch, so the count says how many comments it
// went on to score.
type countdownContext struct {
	context.Context
	left, calls int
}

func (c *countdownContext) Err() error {
	c.calls++
	if c.calls > c.left {
		return context.Canceled
	}
	return nil
}

// batchBody is a batch of n comments.
func batchBody(n int) string {
	cs := make([]string, n)
	for i := range cs {
		cs[i] = fmt.Sprintf(`{"content": %q}`, directSpam)
	}
	return `{"comments": [` + strings.Join(cs, ",") + `]}`
}

// TestBatchStopsWhenAbandoned: once the context of a batch is cancelled
// (the client hung up, the invoke ran out of time), the comments left are
// not scored and nothing is answered as if they had been.
func TestBatchStopsWhenAbandoned(t *testing.T) {
	const scored = 3
	body := batchBody(MaxBatch)
	for _, via := range []string{"POST /v1/check", "direct invoke"} {
		t.Run(via, func(t *testing.T) {
			s, logs := testServer(t, Options{})
			ctx := &countdownContext{Context: context.Background(), left: scored}
			var answer string
			if via == "direct invoke" {
				b, _ := json.Marshal(s.Direct(ctx, []byte(body)))
				answer = string(b)
			} else {
				req := httptest.NewRequestWithContext(ctx, "POST", "/v1/check", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				answer = rec.Body.String()
			}
			if ctx.calls != scored+1 {
				t.Errorf("the context was consulted %d times for a batch of %d cancelled after %d comments, want %d: the rest must not be scored",
					ctx.calls, MaxBatch, scored, scored+1)
			}
			if strings.Contains(answer, `"results"`) {
				t.Errorf("answer %.200s, want no results for an abandoned batch", answer)
			}
			if !strings.Contains(logs.String(), "request abandoned") || strings.Contains(logs.String(), "checked batch") {
				t.Errorf("logs %s, want the batch logged as abandoned, not as checked", logs)
			}
		})
	}
}
