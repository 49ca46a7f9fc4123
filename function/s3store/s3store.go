// Package s3store keeps feedback records as objects under a prefix of an
// S3 bucket. It is the only package of the function that imports the AWS
// SDK, and it is only used when a bucket is configured, so a function
// without a bucket never initialises the SDK.
package s3store

import (
	"bytes"
	"context"
	"path"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Config says where records go and with which credentials.
type Config struct {
	Bucket string
	// Prefix is prepended to every key ("feedback/").
	Prefix string
	// Endpoint, when set, points the client at an S3-compatible server
	// with path-style addressing.
	Endpoint string
	Region   string
	// The static credentials Lambda provides in AWS_ACCESS_KEY_ID,
	// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. The SDK's config
	// package (profiles, SSO, IMDS, STS) would add megabytes to the binary
	// for sources a Lambda function never uses.
	AccessKeyID, SecretAccessKey, SessionToken string
}

// Store is a feedback store in S3.
type Store struct {
	client *s3.Client
	bucket string
	prefix string
}

// New returns a Store for cfg.
func New(cfg Config) *Store {
	opts := s3.Options{
		Region:      cfg.Region,
		Credentials: credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken),
	}
	if cfg.Endpoint != "" {
		opts.BaseEndpoint = aws.String(cfg.Endpoint)
		opts.UsePathStyle = true
	}
	return &Store{client: s3.New(opts), bucket: cfg.Bucket, prefix: cfg.Prefix}
}

func (s *Store) String() string { return "s3://" + s.bucket + "/" + s.prefix }

// Put writes data as the object prefix+key.
func (s *Store) Put(ctx context.Context, key string, data []byte) error {
	_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:      aws.String(s.bucket),
		Key:         aws.String(path.Join(s.prefix, key)),
		Body:        bytes.NewReader(data),
		ContentType: aws.String("application/x-ndjson"),
	})
	return err
}
