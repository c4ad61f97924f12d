package app

import (
	"context"
	"time"
)

// Context carries the application's modules along with the standard context.
type Context struct {
	context.Context
	modules []string
}

// NewContext derives a context whose cancel function also cleans up the modules; it starts
// no timer.
func NewContext(parent Context) (Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent.Context)
	return Context{Context: ctx}, cancel
}

// NewTimedContext starts a timer.
func NewTimedContext(parent Context, d time.Duration) (Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(parent.Context, d)
	return Context{Context: ctx}, cancel
}

// Outside tests the cancel function of a wrapper may release more than the context.
func provision() Context {
	ctx, _ := NewContext(Context{Context: context.Background()}) // want "discarded-cancel"
	return ctx
}
