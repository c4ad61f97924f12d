package uses

import (
	"context"
	"log"
	"os"
	"runtime"
	"testing"
	"time"

	"k8s.io/klog/v2"
)

func work(ctx context.Context) error { return ctx.Err() }

// Package variables are someone else's to cancel.
var globalCancel context.CancelFunc

func package_level(parent context.Context) {
	_, globalCancel = context.WithCancel(parent)
}

// Any reference is a use: passing it on.
func passed(parent context.Context, register func(context.CancelFunc)) {
	ctx, cancel := context.WithCancel(parent)
	register(cancel)
	_ = work(ctx)
}

// Storing it.
type holder struct{ stop context.CancelFunc }

func stored(parent context.Context, h *holder) context.Context {
	ctx, cancel := context.WithCancel(parent)
	h.stop = cancel
	return ctx
}

// Returning it.
func returned(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	return ctx, cancel
}

// Comparing it with nil.
func compared(parent context.Context) bool {
	_, cancel := context.WithCancel(parent)
	return cancel != nil
}

// Assigning it to the blank identifier.
func blanked(parent context.Context) {
	_, cancel := context.WithCancel(parent)
	_ = cancel
}

// Used inside a nested func literal.
func inLiteral(parent context.Context, done chan struct{}) {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		<-done
		cancel()
	}()
	_ = work(ctx)
}

// A named result and a bare return.
func namedResult(parent context.Context) (ctx context.Context, cancel context.CancelFunc) {
	ctx, cancel = context.WithCancel(parent)
	return
}

// A named result, but the return hands out something else.
func namedResultReturnsOther(parent context.Context) (ctx context.Context, cancel context.CancelFunc) {
	ctx, cancel = context.WithCancel(parent) // want "missing-defer-cancel"
	return ctx, nil
}

// The inner := shadows: calling the inner one does not call the outer one.
func shadowed(parent context.Context) {
	_, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	{
		_, cancel := context.WithCancel(parent)
		defer cancel()
	}
}

// A literal with a parameter of the same name uses its own variable.
func shadowedByParameter(parent context.Context, run func(func(context.CancelFunc))) {
	_, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	run(func(cancel context.CancelFunc) { cancel() })
}

// A literal is analysed on its own: its own early return.
func literalOnItsOwn(parent context.Context) func(bool) error {
	return func(bad bool) error {
		ctx, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
		if bad {
			return nil
		}
		defer cancel()
		return work(ctx)
	}
}

// A variable of the enclosing function, bound inside a literal: the literal does not own it.
func capturedVariable(parent context.Context) {
	var cancel context.CancelFunc
	func() {
		_, cancel = context.WithCancel(parent)
	}()
	defer cancel()
}

// Calls that never return end paths.
func exits(parent context.Context, t *testing.T, n int) {
	ctx, cancel := context.WithCancel(parent)
	switch n {
	case 1:
		os.Exit(1)
	case 2:
		log.Fatalf("n=%d", n)
	case 3:
		t.Fatal("three")
	case 4:
		runtime.Goexit()
	case 5:
		t.SkipNow()
	case 6:
		log.Panicln("six")
	case 7:
		klog.Fatalf("seven")
	case 8:
		new(testing.T).FailNow()
	}
	defer cancel()
	_ = work(ctx)
}

// A method named Exit on a value does return.
type exiter struct{}

func (exiter) Exit(int) {}

func methodExit(parent context.Context, os exiter) {
	_, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	if parent == nil {
		os.Exit(1)
		return
	}
	cancel()
}

// Beyond lostcancel: overwriting the variable before any use loses the first one.
func overwritten(parent context.Context) {
	ctx, cancel := context.WithCancel(parent) // want "missing-defer-cancel"
	ctx, cancel = context.WithTimeout(ctx, time.Second)
	defer cancel()
	_ = work(ctx)
}

// Overwritten after a use: fine.
func overwrittenAfterUse(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	cancel()
	ctx, cancel = context.WithTimeout(parent, time.Second)
	defer cancel()
	_ = work(ctx)
}

