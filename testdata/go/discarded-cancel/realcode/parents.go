// Real-code patterns: a discarded child whose parent is released anyway.
package realcode

import (
	"context"
	"errors"
	"time"
)

var errSlow = errors.New("slow")

// The timeout child is discarded on purpose: its parent is cancelled by the deferred call, which
// also stops the child's timer.
func fetch(ctx context.Context, get func(context.Context) error) error {
	reqCtx, stop := context.WithCancelCause(ctx)
	reqCtx, _ = context.WithTimeoutCause(reqCtx, 5*time.Second, errSlow)
	defer stop(errors.New("done"))
	return get(reqCtx)
}

// The same with the deferred call before, inside a closure, and a new variable for the child.
func fetchClosure(ctx context.Context, get func(context.Context) error) error {
	ctx, stop := context.WithCancelCause(ctx)
	defer func() { stop(context.Canceled) }()
	child, _ := context.WithTimeout(ctx, time.Second)
	return get(child)
}

// Called on every path by hand.
func fetchByHand(ctx context.Context, get func(context.Context) error) error {
	parentCtx, cancelParent := context.WithCancel(ctx)
	child, _ := context.WithTimeout(parentCtx, time.Second)
	err := get(child)
	cancelParent()
	return err
}

// Look-alike: the parent's cancel is skipped by an early return.
func fetchEarlyReturn(ctx context.Context, get func(context.Context) error, bad bool) error {
	parentCtx, cancelParent := context.WithCancel(ctx)
	child, _ := context.WithTimeout(parentCtx, time.Second) // want "discarded-cancel"
	if bad {
		return nil
	}
	defer cancelParent()
	return get(child)
}

// Look-alike: the parent was re-assigned in between by something else.
func fetchReassigned(ctx context.Context, get func(context.Context) error, wrap func(context.Context) context.Context) error {
	parentCtx, cancelParent := context.WithCancel(ctx)
	defer cancelParent()
	parentCtx = wrap(parentCtx)
	child, _ := context.WithTimeout(parentCtx, time.Second) // want "discarded-cancel"
	return get(child)
}

// Package-level declarations run once: nothing piles up per call.
var expired, _ = context.WithTimeout(context.Background(), 0)
