package basic

import "context"

// A syntax error swallows the next statement: the `_` lies inside an ERROR node and is not
// reported. The rest of the file is still linted.
func broken(parent context.Context) {
	x := [
	ctx, _ := context.WithCancel(parent)
	}
}

func afterBroken(parent context.Context) {
	ctx, _ := context.WithCancel(parent) // want "discarded-cancel"
	_ = ctx
}
