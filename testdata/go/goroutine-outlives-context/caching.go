package handlers

import (
	"context"
	"net/http"
	"time"

	"example.com/handlers/internal/log"
	"go.opencensus.io/stats"
)

type store interface {
	Put(ctx context.Context, key string, value []byte) error
}

type cacher struct {
	name  string
	store store
}

func recordCacheError(ctx context.Context, name, operation string) {
	stats.RecordWithTags(ctx, nil, operation)
}

// The goroutine's function hands the request's context only to logging and to a function of
// this file that records a metric with it; the store gets a context of its own (pkgsite's
// caching middleware): nothing the cancellation cuts short.
func (c *cacher) put(ctx context.Context, key string, value []byte) {
	log.Infof(ctx, "caching %d bytes for %s", len(value), key)
	setCtx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := c.store.Put(setCtx, key, value); err != nil {
		recordCacheError(ctx, c.name, "SET")
		log.Warningf(ctx, "cache set %q: %v", key, err)
	}
}

func (c *cacher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	value := []byte(r.URL.Path)
	go c.put(ctx, r.URL.String(), value)
	w.WriteHeader(http.StatusOK)
}

// The same shape, but the metric's function stores with the request's context: real work.
func recordAndStore(ctx context.Context, s store, key string) {
	stats.RecordWithTags(ctx, nil, "SET")
	_ = s.Put(ctx, key, nil)
}

func (c *cacher) putWithRequest(ctx context.Context, key string, value []byte) {
	log.Infof(ctx, "caching %d bytes for %s", len(value), key)
	recordAndStore(ctx, c.store, key)
}

func (c *cacher) serveStored(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	go c.putWithRequest(ctx, r.URL.String(), nil) // want "goroutine-outlives-context"
	w.WriteHeader(http.StatusOK)
}

// The store takes the request's context in the goroutine's own function.
func (c *cacher) putDirect(ctx context.Context, key string, value []byte) {
	recordCacheError(ctx, c.name, "SET")
	_ = c.store.Put(ctx, key, value)
}

func (c *cacher) serveDirect(w http.ResponseWriter, r *http.Request) {
	go c.putDirect(r.Context(), r.URL.String(), nil) // want "goroutine-outlives-context"
	w.WriteHeader(http.StatusOK)
}
