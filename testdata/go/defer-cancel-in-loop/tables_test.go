// Real-code patterns from test suites: loops whose length the test spells out.
package loops

import (
	"context"
	"testing"
	"time"
)

// A table of cases in a variable, and a field of each case.
func TestCases(t *testing.T, run func(context.Context, string) error) {
	cases := []struct {
		name  string
		steps []string
	}{
		{name: "one", steps: []string{"a"}},
		{name: "two", steps: []string{"a", "b"}},
	}
	for _, tc := range cases {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		for _, step := range tc.steps {
			stepCtx, stepCancel := context.WithTimeout(ctx, time.Second)
			defer stepCancel()
			_ = run(stepCtx, step)
		}
	}
	flags := []bool{false, true}
	for _, on := range flags {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		_ = on
		_ = run(ctx, "flag")
	}
}

// A slice made with a small constant length, and a constant expression as the bound.
func TestWorkers(t *testing.T, stop func(context.Context)) {
	const workers = 3
	stops := make([]func(context.Context), workers)
	for range stops {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		stop(ctx)
	}
	for i := range workers - 1 {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		_ = i
		stop(ctx)
	}
}

// Look-alike: a variable that is not spelled out as a table.
func TestFromCaller(t *testing.T, names []string, run func(context.Context, string) error) {
	for _, name := range names {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second) // want "defer-cancel-in-loop"
		defer cancel()
		_ = run(ctx, name)
	}
}

// Look-alike: a slice made with a large length.
func TestManyWorkers(t *testing.T, stop func(context.Context)) {
	stops := make([]int, 1000)
	for range stops {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second) // want "defer-cancel-in-loop"
		defer cancel()
		stop(ctx)
	}
}

var requestCount = 24

var retries = 5

// A fixed bound from a package-level variable the file never assigns.
func TestRequests(t *testing.T, call func(context.Context) error) {
	for i := 0; i < requestCount; i++ {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		_ = call(ctx)
	}
}

// Look-alike: a package-level variable the file changes is no fixed bound.
func TestRetries(t *testing.T, call func(context.Context) error) {
	retries = 50
	for i := 0; i < retries; i++ {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second) // want "defer-cancel-in-loop"
		defer cancel()
		_ = call(ctx)
	}
}
