package realcode

import (
	"context"
	"time"
)

// A context made by WithCancel from a root that is never cancelled registers with no parent
// and runs no timer: dropping its cancel function leaks nothing.
func detached(run func(context.Context)) {
	ctx, _ := context.WithCancel(context.Background())
	run(ctx)
	vctx, _ := context.WithCancelCause(context.WithValue(context.TODO(), "k", "v"))
	run(vctx)
}

// Look-alike: a timeout runs a timer until its deadline.
func detachedTimeout(run func(context.Context)) {
	ctx, _ := context.WithTimeout(context.Background(), time.Minute) // want "discarded-cancel"
	run(ctx)
}

// Look-alike: a helper that hands out a root's timeout context: nobody can stop its timer.
func newRequestContext() context.Context {
	ctx, _ := context.WithTimeout(context.TODO(), time.Hour) // want "discarded-cancel"
	return ctx
}

// Handed out with the caller's context as parent: held until the caller's context ends (a
// note, not a leak claim).
func annotate(ctx context.Context, timeout time.Duration) context.Context {
	if timeout != 0 {
		ctx, _ = context.WithTimeout(ctx, timeout) // want "discarded-cancel"
	}
	return ctx
}

func fromParents(timeout time.Duration, parent ...context.Context) context.Context {
	ctx, _ := context.WithTimeout(parent[0], timeout) // want "discarded-cancel"
	return ctx
}
