package fetch

import (
	"context"
	"net/http"
	"testing"
)

func fetch(ctx context.Context) error { return ctx.Err() }

func TestBackground(t *testing.T) {
	if err := fetch(context.Background()); err != nil { // want "test-background-context"
		t.Fatal(err)
	}
}

func TestTODO(t *testing.T) {
	ctx := context.TODO() // want "test-background-context"
	_ = fetch(ctx)
}

func BenchmarkFetch(b *testing.B) {
	for b.Loop() {
		_ = fetch(context.Background()) // want "test-background-context"
	}
}

func FuzzFetch(f *testing.F) {
	_ = fetch(context.Background()) // want "test-background-context"
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = fetch(context.Background()) // want "test-background-context"
	})
}

func TestWithTB(tb testing.TB) {
	_ = fetch(context.Background()) // want "test-background-context"
}

// Subtests: the innermost t is the one to use.
func TestSubtests(t *testing.T) {
	t.Run("sub", func(t *testing.T) {
		_ = fetch(context.Background()) // want "test-background-context"
	})
	go func() {
		_ = fetch(context.Background()) // want "test-background-context"
	}()
}

// Cleanup callbacks run after the test context is cancelled: a root context is right there.
func TestCleanup(t *testing.T) {
	t.Cleanup(func() {
		_ = fetch(context.Background())
	})
}

// A handler inside a test: background-in-handler's business, with r.Context().
func TestHandler(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = fetch(context.Background())
	})
	_ = h
}

// Helpers that are not tests, and tests without a testing parameter, are left alone.
func helper(t *testing.T) {
	_ = fetch(context.Background())
}

func TestMain(m *testing.M) {
	_ = fetch(context.Background())
}

func ExampleFetch() {
	_ = fetch(context.Background())
}

// Arguments mean another function: context.Background has none.
func TestDerived(t *testing.T) {
	ctx := t.Context()
	_ = fetch(ctx)
}

// A blank testing parameter offers no context to use.
func TestBlank(_ *testing.T) {
	_ = fetch(context.Background())
}

// An inner literal's parameter shadows t: still flagged, with no fix.
func TestShadowed(t *testing.T) {
	t.Run("x", func(t *testing.T) {
		func(t int) {
			_ = fetch(context.Background()) // want "test-background-context"
		}(1)
	})
}
