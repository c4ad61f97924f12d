package basic

import (
	"context"
	"os"
	"os/signal"
	"time"
)

func shortVar(parent context.Context) error {
	ctx, _ := context.WithCancel(parent) // want "discarded-cancel"
	return use(ctx)
}

func allConstructors(parent context.Context) {
	a, _ := context.WithTimeout(parent, time.Second)                   // want "discarded-cancel"
	b, _ := context.WithDeadline(parent, time.Now())                   // want "discarded-cancel"
	c, _ := context.WithCancelCause(parent)                            // want "discarded-cancel"
	d, _ := context.WithTimeoutCause(parent, time.Second, nil)         // want "discarded-cancel"
	e, _ := context.WithDeadlineCause(parent, time.Now(), nil)         // want "discarded-cancel"
	f, _ := signal.NotifyContext(parent, os.Interrupt)                 // want "discarded-cancel"
	_, _, _, _, _, _ = a, b, c, d, e, f
}

func plainAssign(parent context.Context) {
	var ctx context.Context
	ctx, _ = context.WithTimeout(parent, time.Second) // want "discarded-cancel"
	_ = use(ctx)
}

func varDecl(parent context.Context) {
	var ctx, _ = context.WithCancel(parent) // want "discarded-cancel"
	_ = use(ctx)
}

var packageLevel, _ = context.WithCancel(context.Background())

func both(parent context.Context) {
	_, _ = context.WithCancel(parent) // want "discarded-cancel"
}

// Clean: the cancel function is kept.
func kept(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	return use(ctx)
}

// Clean: the context is discarded, not the cancel function.
func keepsCancel(parent context.Context) context.CancelFunc {
	_, cancel := context.WithCancel(parent)
	return cancel
}

// Clean: functions that return no cancel function.
func noCancel(parent context.Context) {
	ctx := context.WithValue(parent, key{}, 1)
	ctx2 := context.WithoutCancel(ctx)
	_ = use(ctx2)
}

type key struct{}

func use(ctx context.Context) error { return ctx.Err() }
