package paths

import (
	"context"
	"time"
)

// The fix moves the later defer up instead of deferring twice.
func deferLater(parent context.Context, bad bool) error {
	ctx, cancel := context.WithTimeout(parent, time.Second) // want "missing-defer-cancel"
	if bad {
		return errBad
	}
	defer cancel() // release the timer
	return work(ctx)
}

// The context is captured by a goroutine that outlives the function: no safe fix.
func startsWorker(parent context.Context, out chan<- error, bad bool) error {
	ctx, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	go func() {
		out <- work(ctx)
	}()
	if bad {
		return errBad
	}
	cancel()
	return nil
}
