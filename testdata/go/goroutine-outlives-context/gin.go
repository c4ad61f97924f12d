package handlers

import (
	"context"

	"github.com/gin-gonic/gin"
)

// Declared without a body (implemented elsewhere): what it does with ctx is unknown.
func index(ctx context.Context, id string) error

func stream(c *gin.Context, ch chan any) {
	for range ch {
	}
}

// gin: the request's context is c.Request.Context().
func reindex(c *gin.Context) {
	go index(c.Request.Context(), c.Param("id")) // want "goroutine-outlives-context"
	c.Status(202)
}

// The handler streams what the goroutine produces: it waits for it.
func progress(c *gin.Context) {
	ch := make(chan any)
	go func() {
		defer close(ch)
		_ = index(c.Request.Context(), c.Param("id"))
	}()
	stream(c, ch)
}
