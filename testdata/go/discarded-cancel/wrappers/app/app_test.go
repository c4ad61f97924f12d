package app

import (
	"context"
	"testing"
	"time"
)

// A timer-free wrapper of a root that is never cancelled, in a test: nothing outlives the test.
func TestProvision(t *testing.T) {
	ctx, _ := NewContext(Context{Context: context.Background()})
	_ = ctx
	for _, name := range []string{"a", "b"} {
		ctx, _ := NewContext(Context{Context: context.TODO()})
		_ = name
		_ = ctx
	}
}

// Look-alike: this wrapper starts a timer.
func TestTimed(t *testing.T) {
	ctx, _ := NewTimedContext(Context{Context: context.Background()}, time.Second) // want "discarded-cancel"
	_ = ctx
}

// Look-alike: a parent that can be cancelled keeps the child registered.
func TestChild(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	go func() { <-time.After(time.Second); cancel() }()
	ctx, _ := NewContext(Context{Context: parent}) // want "discarded-cancel"
	_ = ctx
}