// Beyond lostcancel: a goto back to a retry label leaks each attempt.
func retryWithGoto(parent context.Context) error {
retry:
	ctx, cancel := context.WithTimeout(parent, time.Second) // want "missing-defer-cancel"
	if err := work(ctx); err != nil {
		goto retry
	}
	cancel()
	return nil
}

// The retry cancels before jumping back.
func retryWithGotoCancelled(parent context.Context) error {
retry:
	ctx, cancel := context.WithTimeout(parent, time.Second)
	if err := work(ctx); err != nil {
		cancel()
		goto retry
	}
	cancel()
	return nil
}

// An infinite loop whose continue skips the cancel: each iteration leaks.
func loopContinueLeaks(parent context.Context, jobs chan int) {
	for job := range jobs {
		ctx, cancel := context.WithTimeout(parent, time.Second) // want "missing-defer-cancel"
		if job < 0 {
			continue
		}
		_ = work(ctx)
		cancel()
	}
}

// The loop cancels on every iteration.
func loopCancelsEachTime(parent context.Context, jobs chan int) {
	for job := range jobs {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		if job < 0 {
			cancel()
			continue
		}
		_ = work(ctx)
		cancel()
	}
}

// A deferred closure set up before the binding is not on the path from the binding: go vet's
// lostcancel reports this too, and so do we (call it on the path, or defer after binding).
func deferredBeforeBinding(parent context.Context, short bool) error {
	var cancel context.CancelFunc
	defer func() {
		if cancel != nil {
			cancel()
		}
	}()
	ctx := parent
	if short {
		ctx, cancel = context.WithTimeout(parent, time.Second) // want "missing-defer-cancel"
	}
	return work(ctx)
}

// Bound and deferred inside the branch.
func deferredInBranch(parent context.Context, short bool) error {
	ctx := parent
	if short {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(parent, time.Second)
		defer cancel()
	}
	return work(ctx)
}

// A deferred closure that only sometimes calls it still uses it.
func deferredConditionally(parent context.Context) (err error) {
	ctx, cancel := context.WithCancel(parent)
	defer func() {
		if err != nil {
			cancel()
		}
	}()
	return work(ctx)
}

// A goto forward to the call.
func gotoToTheCall(parent context.Context, n int) {
	ctx, cancel := context.WithCancel(parent)
	for i := 0; i < n; i++ {
		if i == 5 {
			goto end
		}
	}
	_ = work(ctx)
end:
	cancel()
}

// Beyond lostcancel: an infinite loop that goes around again without calling it. lostcancel
// finds no return on that path; every failed attempt leaks a context.
func retryLoop(parent context.Context) {
	for {
		ctx, cancel := context.WithTimeout(parent, time.Second) // want "missing-defer-cancel"
		if work(ctx) == nil {
			cancel()
			return
		}
	}
}

// The same loop, cancelling each failed attempt.
func retryLoopCancelled(parent context.Context) {
	for {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		err := work(ctx)
		cancel()
		if err == nil {
			return
		}
	}
}

type memoryStore struct{ shutdown context.CancelFunc }

func (s *memoryStore) startCleanup(ctx context.Context) {}

// A later spec of the same `var` block stores the cancel function in the struct it returns
// (flipt's in-memory authentication store).
func newMemoryStore() *memoryStore {
	var (
		ctx, cancel = context.WithCancel(context.Background())
		store       = &memoryStore{
			shutdown: cancel,
		}
	)
	store.startCleanup(ctx)
	return store
}

// The same block with the cancel function only defined: still lost.
func newLeakyStore() *memoryStore {
	var (
		ctx, cancel = context.WithCancel(context.Background()) // want "missing-defer-cancel"
		store       = &memoryStore{}
	)
	store.startCleanup(ctx)
	return store
}

// Syntax the grammar does not know yet (Go 1.26's `new(expr)`) leaves the paths of the
// function unknown: no finding (controller-runtime's runnable group tests).
func newerSyntax(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	exited := new(int64(0))
	for i := range 10 {
		go func() { <-ctx.Done(); _ = i }()
	}
	cancel()
	_ = exited
}
