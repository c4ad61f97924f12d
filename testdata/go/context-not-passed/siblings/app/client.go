package app

import "context"

type Cache struct{}

func (c *Cache) Get(key string) (string, error) { return "", nil }

func (c *Cache) GetContext(ctx context.Context, key string) (string, error) { return "", nil }

// Put's "sibling" returns a context: a constructor of contexts, not a variant.
func (c *Cache) Put(key string) error { return nil }

func (c *Cache) PutContext(ctx context.Context) (context.Context, error) { return ctx, nil }

// From and FromContext do different things: the parameters differ.
func From(name string) *Cache { return nil }

func FromContext(ctx context.Context) *Cache { return nil }

func Refresh() error { return nil }

func RefreshWithContext(ctx context.Context) error { return nil }

type Command struct{ ctx context.Context }

func (c *Command) Execute() error { return nil }

// The variant implemented with the plain method.
func (c *Command) ExecuteContext(ctx context.Context) error {
	c.ctx = ctx
	return c.Execute()
}
