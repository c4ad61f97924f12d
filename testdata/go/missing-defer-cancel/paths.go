package paths

import (
	"context"
	"errors"
	"time"
)

var errBad = errors.New("bad")

func work(ctx context.Context) error { return ctx.Err() }

// An early return skips the cancel.
func earlyReturn(parent context.Context, bad bool) error {
	ctx, cancel := context.WithTimeout(parent, time.Second) // want "missing-defer-cancel"
	if bad {
		return errBad
	}
	defer cancel()
	return work(ctx)
}

// Deferred right away: every path uses it.
func deferredAtOnce(parent context.Context, bad bool) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	if bad {
		return errBad
	}
	return work(ctx)
}

// Falling off the end of the function without calling it.
func fallsOffTheEnd(parent context.Context) {
	ctx, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	_ = work(ctx)
}

// Never used at all.
func neverUsed(parent context.Context) {
	var ctx, cancel = context.WithDeadline(parent, time.Now()) // want "missing-defer-cancel"
	_ = ctx
}

// Called on both branches of an if/else.
func bothBranches(parent context.Context, bad bool) error {
	ctx, cancel := context.WithCancel(parent)
	if bad {
		cancel()
		return errBad
	}
	err := work(ctx)
	cancel()
	return err
}

// Called only on one branch.
func oneBranch(parent context.Context, bad bool) error {
	ctx, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	if bad {
		cancel()
		return errBad
	} else {
		return work(ctx)
	}
}

// A switch without default may skip every case.
func switchNoDefault(parent context.Context, n int) {
	_, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	switch n {
	case 1:
		cancel()
	case 2:
		cancel()
	}
}

// With a default, every case calls it.
func switchWithDefault(parent context.Context, n int) {
	_, cancel := context.WithCancel(parent)
	switch n {
	case 1:
		cancel()
	default:
		cancel()
	}
}

// fallthrough reaches the case that cancels.
func switchFallthrough(parent context.Context, n int) {
	_, cancel := context.WithCancel(parent)
	switch n {
	case 1:
		fallthrough
	default:
		cancel()
	}
}

// A type switch is a switch too.
func typeSwitch(parent context.Context, v any) {
	_, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	switch v.(type) {
	case int:
		cancel()
	case string:
	default:
		cancel()
	}
}

// A blocking select takes exactly one case, and both cancel.
func selectBothCases(parent context.Context, a, b chan int) {
	_, cancel := context.WithCancel(parent)
	select {
	case <-a:
		cancel()
	case <-b:
		cancel()
	}
}

// A select whose default does not cancel.
func selectDefault(parent context.Context, a chan int) {
	_, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	select {
	case <-a:
		cancel()
	default:
	}
}

// select {} blocks forever: nothing after it runs, nothing returns.
func selectForever(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	_ = ctx
	if cancel == nil {
		return
	}
	select {}
}

// A loop with a condition may exit before the call.
func loopMayExit(parent context.Context, n int) {
	_, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	for i := 0; i < n; i++ {
		if i == 3 {
			cancel()
		}
	}
}

// An infinite loop only leaves by the break after the call.
func loopBreakAfterCancel(parent context.Context, c chan int) {
	_, cancel := context.WithCancel(parent)
	for {
		if <-c == 0 {
			cancel()
			break
		}
	}
}

// break out of the loop before the call.
func loopBreakBeforeCancel(parent context.Context, c chan int) {
	_, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	for {
		if <-c == 0 {
			break
		}
		if <-c == 1 {
			cancel()
			return
		}
	}
}

// A labelled break leaves both loops past the call.
func labelledBreak(parent context.Context, rows [][]int) {
	_, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
outer:
	for _, row := range rows {
		for _, v := range row {
			if v < 0 {
				break outer
			}
		}
	}
	return
	cancel()
}

// A range over nothing runs no iteration.
func rangeZeroTimes(parent context.Context, xs []int) {
	_, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	for range xs {
		cancel()
	}
}

// goto forward past the call.
func gotoSkips(parent context.Context, bad bool) {
	_, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	if bad {
		goto done
	}
	cancel()
done:
}

// Calls that never return end the path.
func panicsInstead(parent context.Context, bad bool) {
	_, cancel := context.WithCancel(parent)
	if bad {
		panic("bad")
	}
	cancel()
}

// The definition in an if header: the variable lives in the if.
func inIfHeader(parent context.Context) error {
	if ctx, cancel := context.WithCancel(parent); ctx != nil { // want "missing-defer-cancel"
		return work(ctx)
	} else {
		cancel()
	}
	return nil
}

// Assigned with = to a variable declared earlier.
func assigned(parent context.Context, bad bool) error {
	var ctx context.Context
	var cancel context.CancelFunc
	ctx, cancel = context.WithTimeout(parent, time.Second) // want "missing-defer-cancel"
	if bad {
		return errBad
	}
	defer cancel()
	return work(ctx)
}

// Case expressions are tested in order: returning from an earlier case skips a later one's use.
func caseOrder(parent context.Context, n int) {
	_, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	switch {
	case n == 1:
		return
	case cancel != nil:
	}
	cancel()
}

// A use in the first case expression happens before any clause runs.
func caseOrderFirst(parent context.Context, n int) {
	_, cancel := context.WithCancel(parent)
	switch {
	case cancel == nil:
		return
	case n == 1:
		return
	}
	cancel()
}

// Generic functions are analysed like any other.
func generic[T comparable](parent context.Context, v, zero T) {
	_, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	if v == zero {
		cancel()
	}
}

// A branch that never ends (an infinite loop) needs no call.
func spinsForever(parent context.Context, ok bool) {
	_, cancel := context.WithCancel(parent)
	if ok {
		cancel()
	} else {
		for {
			time.Sleep(time.Second)
		}
	}
}

// A blocking select whose only case panics never reaches the code after it without panicking.
func selectOnlyPanics(parent context.Context, c chan int) {
	_, cancel := context.WithCancel(parent)
	select {
	case <-c:
		panic("closed")
	}
	_ = cancel
}

// A condition-only loop may not run its body at all.
func whileLoop(parent context.Context, n int) {
	_, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	for n > 0 {
		cancel()
		n--
	}
}

// A labelled continue skips the call in the outer loop's body, then the loop may exit.
func labelledContinue(parent context.Context, rows [][]int) {
	_, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
rows:
	for _, row := range rows {
		for _, v := range row {
			if v < 0 {
				continue rows
			}
		}
		cancel()
	}
}

// The call before the loop covers every path, whatever the loop does.
func calledBeforeLoop(parent context.Context, rows [][]int) {
	_, cancel := context.WithCancel(parent)
	cancel()
rows:
	for _, row := range rows {
		for _, v := range row {
			if v < 0 {
				continue rows
			}
			if v > 9 {
				break rows
			}
		}
	}
}
