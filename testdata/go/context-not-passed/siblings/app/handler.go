package app

import (
	"context"
	"net/http"

	"example.com/sdk/s3"
)

type Server struct {
	cache *Cache
	store s3.S3API
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v, _ := s.cache.Get("k") // want "context-not-passed"
	_ = v
	_, _ = s.store.GetObject(&s3.GetObjectInput{Key: v}) // want "context-not-passed"
	_ = s3.Upload("k") // want "context-not-passed"
	_ = Refresh() // want "context-not-passed"
	_ = s.cache.Put("k")
	_ = From("x")
	client := s3.New()
	_ = client.ListBuckets()
}

func fetch(ctx context.Context, c *Cache, client *s3.S3, other Other) {
	_, _ = c.Get("k") // want "context-not-passed"
	_, _ = client.GetObject(nil) // want "context-not-passed"
	// The variant is already called, or a context is passed.
	_, _ = c.GetContext(ctx, "k")
	// An unknown receiver: silent.
	_, _ = other.Get("k")
	get := func(k string) (string, error) { return "", nil }
	_, _ = get("k")
	defer c.Get("cleanup")
}

// Without a parent context nothing is reported.
func background(c *Cache) {
	_, _ = c.Get("k")
}

type Other interface {
	Get(string) (string, error)
}
