package handlers

import (
	"context"
	"time"
)

// Flagged, but with no replacement: the derived context is made from a root that is never
// cancelled, so losing its cancel function loses nothing; made from ctx, each of these would
// leak a context registered with ctx (found by the fix_go fuzz target).
func overwritten(ctx context.Context, other context.CancelFunc) {
	c, cancel := context.WithCancel(context.Background()) // want "background-in-handler"
	if other != nil {
		cancel = other
	}
	defer cancel()
	load(c)
}

func cancelDiscarded(ctx context.Context) {
	c, _ := context.WithCancel(context.Background()) // want "background-in-handler"
	load(c)
}

func throughAValue(ctx context.Context, other context.CancelFunc) {
	c, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, 1)) // want "background-in-handler"
	cancel = other
	defer cancel()
	load(c)
}

type key struct{}

// Replaced: the cancel function is deferred, so the context made from ctx is released.
func deferred(ctx context.Context) {
	c, cancel := context.WithTimeout(context.Background(), time.Second) // want "background-in-handler"
	defer cancel()
	load(c)
}

func deferredCancel(ctx context.Context) {
	c, cancel := context.WithCancel(context.Background()) // want "background-in-handler"
	defer cancel()
	load(c)
}
