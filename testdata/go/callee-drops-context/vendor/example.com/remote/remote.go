package remote

import (
	"context"
	"time"
)

type Client struct{ timeout time.Duration }

// Fetch starts its own root: a caller with a context cannot stop it.
func (c *Client) Fetch(key string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	return get(ctx, key)
}

// Ping is plain work on a root too.
func Ping() error {
	return get2(context.TODO())
}

func get(ctx context.Context, key string) (string, error) { return key, ctx.Err() }

func get2(ctx context.Context) error { return ctx.Err() }
