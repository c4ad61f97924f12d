package app

import "context"

func initBridge(name string) error {
	return refresh2(context.TODO())
}
