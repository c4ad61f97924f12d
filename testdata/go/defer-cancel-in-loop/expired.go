// Real-code patterns: loops where nothing piles up although the cancel is deferred.
package loops

import (
	"context"
	"time"
)

const shortTimeout = 10 * time.Millisecond

// Each iteration waits as long as the context's timeout before the next one starts: the
// earlier contexts have all expired, which released them.
func pollUntilFailing(ctx context.Context, call func(context.Context) error) {
	for ; ctx.Err() == nil; <-time.After(shortTimeout) {
		callCtx, callCancel := context.WithTimeout(ctx, shortTimeout)
		defer callCancel()
		if call(callCtx) != nil {
			break
		}
	}
	for ctx.Err() == nil {
		callCtx, callCancel := context.WithTimeout(ctx, shortTimeout)
		defer callCancel()
		if call(callCtx) == nil {
			return
		}
		time.Sleep(shortTimeout)
	}
}

// A context nobody can use, made from a root that is never cancelled: nothing to release.
func reload(configs []string, apply func(string)) {
	for _, c := range configs {
		_, cancel := context.WithCancel(context.Background())
		defer cancel()
		apply(c)
	}
}

// Look-alike: the wait is shorter than the timeout.
func pollFast(ctx context.Context, call func(context.Context) error) {
	for ; ctx.Err() == nil; <-time.After(time.Millisecond) {
		callCtx, callCancel := context.WithTimeout(ctx, shortTimeout) // want "defer-cancel-in-loop"
		defer callCancel()
		if call(callCtx) != nil {
			break
		}
	}
}

// Look-alike: the context from a root is used, so what it started stays alive.
func reloadUsed(configs []string, apply func(context.Context, string)) {
	for _, c := range configs {
		ctx, cancel := context.WithCancel(context.Background()) // want "defer-cancel-in-loop"
		defer cancel()
		apply(ctx, c)
	}
}
