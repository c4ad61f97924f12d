// Package ctxutil declares cancel-producing wrappers: callers must treat them like
// context.WithTimeout.
package ctxutil

import (
	"context"
	"time"
)

// WithTimeout returns the cancel function second, like the context package.
func WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(parent, d)
}

// Start returns the cancel function first.
func Start(parent context.Context) (stop context.CancelCauseFunc, ctx context.Context) {
	ctx, stop = context.WithCancelCause(parent)
	return
}

type Pool struct{}

// Methods are not wrappers: they are called on values.
func (Pool) Acquire(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithCancel(parent)
}

func use(ctx context.Context) {}

// Inside its own package a wrapper is called without a qualifier.
func localCaller(parent context.Context, bad bool) {
	ctx, cancel := WithTimeout(parent, time.Second) // want "missing-defer-cancel"
	if bad {
		return
	}
	defer cancel()
	use(ctx)
}

func localCallerOK(parent context.Context) {
	stop, ctx := Start(parent)
	defer stop(nil)
	use(ctx)
}

// A method of the same name as a wrapper is no wrapper.
func methodCaller(parent context.Context, p Pool) {
	ctx, release := p.Acquire(parent)
	use(ctx)
	_ = release
}

type Conn struct{}

// Dial returns a connection and its context; on error every other result is zero, the cancel
// function included.
func Dial(addr string, d time.Duration) (*Conn, context.Context, context.CancelFunc, error) {
	if addr == "" {
		return nil, nil, nil, context.Canceled
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	return &Conn{}, ctx, cancel, nil
}
