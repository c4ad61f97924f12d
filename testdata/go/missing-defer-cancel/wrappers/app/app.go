package app

import (
	"context"
	"time"

	cu "example.com/project/wrappers/ctxutil"
	"example.com/project/wrappers/ctxutil"
	"example.com/project/wrappers/other"
)

func use(ctx context.Context) {}

// Called from another package, qualified by the package name.
func qualified(parent context.Context, bad bool) {
	ctx, cancel := ctxutil.WithTimeout(parent, time.Second) // want "missing-defer-cancel"
	if bad {
		return
	}
	defer cancel()
	use(ctx)
}

// Under an alias, with the cancel function first.
func aliased(parent context.Context) {
	stop, ctx := cu.Start(parent) // want "missing-defer-cancel"
	use(ctx)
	if ctx == nil {
		stop(nil)
	}
}

func qualifiedOK(parent context.Context) {
	ctx, cancel := ctxutil.WithTimeout(parent, time.Second)
	defer cancel()
	use(ctx)
}

// A function of the same name in a package that is not a wrapper's.
func otherPackage(parent context.Context) {
	ctx, done := other.WithTimeout(parent, time.Second)
	use(ctx)
	_ = done
}

// Same name, same package name, but this directory declares no such function.
func WithTimeout(parent context.Context, d time.Duration) (context.Context, func()) {
	return parent, func() {}
}

func localNotWrapper(parent context.Context) {
	ctx, done := WithTimeout(parent, time.Second)
	use(ctx)
	_ = done
}
