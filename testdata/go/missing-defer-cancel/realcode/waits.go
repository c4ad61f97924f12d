package realcode

import (
	"context"
	"time"
)

// A path that waited for the context's Done channel has nothing left to release.
func pollUntilHit(parent context.Context, try func(context.Context), hit <-chan struct{}) {
	for parent.Err() == nil {
		tryCtx, tryCancel := context.WithTimeout(parent, 10*time.Millisecond)
		try(tryCtx)
		select {
		case <-tryCtx.Done():
		case <-hit:
			tryCancel()
			return
		}
	}
}

// The same, waiting as a statement.
func retryUntil(parent context.Context, try func(context.Context) bool) {
	for {
		tryCtx, tryCancel := context.WithTimeout(parent, 10*time.Millisecond)
		if try(tryCtx) {
			tryCancel()
			return
		}
		<-tryCtx.Done()
	}
}

// Look-alike: waiting on another context's Done channel releases nothing.
func waitsOnParent(parent context.Context, try func(context.Context), hit <-chan struct{}) {
	for {
		tryCtx, tryCancel := context.WithTimeout(parent, 10*time.Millisecond) // want "missing-defer-cancel"
		try(tryCtx)
		select {
		case <-parent.Done():
			return
		case <-hit:
			tryCancel()
			return
		}
	}
}

// A cancel function set to nil is handed on deliberately (go vet sees a use too).
func handedToBody(parent context.Context, do func(context.Context) error) error {
	ctx, cancel := context.WithCancel(parent)
	defer func() {
		if cancel != nil {
			cancel()
		}
	}()
	if err := do(ctx); err != nil {
		return err
	}
	cancel = nil
	return nil
}

// The author says why the cancel function is not deferred: the response body is read after
// the function returns.
func transfer(parent context.Context, do func(context.Context) (int, error), timer <-chan time.Time) (int, error) {
	reqCtx, cancel := context.WithCancel(parent)
	// NOTE: we do NOT use `defer cancel()` here; the caller reads the body afterwards.
	// Cancellation is handled by hand on the timeout path.
	results := make(chan int, 1)
	go func() {
		n, _ := do(reqCtx)
		results <- n
	}()
	select {
	case <-timer:
		cancel()
		return 0, context.DeadlineExceeded
	case n := <-results:
		return n, nil
	}
}

// Look-alike: a comment that does not explain anything about the cancel function.
func transferUnexplained(parent context.Context, do func(context.Context) (int, error), timer <-chan time.Time) (int, error) {
	reqCtx, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	// Start the transfer.
	results := make(chan int, 1)
	go func() {
		n, _ := do(reqCtx)
		results <- n
	}()
	select {
	case <-timer:
		cancel()
		return 0, context.DeadlineExceeded
	case n := <-results:
		return n, nil
	}
}
