package fetch

import (
	"context"
	"testing"
	"time"
)

type fixture struct{}

func (fixture) Create(ctx context.Context) (string, error) { return "", nil }
func (fixture) Remove(ctx context.Context, id string) error { return nil }
func (fixture) Teardown(ctx context.Context)                {}

// Clean: the context is also used in a Cleanup callback, where t.Context() is already
// cancelled.
func TestCreateThenRemove(t *testing.T) {
	ctx := context.Background()
	var f fixture
	id, err := f.Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Remove(ctx, id) })
}

func TestTimeoutThenRemove(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var f fixture
	id, _ := f.Create(ctx)
	t.Cleanup(func() {
		_ = f.Remove(ctx, id)
	})
}

// Clean: deferred teardown.
func TestDeferredTeardown(t *testing.T) {
	var f fixture
	defer f.Teardown(context.Background())
	defer func() {
		_ = f.Remove(context.TODO(), "id")
	}()
	t.Run("sub", func(t *testing.T) {
		defer f.Teardown(context.Background())
	})
}

// Still flagged: the work itself, and a context that only ordinary code uses.
func TestCreateOnly(t *testing.T) {
	ctx := context.Background() // want "test-background-context"
	var f fixture
	if _, err := f.Create(ctx); err != nil {
		t.Fatal(err)
	}
	defer f.Teardown(ctx)
}
