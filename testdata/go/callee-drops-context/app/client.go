package app

import (
	"context"
	"net/http"
)

type cache struct{}

// refresh is a local function that starts a root.
func refresh(key string) error {
	req, err := http.NewRequestWithContext(context.Background(), "GET", "http://x/"+key, nil)
	if err != nil {
		return err
	}
	_, err = http.DefaultClient.Do(req)
	return err
}

// warm is a method of cache that starts a root.
func (c *cache) warm() error {
	return refresh2(context.TODO())
}

func refresh2(ctx context.Context) error { return ctx.Err() }
