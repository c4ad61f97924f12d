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
	g.Go(func() error { return c.Fetch(ctx, "b") })
	return g.Wait()
}

func declared(ctx context.Context, c client) error {
	var g, _ = eg.WithContext(ctx) // want "errgroup-context"
	g.Go(func() error { return c.Fetch(ctx, "a") })
	g.Go(func() error { return c.Fetch(ctx, "b") })
	return g.Wait()
}

// One goroutine, started once, and nothing else uses the context before Wait: its failure
// has nothing to cancel (redpanda connect's Oracle CDC input).
func onlyGoroutine(ctx context.Context, c client) error {
	g, _ := eg.WithContext(ctx)
	g.Go(func() error {
		if err := c.Fetch(ctx, "stream"); err != nil {
			return err
		}
		return nil
	})
	return g.Wait()
}

// One goroutine, but the function works with the parent context meanwhile: the group's
// context would stop that work when the goroutine fails.
func onlyGoroutineAndCaller(ctx context.Context, c client) error {
	g, _ := eg.WithContext(ctx) // want "errgroup-context"
	g.Go(func() error { return c.Fetch(ctx, "produce") })
	if err := c.Fetch(ctx, "consume"); err != nil {
		return err
	}
	return g.Wait()
}

func startMore(g *eg.Group, ctx context.Context, c client) {
	g.Go(func() error { return c.Fetch(ctx, "more") })
}

// One goroutine here, more where the group is handed on.
func onlyGoroutineHere(ctx context.Context, c client) error {
	g, _ := eg.WithContext(ctx) // want "errgroup-context"
	g.Go(func() error { return c.Fetch(ctx, "a") })
	startMore(g, ctx, c)
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

// One `Go`, but more goroutines started with `TryGo`.
func oneGoManyTries(ctx context.Context, c client, keys []string) error {
	g, _ := eg.WithContext(ctx) // want "errgroup-context"
	g.Go(func() error { return c.Fetch(ctx, "first") })
	for _, k := range keys {
		g.TryGo(func() error { return c.Fetch(ctx, k) })
	}
	return g.Wait()
}
