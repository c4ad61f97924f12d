package legacy

import (
	"context"
	stdctx "context"

	xcontext "golang.org/x/net/context"
)

type conn struct{}

func (conn) Close(ctx context.Context) error { return nil }

// Still reported under go 1.20, but with no fix: WithoutCancel needs Go 1.21.
func closeAll(ctx context.Context, c conn) {
	defer c.Close(context.Background()) // want "prefer-without-cancel"
	defer c.Close(stdctx.TODO())        // want "prefer-without-cancel"
}

// Clean: the legacy package has no WithoutCancel to suggest.
func legacyPackage(ctx context.Context, c conn) {
	defer c.Close(xcontext.Background())
}
