package handlers

import (
	"context"
	"time"

	"golang.org/x/sync/singleflight"
)

type executerFunc func() (any, error)

type batcher struct{}

func (batcher) BatchFor(ctx context.Context, key string, d time.Duration, f executerFunc) (any, error) {
	return f()
}

type boltDB struct{}

func (boltDB) Batch(f func(tx string) error) error { return f("tx") }

type frontend struct{}

func (frontend) dispatch(f func())  { go f() }
func (frontend) transform(f func()) { f() }

type manager struct {
	batchExecutor batcher
	group         singleflight.Group
	db            boltDB
	ui            frontend
}

func (m *manager) load(ctx context.Context, key string) (any, error) { return key, ctx.Err() }

// Clean: the literal runs once for every caller batched under the key; the first caller's
// context would cancel the work the others wait for (lakefs ref.Manager.GetTag).
func (m *manager) getTag(ctx context.Context, key string) (any, error) {
	return m.batchExecutor.BatchFor(ctx, key, time.Millisecond, executerFunc(func() (any, error) {
		return m.load(context.Background(), key)
	}))
}

// Clean: the same for a singleflight group.
func (m *manager) getShared(ctx context.Context, key string) (any, error) {
	v, err, _ := m.group.Do(key, func() (any, error) {
		return m.load(context.TODO(), key)
	})
	return v, err
}

// Clean: a literal dispatched to an event loop runs after the function returned (dagger's
// prettySpanExporter.ExportSpans).
func (m *manager) export(ctx context.Context, key string) error {
	m.ui.dispatch(func() {
		_, _ = m.load(context.Background(), key)
	})
	return nil
}

// Still flagged: a batch step that takes this caller's transaction, a literal run at once, and
// a root next to the batcher rather than inside its literal.
func (m *manager) put(ctx context.Context, key string) error {
	err := m.db.Batch(func(tx string) error {
		_, err := m.load(context.Background(), tx) // want "background-in-handler"
		return err
	})
	m.ui.transform(func() {
		_, _ = m.load(context.TODO(), key) // want "background-in-handler"
	})
	_, _ = m.batchExecutor.BatchFor(context.Background(), key, time.Millisecond, executerFunc(func() (any, error) { // want "background-in-handler"
		return m.load(ctx, key)
	}))
	return err
}
