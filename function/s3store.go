package main

import (
	"bytes"
	"context"
	"fmt"
	"path"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// s3Store keeps feedback records as objects under a prefix of an S3 bucket.
// It is only built when FEEDBACK_BUCKET is set, so a function without a
// bucket never initialises the SDK.
type s3Store struct {
	client *s3.Client
	bucket string
	prefix string
}

// newS3Store builds the S3 client from the function's environment: the
// region and the credentials Lambda provides in AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. The SDK's config package
// (profiles, SSO, IMDS, STS) would add megabytes to the binary for sources
// a Lambda function never uses. endpoint, when set, points the client at an
// S3-compatible server with path-style addressing.
func newS3Store(getenv func(string) string, bucket, prefix, endpoint string) (*s3Store, error) {
	region := getenv("AWS_REGION")
	if region == "" {
		region = getenv("AWS_DEFAULT_REGION")
	}
	if region == "" {
		return nil, fmt.Errorf("FEEDBACK_BUCKET is set but AWS_REGION is not")
	}
	id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return nil, fmt.Errorf("FEEDBACK_BUCKET is set but AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not (Lambda sets them from the function's role)")
	}
	opts := s3.Options{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider(id, secret, getenv("AWS_SESSION_TOKEN")),
	}
	if endpoint != "" {
		opts.BaseEndpoint = aws.String(endpoint)
		opts.UsePathStyle = true
	}
	return &s3Store{client: s3.New(opts), bucket: bucket, prefix: prefix}, nil
}

func (s *s3Store) String() string { return "s3://" + s.bucket + "/" + s.prefix }

func (s *s3Store) put(ctx context.Context, key string, data []byte) error {
	_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:      aws.String(s.bucket),
		Key:         aws.String(path.Join(s.prefix, key)),
		Body:        bytes.NewReader(data),
		ContentType: aws.String("application/x-ndjson"),
	})
	return err
}
