package handlers

import (
	"context"
	"net/http"
)

type runtime struct{ ctx context.Context }

func (r *runtime) SetContext(ctx context.Context) { r.ctx = ctx }
func (r *runtime) Store(ctx context.Context)      { r.ctx = ctx }
func (r *runtime) run(ctx context.Context) error  { return nil }

type pool struct{ idle []*runtime }

func (p *pool) get() *runtime   { return p.idle[0] }
func (p *pool) put(r *runtime) {}

// Clean (nakama's runtime pool): the pooled runtime holds the request's context while it runs,
// then is reset to a neutral root before it goes back to the pool; the request's context would
// be kept past its end.
func (p *pool) invoke(ctx context.Context) error {
	rt := p.get()
	rt.SetContext(ctx)
	err := rt.run(ctx)
	rt.SetContext(context.Background())
	p.put(rt)
	return err
}

// Flagged: a method that is not a context setter takes the root as work.
func (p *pool) store(ctx context.Context) {
	p.get().Store(context.Background()) // want "background-in-handler"
}

type cache struct{}

func (cache) lookup(ctx context.Context, key string) string { return key }

// Clean (ollama's gin handlers): the root is only the default when there is no request to take
// the context from.
func fallback(c *cache, r *http.Request, key string) string {
	ctx := context.Background()
	if r != nil {
		ctx = r.Context()
	}
	return c.lookup(ctx, key)
}

// Flagged: the root is replaced by something other than the parent.
func notFallback(c *cache, r *http.Request, other context.Context, key string) string {
	ctx := context.Background() // want "background-in-handler"
	if other != nil {
		ctx = other
	}
	return c.lookup(ctx, key)
}

// Flagged: the parent replaces the root only later, after work started with the root.
func replacedLate(c *cache, r *http.Request, key string) string {
	ctx := context.Background() // want "background-in-handler"
	v := c.lookup(ctx, key)
	if r != nil {
		ctx = r.Context()
	}
	return v + c.lookup(ctx, key)
}

type queueSettings struct{ Workers, Retries int }

type settingsStore struct{}

func (settingsStore) Queue(ctx context.Context, name string) queueSettings { return queueSettings{} }

type queue struct{ workers int }

func newQueue(workers, retries int) *queue { return &queue{workers: workers} }

type deps struct {
	settings   settingsStore
	thumbQueue *queue
	lastSeen   int
}

// Clean (cloudreve's lazy dependencies): what the root reads builds state kept in a field, which
// a cancelled first caller must not leave half-configured.
func (d *deps) ThumbQueue(ctx context.Context) *queue {
	if d.thumbQueue != nil {
		return d.thumbQueue
	}
	qs := d.settings.Queue(context.Background(), "thumb")
	d.thumbQueue = newQueue(qs.Workers, qs.Retries)
	return d.thumbQueue
}

// Flagged: what the root read is only used for this call's own work.
func (d *deps) Workers(ctx context.Context) int {
	qs := d.settings.Queue(context.Background(), "thumb") // want "background-in-handler"
	local := newQueue(qs.Workers, qs.Retries)
	return local.workers
}

// Flagged: the product is kept as it is; the parent could have made it.
func (d *deps) Remember(ctx context.Context) {
	qs := d.settings.Queue(context.Background(), "thumb") // want "background-in-handler"
	d.lastSeen = qs.Workers
}
