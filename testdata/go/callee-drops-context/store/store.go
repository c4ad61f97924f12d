package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"example.com/remote"
)

type Store struct {
	db   *sql.DB
	ctx  context.Context
	once sync.Once
}

// Load takes no context and queries on a fresh root.
func (s *Store) Load(id string) (string, error) {
	var name string
	err := s.db.QueryRowContext(context.Background(), "SELECT name FROM t WHERE id = $1", id).Scan(&name)
	return name, err
}

// Save has a context-taking sibling: context-not-passed reports its callers.
func (s *Store) Save(v string) error { return s.SaveContext(context.Background(), v) }

func (s *Store) SaveContext(ctx context.Context, v string) error {
	_, err := s.db.ExecContext(ctx, "INSERT INTO t VALUES ($1)", v)
	return err
}

// Audit only logs with its root.
func (s *Store) Audit(msg string) {
	slog.InfoContext(context.Background(), msg)
}

// Close releases what it holds even when callers are cancelled.
func (s *Store) Close() error {
	_, err := s.db.ExecContext(context.Background(), "CHECKPOINT")
	return err
}

// Watch starts detached work.
func (s *Store) Watch() {
	go s.poll(context.Background())
}

func (s *Store) poll(ctx context.Context) {}

// Query is a method of Store that starts a root; Query of other types must not match.
func (s *Store) Query(q string) error {
	_, err := s.db.ExecContext(context.TODO(), q)
	return err
}

// Count takes a context: it is not a callee that drops one.
func (s *Store) Count(ctx context.Context) int {
	_ = s.db.QueryRowContext(context.Background(), "SELECT 1")
	return 0
}

// Purge starts a root for cancellable work.
func Purge(db *sql.DB) error {
	_, err := db.ExecContext(context.Background(), "DELETE FROM t")
	return err
}

// NewStore keeps its root as state.
func NewStore(db *sql.DB) *Store {
	s := &Store{db: db}
	s.ctx = context.Background()
	return s
}

// Reader keeps the cancel function of its root: the root is long-lived state (a comment
// before the argument does not hide it).
type Reader struct{ cancel context.CancelFunc }

func NewReader() *Reader {
	ctx, cancel := context.WithCancel( //nolint:gosec // cancelled by Shutdown.
		context.Background(),
	)
	r := &Reader{cancel: cancel}
	_ = ctx
	return r
}

// LogLevelPrintf reads the logging config with its root.
func LogLevelPrintf(format string, args ...any) {
	if Config(context.TODO()).Level > 0 {
		slog.Info(format)
	}
}

func Config(ctx context.Context) struct{ Level int } { return struct{ Level int }{} }

// WithConn dials on its own root; the work runs in the callback.
func WithConn(addr string, fn func(c *sql.Conn) error) error {
	db, err := sql.Open("x", addr)
	if err != nil {
		return err
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		return err
	}
	return fn(conn)
}

// SaveSettings only reads its configuration with the root (rclone's SaveConfig).
func SaveSettings() error {
	cfg := GetConfig(context.Background())
	_ = cfg
	return nil
}

func GetConfig(ctx context.Context) int { return 0 }

// newPartitionManager is a constructor: its root is for the state it makes (temporal).
func newPartitionManager(db *sql.DB) error {
	_, err := db.ExecContext(context.Background(), "SELECT 1")
	return err
}

// OnTeardown registers a callback: its root is the callback's, run later (dapr).
func (s *Store) OnTeardown(register func(func())) {
	register(func() {
		_, _ = s.db.ExecContext(context.Background(), "UNLOCK")
	})
}

// Tags looks up inside a callback its runner calls at once (seaweedfs getTags).
func (s *Store) Tags(key string) error {
	return s.WithConn(func(c *sql.Conn) error {
		_, err := c.ExecContext(context.Background(), "SELECT tags FROM t WHERE k = $1", key)
		return err
	})
}

func (s *Store) WithConn(fn func(c *sql.Conn) error) error { return fn(nil) }

// Node falls back to a root when the backend has none (tailscale currentNode).
func (s *Store) Node() context.Context {
	return cmp.Or(s.ctx, context.Background())
}

// Size returns no error: a failure maps to a value (loki's cached Size, containerd's
// SnapshotService falling back to the default name), so its root is deliberate.
func (s *Store) Size() int64 {
	var n int64
	if err := s.db.QueryRowContext(context.Background(), "SELECT count(*) FROM t").Scan(&n); err != nil {
		return 0
	}
	return n
}

// Publish returns nothing: best-effort work that must finish (containerd's publishEvents).
func (s *Store) Publish(events []string) {
	for _, e := range events {
		_, _ = s.db.ExecContext(context.Background(), "INSERT INTO events VALUES ($1)", e)
	}
}

// LookupError is an error type: a function returning it reports failures.
type LookupError struct{ msg string }

func (e *LookupError) Error() string { return e.msg }

