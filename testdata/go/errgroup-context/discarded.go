package discarded

import (
	"context"
	"testing"

	eg "golang.org/x/sync/errgroup"
)

type client struct{}

func (client) Fetch(ctx context.Context, key string) error { return ctx.Err() }
func (client) Close() error                              { return nil }

// The goroutines take the parent context: a failure cancels nothing.
func fetchAll(ctx context.Context, c client, keys []string) error {
	g, _ := eg.WithContext(ctx) // want "errgroup-context"
	for _, k := range keys {
		g.Go(func() error {
			return c.Fetch(ctx, k)
		})
	}
	return g.Wait()
}

// `=` and `var` forms.
func assigned(ctx context.Context, c client) error {
	var g *eg.Group
	g, _ = eg.WithContext(ctx) // want "errgroup-context"
	g.Go(func() error { return c.Fetch(ctx, "a") })
	return g.Wait()
}

func declared(ctx context.Context, c client) error {
	var g, _ = eg.WithContext(ctx) // want "errgroup-context"
	g.Go(func() error { return c.Fetch(ctx, "a") })
	return g.Wait()
}

// Using the group's context: a failure cancels the others.
func groupContext(ctx context.Context, c client, keys []string) error {
	g, gctx := eg.WithContext(ctx)
	for _, k := range keys {
		g.Go(func() error {
			return c.Fetch(gctx, k)
		})
	}
	return g.Wait()
}

// Nothing takes a context: a plain group in all but name.
func noContextWork(ctx context.Context, closers []client) error {
	g, _ := eg.WithContext(ctx)
	for _, c := range closers {
		g.Go(c.Close)
		g.Go(func() error { return c.Close() })
	}
	return g.Wait()
}

// The goroutines never fail: there is nothing to cancel on.
func neverFails(ctx context.Context, c client, keys []string) error {
	g, _ := eg.WithContext(ctx)
	for _, k := range keys {
		g.Go(func() error {
			_ = c.Fetch(ctx, k)
			return nil
		})
	}
	return g.Wait()
}

// A test gains nothing from cancelling its other goroutines.
func TestFetch(t *testing.T) {
	ctx := context.Background()
	g, _ := eg.WithContext(ctx)
	g.Go(func() error { return client{}.Fetch(ctx, "a") })
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}

// A plain group.
func plain(ctx context.Context, c client) error {
	var g eg.Group
	g.Go(func() error { return c.Fetch(ctx, "a") })
	return g.Wait()
}
