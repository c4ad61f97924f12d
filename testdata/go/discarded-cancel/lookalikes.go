package basic

import (
	"context"

	other "example.com/other/context"
)

type builder struct{}

func (builder) WithCancel(ctx context.Context) (context.Context, func()) { return ctx, func() {} }

// Clean: a method named WithCancel on a value is not context.WithCancel.
func methodLookalike(b builder, parent context.Context) {
	ctx, _ := b.WithCancel(parent)
	_ = ctx
}

// Clean: another package's WithTimeout is not the context package's.
func otherPackage(parent context.Context) {
	ctx, _ := other.WithTimeout(parent, 1)
	_ = ctx
}

// Clean: a parameter named context shadows the import.
func shadowed(context builder, parent stdContext) {
	ctx, _ := context.WithCancel(parent)
	_ = ctx
}

type stdContext = context.Context
