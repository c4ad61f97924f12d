// Real-code patterns: definitions re-run by a loop only after the previous context ended.
package realcode

import (
	"context"
	"time"
)

type session struct{ running bool }

// A session kept in variables outside the loop, started only when none runs and stopped
// (cancel, then nil) before it can start again.
func commands(parent context.Context, in <-chan string, started chan<- context.Context) {
	var sessCtx context.Context
	var sessStop context.CancelFunc
	for line := range in {
		switch line {
		case "begin":
			if sessCtx != nil {
				continue
			}
			sessCtx, sessStop = context.WithCancel(parent)
			started <- sessCtx
		case "end":
			if sessCtx != nil {
				sessStop()
				sessCtx = nil
			}
		}
	}
	if sessStop != nil {
		sessStop()
	}
}

// The guard is a field the loop toggles.
func (s *session) supervise(parent context.Context, ticks <-chan bool, run func(context.Context)) {
	var workStop context.CancelFunc
	for leader := range ticks {
		if leader {
			if !s.running {
				var workCtx context.Context
				workCtx, workStop = context.WithCancel(parent)
				go run(workCtx)
				s.running = true
			}
		} else if s.running {
			workStop()
			s.running = false
		}
	}
	if workStop != nil {
		workStop()
	}
}

// The case fires once: its channel is set to nil before the context is made.
func killOnce(parent context.Context, exited <-chan int) int {
	var stop context.CancelFunc
	var expired <-chan struct{}
	done := parent.Done()
	for {
		select {
		case <-done:
			done = nil
			var killCtx context.Context
			killCtx, stop = context.WithTimeout(context.Background(), time.Second)
			expired = killCtx.Done()
		case code := <-exited:
			if stop != nil {
				stop()
			}
			return code
		case <-expired:
			stop()
			return -1
		}
	}
}

// Look-alike: an unguarded re-definition of an outer variable leaks every iteration.
func unguarded(parent context.Context, jobs []int, run func(context.Context, int)) {
	var stop context.CancelFunc
	for _, job := range jobs {
		var ctx context.Context
		ctx, stop = context.WithCancel(parent) // want "missing-defer-cancel"
		run(ctx, job)
	}
	if stop != nil {
		stop()
	}
}

// Look-alike: a guard on the iteration's own data is no state of the loop.
func guardedByData(parent context.Context, jobs []int, run func(context.Context, int)) {
	var stop context.CancelFunc
	for _, job := range jobs {
		if job < 0 {
			continue
		}
		var ctx context.Context
		ctx, stop = context.WithCancel(parent) // want "missing-defer-cancel"
		run(ctx, job)
	}
	if stop != nil {
		stop()
	}
}
