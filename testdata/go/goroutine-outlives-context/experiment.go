package handlers

import (
	"context"
	"time"
)

type validator struct{ timeout time.Duration }

// Detaches its context at once (boulder's runExperiment): the caller's cancellation never
// reaches the experiment.
func (v *validator) runExperiment(ctx context.Context, op string, run func(context.Context) error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), v.timeout)
	defer cancel()
	_ = run(ctx)
}

func detachedNotify(ctx context.Context, name string) {
	_ = deliver(context.WithoutCancel(ctx), []byte(name))
}

type otherValidator struct{}

// The same name on another type, working with the caller's context.
func (o *otherValidator) runExperiment(ctx context.Context, op string, run func(context.Context) error) {
	_ = run(ctx)
}

// Detaches the context only on one path.
func maybeDetached(ctx context.Context, detach bool) {
	if detach {
		ctx = context.WithoutCancel(ctx)
	}
	_ = deliver(ctx, nil)
}
