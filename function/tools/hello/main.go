// Command hello is the smallest useful aws-lambda-go function: it answers
// every invoke with {"message":"hello","request_id":...}. It exists as the
// cold-start baseline for the spamcheck function: built and run under the
// Runtime Interface Emulator exactly like ../.., its start-to-first-answer
// time is what the Go runtime and aws-lambda-go cost before any model loads.
//
// Build it as a Lambda bootstrap:
//
//	GOOS=linux CGO_ENABLED=0 go build -tags lambda.norpc -o bootstrap ./hello
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// answer is what hello returns for every invoke.
type answer struct {
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
}

// handle ignores its payload (any JSON) and says hello, echoing the request
// id so a caller can tell the Lambda context reached the handler.
func handle(ctx context.Context, _ json.RawMessage) (answer, error) {
	a := answer{Message: "hello"}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		a.RequestID = lc.AwsRequestID
	}
	return a, nil
}

func main() {
	lambda.Start(handle)
}
