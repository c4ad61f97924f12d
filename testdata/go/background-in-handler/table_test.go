package handlers

import (
	"context"
	"errors"
	"testing"
)

type kv struct{}

func (kv) Put(ctx context.Context, k string) error    { return ctx.Err() }
func (kv) Delete(ctx context.Context, k string) error { return ctx.Err() }

func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// Clean (seaweedfs's filer store test): each case gets the context under test, cancelled on
// purpose here; the case's setup needs a live root.
func TestWritesRejectCancelledContext(t *testing.T) {
	cases := []struct {
		name string
		run  func(s kv, ctx context.Context) error
	}{
		{"delete", func(s kv, ctx context.Context) error {
			_ = s.Put(context.Background(), "k")
			return s.Delete(ctx, "k")
		}},
		{name: "put", run: func(s kv, ctx context.Context) error {
			_ = s.Put(context.Background(), "seed")
			return s.Put(ctx, "k")
		}},
	}
	for _, c := range cases {
		if err := c.run(kv{}, cancelled()); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// Flagged: a helper literal bound to a variable is not a table case.
func TestHelper(t *testing.T) {
	run := func(s kv, ctx context.Context) error {
		return s.Put(context.Background(), "k") // want "background-in-handler"
	}
	_ = run(kv{}, t.Context())
}
