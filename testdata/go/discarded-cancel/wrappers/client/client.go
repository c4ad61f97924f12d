package client

import (
	"context"

	"example.com/service/timeouts"
)

func call(parent context.Context) error {
	ctx, _ := timeouts.Short(parent) // want "discarded-cancel"
	return ctx.Err()
}

func callOK(parent context.Context) error {
	ctx, cancel := timeouts.Short(parent)
	defer cancel()
	return ctx.Err()
}
