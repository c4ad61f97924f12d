package timeouts

import (
	"context"
	"time"
)

// Short is a cancel-producing wrapper.
func Short(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(parent, time.Second)
}

func local(parent context.Context) context.Context {
	ctx, _ := Short(parent) // want "discarded-cancel"
	return ctx
}
