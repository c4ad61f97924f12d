package fixtures

import (
	"context"
	"database/sql"
	"net/http"
	"time"
)

type cache struct{}

func (cache) Query(q string) []string       { return nil }
func (cache) Get(key string) (string, bool) { return "", false }

type repo struct {
	db    *sql.DB
	cache cache
	items map[string]*sql.DB
}

func (r *repo) lookups(ctx context.Context, other interface{ Query(string) error }) {
	// Methods named like the APIs on other types, or on values of unknown type.
	r.cache.Query("x")
	_, _ = r.cache.Get("x")
	_ = other.Query("x")
	for _, db := range r.items {
		_, _ = db.Query("SELECT 1")
	}
	r.items["a"].Exec("x")
	// A field of a known type.
	_, _ = r.db.Query("SELECT 1") // want "context-not-passed"
}

func (r *repo) cleanup(ctx context.Context) error {
	// Deferred and detached work must not be cancelled with the request.
	defer r.db.Exec("UNLOCK TABLES")
	go func() {
		time.Sleep(time.Second)
		_, _ = r.db.Exec("DELETE FROM sessions")
	}()
	if _, err := r.db.ExecContext(ctx, "UPDATE t SET x = 1"); err != nil {
		_, _ = r.db.Exec("ROLLBACK")
		return err
	}
	select {
	case <-ctx.Done():
		_, _ = r.db.Exec("INSERT INTO aborted VALUES (1)")
	default:
	}
	return nil
}

// A func literal registered as a callback outlives the handler.
func register(mux *http.ServeMux, db *sql.DB) {
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		_, _ = db.Exec("UPDATE hits SET n = n + 1") // want "context-not-passed"
	})
}

// Suppressed like noctx findings.
func suppressed(ctx context.Context, db *sql.DB) {
	_, _ = db.Exec("SELECT 1") //nolint:noctx
}
