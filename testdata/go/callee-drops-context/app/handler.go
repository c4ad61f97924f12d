package app

import (
	"context"
	"database/sql"
	"net/http"
	"sort"

	"example.com/app/config"
	"example.com/app/store"
	"example.com/remote"
)

type Server struct {
	stream *store.Stream
	st     *store.Store
	client *remote.Client
	c      *cache
	other  interface{ Query(string) error }
	keys   []string
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	_, _ = s.st.Load(r.URL.Path) // want "callee-drops-context"
	_ = refresh("k")             // want "callee-drops-context"
	_ = s.c.warm()               // want "callee-drops-context"
	_, _ = s.client.Fetch("k")   // want "callee-drops-context"
	_ = remote.Ping()            // want "callee-drops-context"
	_ = s.st.Query("SELECT 1")   // want "callee-drops-context"
}

// An RPC handler: a context followed by a request.
func (s *Server) lookalikes(ctx context.Context, req *LookupRequest, db *sql.DB, q interface{ Query(string) error }) {
	// Methods named like an indexed one on other or unknown types.
	_ = s.other.Query("x")
	_ = q.Query("x")
	// Callees whose root is deliberate: a sibling (context-not-passed's), logging, cleanup,
	// detached work, state.
	_ = s.st.Save("v")
	s.st.Audit("m")
	_ = s.st.Close()
	s.st.Watch()
	_ = store.NewStore(db)
	// A callee that takes a context.
	_ = s.st.Count(ctx)
	// Cleanup and detached calls of a root-starting callee.
	defer s.st.Load("x")
	go refresh("k")
	if err := refresh("a"); err != nil { // want "callee-drops-context"
		_ = refresh("b")
		return
	}
	// A local func value named like a callee.
	refresh := func(string) error { return nil }
	_ = refresh("k")
	_ = store.Purge(db) // want "callee-drops-context"
	_ = store.NewReader()
	store.LogLevelPrintf("x")
	// The work runs in a callback that takes the parent; a callback without it does not.
	_ = store.WithConn("a", func(c *sql.Conn) error { return c.PingContext(ctx) })
	_ = store.WithConn("a", func(c *sql.Conn) error { return nil }) // want "callee-drops-context"
	_ = store.SaveSettings()
	s.st.OnTeardown(func(f func()) {})
	_ = s.st.Tags("k") // want "callee-drops-context"
	_ = s.st.Node()
	_ = (&config.Auth{}).SessionEnabled()
	// Roots deliberate by the callee's shape: no error to report a cancellation with, a root
	// made once for all callers, a root that only bounds the caller's callback.
	_ = s.st.Size()
	s.st.Publish(s.keys)
	_ = s.st.Resolve()
	_ = s.st.Dial(func(c *sql.Conn) error { return nil })
	_, _ = s.st.Lookup("k")                 // want "callee-drops-context"
	_ = s.st.Each(func(k string) { _ = k }) // want "callee-drops-context"
	// Chains through functions of the tree, up to three functions down.
	_, _ = s.st.Find("k")  // want "callee-drops-context"
	_ = s.st.Resolve2("k") // want "callee-drops-context"
	_ = store.Remote()     // want "callee-drops-context"
	_ = s.st.Deepest("k")
	_ = s.st.Flush()
	_ = s.st.Checkpoint()
	_ = s.stream.Open()
	// A root that only carries a value read back at once, a request clone only written out;
	// the same roots sent with a query or a request.
	_, _ = store.Tenants("org")
	_, _ = store.IndexID(nil)
	_ = s.st.LoadOrg("org") // want "callee-drops-context"
	_ = store.Forward(nil)  // want "callee-drops-context"
	_ = s.stream.Ping()     // want "callee-drops-context"
	_, _ = s.stream.Dial()  // want "callee-drops-context"
	// A callback kept by the call runs when another context is in charge (envoy predicates);
	// a runner given the parent runs it at once.
	s.register(func() bool { return store.Purge(db) == nil })
	_ = s.retry(ctx, func() error { return store.Purge(db) })                 // want "callee-drops-context"
	sort.Slice(s.keys, func(i, j int) bool { return store.Purge(db) == nil }) // want "callee-drops-context"
}

type LookupRequest struct{}

// A plain context parameter, not a request's: lifecycle code (a run loop, a restore, a
// cleanup), where a callee's own root is as often deliberate; not reported.
func (s *Server) run(ctx context.Context, db *sql.DB) error {
	_, _ = s.st.Load("x")
	_ = refresh("k")
	_ = store.Purge(db)
	return ctx.Err()
}

// A context followed by something else than a request.
func (s *Server) restore(ctx context.Context, keys []string) {
	_ = refresh(keys[0])
	_ = ctx
}

func (s *Server) register(f func() bool)                          {}
func (s *Server) retry(ctx context.Context, f func() error) error { return f() }

// Functions without a parent context.
func main() {
	_ = refresh("k")
	_ = remote.Ping()
}

func noParent(s *Server) {
	_, _ = s.st.Load("x")
}

// An ignored context parameter is no parent.
func ignored(_ context.Context, s *Server) {
	_, _ = s.st.Load("x")
}
