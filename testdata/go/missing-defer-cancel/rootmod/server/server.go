package server

import (
	"context"

	"example.com/rootmod/v2"
)

func provision(ctx rootmod.Context) error { return ctx.Err() }

// A wrapper of the module's root package, called from another package of the module.
func load(parent context.Context, bad bool) error {
	ctx, cancel := rootmod.NewContext(rootmod.Context{Context: parent}) // want "missing-defer-cancel"
	if bad {
		return nil
	}
	defer cancel()
	return provision(ctx)
}

func loadOK(parent context.Context) error {
	ctx, cancel := rootmod.NewContext(rootmod.Context{Context: parent})
	defer cancel()
	return provision(ctx)
}