// Lookup returns an error of its own type: its root is reported.
func (s *Store) Lookup(k string) (string, *LookupError) {
	if _, err := s.db.ExecContext(context.Background(), "SELECT 1"); err != nil {
		return "", &LookupError{err.Error()}
	}
	return k, nil
}

// Resolve makes its root once for every caller (moby's resolveLocalOnce).
func (s *Store) Resolve() error {
	var err error
	s.once.Do(func() {
		_, err = s.db.ExecContext(context.Background(), "SELECT 1")
	})
	return err
}

// Dial bounds the connection with its root; the work is the callback's (seaweedfs's
// WithFilerClient over pb.WithGrpcClient).
func (s *Store) Dial(fn func(c *sql.Conn) error) error {
	return withConn(context.Background(), func(c *sql.Conn) error {
		return fn(c)
	})
}

func withConn(ctx context.Context, fn func(c *sql.Conn) error) error { return fn(nil) }

// Each queries on its root and only hands each row to the callback: the work is its own.
func (s *Store) Each(visit func(string)) error {
	rows, err := s.db.QueryContext(context.Background(), "SELECT k FROM t")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		visit("k")
	}
	return rows.Err()
}

// Find reaches a root through Load: a chain of two functions.
func (s *Store) Find(id string) (string, error) {
	return s.Load(id)
}

// Resolve2 reaches it through Find and Load: three functions, the deepest chain followed.
func (s *Store) Resolve2(id string) error {
	_, err := s.Find(id)
	return err
}

// Deepest is four functions away from the root: beyond the bound.
func (s *Store) Deepest(id string) error {
	return s.Resolve2(id)
}

// Flush calls a root-starting function only in a defer and in a goroutine: cleanup and
// detached work, not a chain.
func (s *Store) Flush() error {
	defer s.Load("last")
	go Purge(s.db)
	return nil
}

// Relay passes a context down, so the callee it calls is not the one that starts a root.
func (s *Store) Relay(id string) error {
	_, err := s.Load2(context.TODO(), id)
	return err
}

func (s *Store) Load2(ctx context.Context, id string) (string, error) { return id, ctx.Err() }

// Remote reaches a root in a vendored package.
func Remote() error {
	return remote.Ping()
}

// Checkpoint persists on a root made uncancellable on purpose (moby's CheckpointTo).
func (s *Store) Checkpoint() error {
	_, err := s.db.ExecContext(context.WithoutCancel(context.TODO()), "CHECKPOINT")
	return err
}

// Stream opens a stream shared by every later call: the cancel of the context derived from
// its root is kept in a field (seaweedfs's openStream), so the root is long-lived state.
type Stream struct {
	db     *sql.DB
	cancel context.CancelFunc
	conn   *sql.Conn
}

func (m *Stream) Open() error {
	ctx := context.Background()
	streamCtx, cancel := context.WithCancel(ctx)
	conn, err := m.db.Conn(streamCtx)
	if err != nil {
		cancel()
		return err
	}
	m.cancel = cancel
	m.conn = conn
	return nil
}

// Ping derives a context from its root only for one call: reported.
func (m *Stream) Ping() error {
	ctx := context.Background()
	pingCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	return m.db.PingContext(pingCtx)
}

// Dial derives a deadline from its root and hands it to a call that uses it: reported (the
// connection returned is not the context kept; go-winio's DialPipe).
func (m *Stream) Dial() (*sql.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	conn, err := connContext(ctx, m.db)
	return conn, err
}

func connContext(ctx context.Context, db *sql.DB) (*sql.Conn, error) { return db.Conn(ctx) }

type orgKey struct{}

// InjectOrgID and TenantIDs: a context that only carries an org ID, read back at once.
func InjectOrgID(ctx context.Context, org string) context.Context {
	return context.WithValue(ctx, orgKey{}, org)
}

func TenantIDs(ctx context.Context) ([]string, error) {
	org, _ := ctx.Value(orgKey{}).(string)
	return []string{org}, nil
}

// Tenants parses an org ID through a context made for it: nothing to cancel.
func Tenants(org string) ([]string, error) {
	return TenantIDs(InjectOrgID(context.TODO(), org))
}

// LoadOrg sends the carried org ID with a query: real work on a fresh root.
func (s *Store) LoadOrg(org string) error {
	_, err := s.db.ExecContext(InjectOrgID(context.TODO(), org), "SELECT 1")
	return err
}

// SendRequest wraps a request to proxy.
type SendRequest struct {
	Request *http.Request
}

// IndexID hashes a request through a clone that is only written out: nothing to cancel.
func IndexID(req *SendRequest) (string, error) {
	var b bytes.Buffer
	cloned := req.Request.Clone(context.Background())
	if err := cloned.Write(&b); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Forward sends the clone: real work on a fresh root.
func Forward(req *SendRequest) error {
	var b bytes.Buffer
	cloned := req.Request.Clone(context.Background())
	if err := cloned.Write(&b); err != nil {
		return err
	}
	_, err := http.DefaultClient.Do(cloned)
	return err
}
