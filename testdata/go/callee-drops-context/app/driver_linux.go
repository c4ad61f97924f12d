package app

import "context"

func initBridge(ctx context.Context, name string) error {
	return refresh2(ctx)
}

func configure(ctx context.Context) error {
	return initBridge(ctx, "bridge")
}
