package loops

import (
	"context"
	"os/signal"
	"time"
)

func run(ctx context.Context, job int) {}

// Defined and deferred in the same loop body: reported at the cancel variable.
func rangeLoop(parent context.Context, jobs []int) {
	for _, job := range jobs {
		ctx, cancel := context.WithTimeout(parent, time.Second) // want "defer-cancel-in-loop"
		defer cancel()
		run(ctx, job)
	}
}

func threeClause(parent context.Context, n int) {
	for i := 0; i < n; i++ {
		ctx, stop := signal.NotifyContext(parent) // want "defer-cancel-in-loop"
		defer stop()
		run(ctx, i)
	}
}

func infinite(parent context.Context, jobs chan int) {
	for {
		ctx, cancel := context.WithCancel(parent) // want "defer-cancel-in-loop"
		if job, ok := <-jobs; ok {
			defer cancel()
			run(ctx, job)
		} else {
			cancel()
			return
		}
	}
}

// A cancel-cause function deferred with an argument.
func withCause(parent context.Context, jobs []int) {
	for _, job := range jobs {
		ctx, cancel := context.WithCancelCause(parent) // want "defer-cancel-in-loop"
		defer cancel(nil)
		run(ctx, job)
	}
}

// Defined before the loop, deferred inside it: reported at the defer.
func definedOutside(parent context.Context, jobs []int) {
	ctx, cancel := context.WithCancel(parent)
	for _, job := range jobs {
		defer cancel() // want "defer-cancel-in-loop"
		run(ctx, job)
	}
}

// Assigned with = inside the loop to a variable declared outside.
func assignedInLoop(parent context.Context, jobs []int) {
	var cancel context.CancelFunc
	var ctx context.Context
	for _, job := range jobs {
		ctx, cancel = context.WithTimeout(parent, time.Second) // want "defer-cancel-in-loop"
		defer cancel()
		run(ctx, job)
	}
}

// Nested loops: the defer is in the inner loop, the definition in the outer one.
func nested(parent context.Context, rows [][]int) {
	for _, row := range rows {
		ctx, cancel := context.WithCancel(parent)
		for _, v := range row {
			defer cancel() // want "defer-cancel-in-loop"
			run(ctx, v)
		}
	}
}

// A func literal per iteration: the defer runs when the literal returns.
func literalPerIteration(parent context.Context, jobs []int) {
	for _, job := range jobs {
		func() {
			ctx, cancel := context.WithTimeout(parent, time.Second)
			defer cancel()
			run(ctx, job)
		}()
	}
}

// Cancelled at the end of each iteration.
func cancelEachIteration(parent context.Context, jobs []int) {
	for _, job := range jobs {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		run(ctx, job)
		cancel()
	}
}

// Deferred after the loop.
func deferAfterLoop(parent context.Context, jobs []int) {
	ctx, cancel := context.WithCancel(parent)
	for _, job := range jobs {
		run(ctx, job)
	}
	defer cancel()
}

// Other deferred calls in loops are not this rule's business.
func otherDefers(parent context.Context, files []func()) {
	for _, closeFile := range files {
		defer closeFile()
	}
}

// A parameter that happens to be a cancel function: not bound here from a cancel-producing call.
func parameterCancel(cancel context.CancelFunc, jobs []int) {
	for range jobs {
		defer cancel()
	}
}

// A shadowing variable of the same name that is not a cancel function.
func shadowedName(parent context.Context, jobs []int) {
	_, cancel := context.WithCancel(parent)
	defer cancel()
	for range jobs {
		cancel := func() {}
		defer cancel()
	}
}

// A deferred closure that calls it is deferred all the same.
func deferredClosure(parent context.Context, jobs []int) {
	for _, job := range jobs {
		ctx, cancel := context.WithTimeout(parent, time.Second) // want "defer-cancel-in-loop"
		defer func() {
			cancel()
		}()
		run(ctx, job)
	}
}

// A closure called at once, not deferred, is fine.
func immediateClosure(parent context.Context, jobs []int) {
	for _, job := range jobs {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		func() {
			defer cancel()
			run(ctx, job)
		}()
	}
}

// A condition-only loop.
func whileLoop(parent context.Context, n int) {
	for n > 0 {
		ctx, cancel := context.WithCancel(parent) // want "defer-cancel-in-loop"
		defer cancel()
		run(ctx, n)
		n--
	}
}
