package realcode

import (
	"context"
	"time"
)

// The context is handed to the caller: a deferred cancel would return a dead context, so the
// finding stays but no fix is offered.
func withDeadline(parent context.Context, d time.Duration) context.Context {
	ctx, _ := context.WithTimeout(parent, d) // want "discarded-cancel"
	return ctx
}

type job struct{ ctx context.Context }

// Stored in a struct that outlives the call.
func newJob(parent context.Context) *job {
	ctx, _ := context.WithCancel(parent) // want "discarded-cancel"
	return &job{ctx: ctx}
}
