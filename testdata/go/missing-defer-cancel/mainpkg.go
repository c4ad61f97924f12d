package main

import "context"

// Returning from main.main ends the process: not reported.
func main() {
	ctx, cancel := context.WithCancel(context.Background())
	_ = ctx
	_ = cancel == nil
	ctx, cancel = context.WithCancel(ctx)
}

// Other functions of package main are reported.
func helper(bad bool) {
	_, cancel := context.WithCancel(context.Background()) // want "missing-defer-cancel"
	if bad {
		return
	}
	cancel()
}

func helperOK() {
	_, cancel := context.WithCancel(context.Background())
	cancel()
}
