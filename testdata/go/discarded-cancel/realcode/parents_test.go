package realcode

import (
	"context"
	"testing"
	"time"
)

// A test's own context is cancelled when the test ends, which stops the child's timer.
func TestWithDeadline(t *testing.T) {
	ctx, _ := context.WithTimeout(t.Context(), time.Second)
	_ = ctx
	base := t.Context()
	child, _ := context.WithTimeout(base, time.Second)
	_ = child
}

// A subtest inside a parent whose cancel is deferred by the enclosing literal.
func TestSubtests(t *testing.T) {
	t.Run("outer", func(t *testing.T) {
		parent, parentCancel := context.WithTimeout(context.Background(), time.Minute)
		defer parentCancel()
		t.Run("inner", func(t *testing.T) {
			child, _ := context.WithTimeout(parent, time.Second)
			_ = child
		})
	})
}

// Look-alike: a Background parent in a test is never cancelled.
func TestBackground(t *testing.T) {
	ctx, _ := context.WithTimeout(context.Background(), time.Second) // want "discarded-cancel"
	_ = ctx
}

// In a loop a deferred cancel would pile up: the finding stays, without a fix.
func TestTable(t *testing.T) {
	for _, d := range []time.Duration{time.Second, time.Minute} {
		ctx, _ := context.WithTimeout(context.Background(), d) // want "discarded-cancel"
		_ = ctx
	}
}
