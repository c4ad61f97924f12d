// Loop bounds named like a constant declared in another function: that constant is not in
// scope, so it does not make the loop short (only the name in scope counts: a constant of the
// loop's own function or of the package).
package loops

import (
	"context"
	"testing"
	"time"
)

func TestSetup(t *testing.T) {
	const rounds = 3
	const attempts = 2
	_, _ = rounds, attempts
}

func TestRounds(t *testing.T, load func() int, stop func(context.Context)) {
	rounds := load()
	for i := 0; i < rounds; i++ {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second) // want "defer-cancel-in-loop"
		defer cancel()
		stop(ctx)
	}
}

const attempts = 1000

func TestAttempts(t *testing.T, stop func(context.Context)) {
	for i := 0; i < attempts; i++ {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second) // want "defer-cancel-in-loop"
		defer cancel()
		stop(ctx)
	}
}

const retries = 3

func TestRetries(t *testing.T, stop func(context.Context)) {
	for i := 0; i < retries; i++ {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		stop(ctx)
	}
}
