package handlers

import (
	"context"
	"time"
)

type conn struct{}

func (conn) Exec(ctx context.Context, sql string) error { return nil }

type pool struct{}

func (pool) Acquire(ctx context.Context) (conn, func(), error) { return conn{}, func() {}, nil }
func (pool) Submit(task func())                                {}

type buffer struct{ flush func(string) error }

func newBuffer(ctx context.Context, flush func(string) error) *buffer {
	return &buffer{flush: flush}
}

type timers struct{}

func (timers) scheduleFlush(key string, f func(string)) {}
func (timers) forEachKey(f func(string))                 {}

type closerFunc func()

type worker struct {
	ctx     context.Context
	pool    pool
	timers  timers
	buffers map[string]*buffer
}

func (w *worker) fetch(ctx context.Context, key string) error { return nil }
func (w *worker) keep(key string, b *buffer)                   { w.buffers[key] = b }

// Clean: a literal named like cleanup resets and releases what the function holds, on error
// paths where ctx may already be done.
func (w *worker) partitions(ctx context.Context) error {
	c, release, err := w.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	releaseConn := func() {
		resetCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = c.Exec(resetCtx, "SET lock_timeout = 0")
		release()
	}
	if err := c.Exec(ctx, "SET lock_timeout = '1min'"); err != nil {
		releaseConn()
		return err
	}
	var cleanup func()
	cleanup = func() { _ = c.Exec(context.TODO(), "RESET ALL") }
	defer cleanup()
	// Still flagged: literals named otherwise, run as part of the work.
	refresh := func() { _ = w.fetch(context.Background(), "k") } // want "background-in-handler"
	refresh()
	released := func() { _ = w.fetch(context.TODO(), "k") } // want "background-in-handler"
	released()
	return c.Exec(ctx, "DROP TABLE old")
}

// Clean: a literal appended to a list of closers runs when the owner is closed.
func (w *worker) open(ctx context.Context) []closerFunc {
	var closers []closerFunc
	closers = append(closers, closerFunc(func() {
		dctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = w.fetch(dctx, "deinit")
	}))
	var cleanups []func()
	cleanups = append(cleanups, func() { _ = w.fetch(context.Background(), "undo") })
	_ = cleanups
	// Still flagged: steps appended to run now.
	var steps []func()
	steps = append(steps, func() { _ = w.fetch(context.Background(), "step") }) // want "background-in-handler"
	for _, step := range steps {
		step()
	}
	return closers
}

// Clean: literals handed to a worker pool, a timer, or a call that keeps them under a context
// of its own (w.ctx) run after the function returned.
func (w *worker) publish(ctx context.Context, key string) {
	w.pool.Submit(func() {
		_ = w.fetch(context.Background(), key)
	})
	w.timers.scheduleFlush(key, func(k string) {
		fctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = w.fetch(fctx, k)
	})
	buf := newBuffer(w.ctx, func(msg string) error {
		mctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		return w.fetch(mctx, msg)
	})
	w.keep(key, buf)
	// Still flagged: a literal run at once, and one handed to a call with the parent.
	w.timers.forEachKey(func(k string) {
		_ = w.fetch(context.Background(), k) // want "background-in-handler"
	})
	_ = newBuffer(ctx, func(msg string) error {
		return w.fetch(context.TODO(), msg) // want "background-in-handler"
	})
}

// Clean: where the parent is nil there is no context to pass.
func (w *worker) result(ctx context.Context) error {
	if ctx == nil {
		return w.fetch(context.Background(), "result")
	}
	if ctx != nil {
		_ = w.fetch(ctx, "result")
	} else {
		_ = w.fetch(context.TODO(), "result")
	}
	// Still flagged: the parent is set here.
	if ctx != nil {
		return w.fetch(context.Background(), "again") // want "background-in-handler"
	}
	return nil
}
