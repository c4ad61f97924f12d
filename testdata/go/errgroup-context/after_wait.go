package afterwait

import (
	"context"
	"log/slog"

	"golang.org/x/sync/errgroup"
)

func fetch(ctx context.Context, key string) error { return ctx.Err() }
func store(ctx context.Context) error             { return ctx.Err() }

// The group's context shadows the parameter; after Wait it is always cancelled.
func shadowed(ctx context.Context, keys []string) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, k := range keys {
		g.Go(func() error { return fetch(ctx, k) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return store(ctx) // want "errgroup-context"
}

// Only the first use after Wait is reported.
func firstUseOnly(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return fetch(gctx, "a") })
	err := g.Wait()
	if err != nil {
		return fetch(gctx, "cleanup") // want "errgroup-context"
	}
	return store(gctx)
}

// Checking the group's context after Wait always finds it cancelled.
func errAfterWait(ctx context.Context) bool {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return fetch(gctx, "a") })
	_ = g.Wait()
	return gctx.Err() != nil // want "errgroup-context"
}

// The parent context after Wait is right.
func parentAfterWait(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return fetch(gctx, "a") })
	if err := g.Wait(); err != nil {
		return err
	}
	return store(ctx)
}

// Assigned again before the use.
func reassigned(parent context.Context) error {
	g, ctx := errgroup.WithContext(parent)
	g.Go(func() error { return fetch(ctx, "a") })
	if err := g.Wait(); err != nil {
		return err
	}
	ctx = parent
	return store(ctx)
}

// Each iteration makes a new group and context.
func perIteration(ctx context.Context, batches [][]string) error {
	for _, batch := range batches {
		g, gctx := errgroup.WithContext(ctx)
		for _, k := range batch {
			g.Go(func() error { return fetch(gctx, k) })
		}
		if err := g.Wait(); err != nil {
			return err
		}
	}
	return nil
}

// A deferred Wait returns when the function does: nothing runs after it.
func deferredWait(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	defer g.Wait()
	g.Go(func() error { return fetch(gctx, "a") })
	return store(gctx)
}

// Values and logging do not care about cancellation.
func valuesOnly(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return fetch(gctx, "a") })
	err := g.Wait()
	slog.InfoContext(gctx, "done")
	_ = gctx.Value("request-id")
	return err
}

func CountError(ctx context.Context, err error) error { return err }

// Counting an error only reads the stats the context carries (rclone's checkHashes).
func countedAfterWait(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	var fetchErr error
	g.Go(func() error {
		fetchErr = fetch(ctx, "a")
		return fetchErr
	})
	_ = g.Wait()
	if fetchErr != nil {
		return CountError(ctx, fetchErr)
	}
	return nil
}

type lease struct{ id string }

type leaseKey struct{}

func leaseFromContext(ctx context.Context) (lease, bool) {
	l, ok := ctx.Value(leaseKey{}).(lease)
	return l, ok
}

type ref struct{ chainID string }

// Only reads the lease the context carries (buildkit's computeChainMetadata).
func (r *ref) computeChainMetadata(ctx context.Context, filter map[string]struct{}) error {
	if _, ok := leaseFromContext(ctx); !ok {
		return nil
	}
	slog.DebugContext(ctx, "chain", "id", r.chainID)
	r.chainID = "sha256:..."
	return nil
}

// Hands its context on to work that the cancellation stops.
func (r *ref) commit(ctx context.Context) error {
	return store(ctx)
}

// Watches its context: after Wait it always finds it done.
func (r *ref) stillWanted(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return false
	default:
		return true
	}
}

// A function of the file that only reads values from its context parameter does not fail
// with the cancelled group context (buildkit's computeBlobChain).
func valueReadingCallee(ctx context.Context, r *ref, filter map[string]struct{}) error {
	eg, ctx := errgroup.WithContext(ctx)
	eg.Go(func() error { return fetch(ctx, "a") })
	if err := eg.Wait(); err != nil {
		return err
	}
	return r.computeChainMetadata(ctx, filter)
}

// A callee that passes the context on to work is a use.
func workingCallee(ctx context.Context, r *ref) error {
	eg, ctx := errgroup.WithContext(ctx)
	eg.Go(func() error { return fetch(ctx, "a") })
	if err := eg.Wait(); err != nil {
		return err
	}
	return r.commit(ctx) // want "errgroup-context"
}

// So is a callee that watches the context: it is always done after Wait.
func watchingCallee(ctx context.Context, r *ref) bool {
	eg, gctx := errgroup.WithContext(ctx)
	eg.Go(func() error { return fetch(gctx, "a") })
	_ = eg.Wait()
	return r.stillWanted(gctx) // want "errgroup-context"
}

// A getter of a value the context carries, named like one, reads nothing else.
func valueGetter(ctx context.Context) (lease, error) {
	eg, gctx := errgroup.WithContext(ctx)
	eg.Go(func() error { return fetch(gctx, "a") })
	err := eg.Wait()
	l, _ := leaseFromContext(gctx)
	return l, err
}

type job struct{ id string }

// Each call of the callback waits for the previous call's group, then declares a new context
// with `var` and makes a new group: the declaration is not a use of the cancelled context
// (pachyderm's service.Run).
func restartPerJob(parent context.Context, subscribe func(func(job) error) error) error {
	var cancel context.CancelFunc
	var eg *errgroup.Group
	return subscribe(func(j job) error {
		if cancel != nil {
			cancel()
			if err := eg.Wait(); err != nil {
				return err
			}
		}
		var ctx context.Context
		ctx, cancel = context.WithCancel(parent)
		eg, ctx = errgroup.WithContext(ctx)
		eg.Go(func() error { return fetch(ctx, j.id) })
		return nil
	})
}

// A `var` group in the loop declares a new group and context each iteration (moby's layer
// migration).
func perIterationVar(ctx context.Context, batches [][]string) error {
	for _, batch := range batches {
		var (
			keys    = batch
			g, gctx = errgroup.WithContext(ctx)
		)
		for _, k := range keys {
			g.Go(func() error { return fetch(gctx, k) })
		}
		if err := g.Wait(); err != nil {
			return err
		}
	}
	return nil
}

// Assigned, not declared, in the loop: the next iteration uses the cancelled context before
// assigning it again.
func assignedPerIteration(ctx context.Context, batches [][]string) error {
	var g *errgroup.Group
	gctx := ctx
	for _, batch := range batches {
		if err := store(gctx); err != nil { // want "errgroup-context"
			return err
		}
		g, gctx = errgroup.WithContext(ctx)
		for _, k := range batch {
			g.Go(func() error { return fetch(gctx, k) })
		}
		if err := g.Wait(); err != nil {
			return err
		}
	}
	return nil
}

// Declared by the loop's first statement, which runs once: the next iteration uses the
// cancelled context.
func declaredByTheLoop(ctx context.Context, keys []string) error {
	for
	g, gctx := errgroup.WithContext(ctx); len(keys) > 0; keys = keys[1:] {
		if err := store(gctx); err != nil { // want "errgroup-context"
			return err
		}
		g.Go(func() error { return fetch(gctx, keys[0]) })
		if err := g.Wait(); err != nil {
			return err
		}
	}
	return nil
}
