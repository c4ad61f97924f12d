package realcode

import (
	"context"
	"time"
)

func work(ctx context.Context) {}

// Overwriting the cancel function of a context made from Background loses nothing: it has no
// parent to unregister from and no timer.
func maybeLimited(limit time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	if limit > 0 {
		ctx, cancel = context.WithTimeout(context.Background(), limit)
	}
	defer cancel()
	work(ctx)
}

// The same with a value on the root.
func maybeLimitedWithValue(limit time.Duration) {
	ctx, cancel := context.WithCancel(context.WithValue(context.TODO(), "k", "v"))
	if limit > 0 {
		ctx, cancel = context.WithTimeout(ctx, limit)
	}
	defer cancel()
	work(ctx)
}

// Look-alike: a parent that can be cancelled keeps the first context registered.
func maybeLimitedChild(parent context.Context, limit time.Duration) {
	ctx, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	if limit > 0 {
		ctx, cancel = context.WithTimeout(parent, limit)
	}
	defer cancel()
	work(ctx)
}

// Look-alike: a timer runs until the deadline.
func maybeShorter(limit time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // want "missing-defer-cancel"
	if limit > 0 {
		ctx, cancel = context.WithTimeout(context.Background(), limit)
	}
	defer cancel()
	work(ctx)
}

// Look-alike: the first context was handed out before it was lost.
func handedOutFirst(limit time.Duration, start func(context.Context)) {
	ctx, cancel := context.WithCancel(context.Background()) // want "missing-defer-cancel"
	start(ctx)
	if limit > 0 {
		ctx, cancel = context.WithTimeout(context.Background(), limit)
	}
	defer cancel()
	work(ctx)
}
