package handlers

import (
	"context"
	"net/http"
)

func audit(ctx context.Context, what string) error { return ctx.Err() }

// Clean for background-in-handler: work that must outlive the handler needs a root that the
// request's end does not cancel (goroutine-outlives-context asks for exactly this).
func handleCreate(w http.ResponseWriter, r *http.Request) {
	go func() {
		_ = audit(context.Background(), "create")
	}()
	w.WriteHeader(http.StatusAccepted)
}
