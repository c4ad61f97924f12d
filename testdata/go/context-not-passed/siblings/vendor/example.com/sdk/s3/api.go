package s3

import "example.com/sdk/aws"

type S3 struct{}

type Option func()

type GetObjectInput struct{ Key string }

type GetObjectOutput struct{}

func New() *S3 { return &S3{} }

// GetObject is read for its declaration only: vendor/ is not linted.
func (c *S3) GetObject(input *GetObjectInput) (*GetObjectOutput, error) {
	return c.GetObjectWithContext(aws.Context(nil), input)
}

func (c *S3) GetObjectWithContext(ctx aws.Context, input *GetObjectInput, opts ...Option) (*GetObjectOutput, error) {
	return &GetObjectOutput{}, nil
}

// ListBuckets has a sibling whose extra parameter is not an option list: not a sibling.
func (c *S3) ListBuckets() error { return nil }

func (c *S3) ListBucketsWithContext(ctx aws.Context, region string) error { return nil }

// Upload is a package function with a sibling.
func Upload(key string) error { return nil }

func UploadCtx(ctx aws.Context, key string) error { return nil }

// S3API is the interface clients mock.
type S3API interface {
	GetObject(*GetObjectInput) (*GetObjectOutput, error)
	GetObjectWithContext(aws.Context, *GetObjectInput, ...Option) (*GetObjectOutput, error)
}
