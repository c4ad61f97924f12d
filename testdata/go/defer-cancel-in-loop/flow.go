package loops

import (
	"context"
	"errors"
	"time"
)

// The block holding the defer ends in return: the loop never goes around again.
func finalUpdate(ctx context.Context, tick <-chan time.Time, update func(context.Context)) {
	for {
		select {
		case <-tick:
			update(ctx)
		case <-ctx.Done():
			lastCtx, lastCancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
			defer lastCancel()
			update(lastCtx)
			return
		}
	}
}

// Every path that goes around again calls the cancel function first: nothing leaks.
func hammer(stop context.Context, op func()) error {
	for {
		ctx, cancel := context.WithTimeout(stop, 100*time.Millisecond)
		defer cancel()
		done := make(chan struct{})
		go func() { op(); close(done) }()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-done:
			cancel()
			continue
		}
	}
}

// Look-alike: one path continues without calling it.
func retry(parent context.Context, try func(context.Context) error) {
	for {
		ctx, cancel := context.WithTimeout(parent, time.Second) // want "defer-cancel-in-loop"
		defer cancel()
		if err := try(ctx); err != nil {
			continue
		}
		cancel()
		return
	}
}

// The result leaves the function by a return and is kept in a variable outside the loop until
// then: cancelling per iteration would break it.
func fetchWithRetries(parent context.Context, get func(context.Context) (*int, error)) (*int, error) {
	var res *int
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		tryCtx, tryCancel := context.WithTimeout(parent, time.Second)
		defer tryCancel()
		res, err = get(tryCtx)
		if err == nil {
			return res, nil
		}
	}
	return res, err
}

// Look-alike: DeadlineExceeded is one outcome among others; a pending answer goes around
// with a live context.
func pollStatus(parent context.Context, status func(context.Context) (bool, error), reconnect func()) error {
	for {
		pollCtx, pollCancel := context.WithTimeout(parent, time.Second) // want "defer-cancel-in-loop"
		defer pollCancel()
		done, err := status(pollCtx)
		switch {
		case err != nil && !errors.Is(err, context.DeadlineExceeded):
			reconnect()
		case done:
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A goroutine that cancels the context itself when it is done does not need the loop to keep
// it alive: the deferred calls only pile up.
func holdLocks(parent context.Context, acquire func() bool, work func(context.Context), keep func(context.Context)) {
	for {
		if acquire() {
			lockCtx, lockCancel := context.WithCancel(parent) // want "defer-cancel-in-loop"
			defer lockCancel()
			go func() {
				defer lockCancel()
				work(lockCtx)
			}()
			keep(lockCtx)
		}
		time.Sleep(time.Second)
	}
}

type process struct{ resize func(int) }

type started struct{}

func (started) Resize(int) {}

// A method value of a value made from the context is stored outside the iteration.
func startAll(ids []int, procs map[int]*process, start func(context.Context, int) (started, error)) error {
	for _, id := range ids {
		initCtx, initCancel := context.WithCancel(context.Background())
		defer initCancel()
		proc, err := start(initCtx, id)
		if err != nil {
			return err
		}
		procs[id].resize = proc.Resize
	}
	return nil
}
