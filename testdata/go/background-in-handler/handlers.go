package handlers

import (
	"context"
	"net/http"
)

type Server struct{}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	load(context.Background()) // want "background-in-handler"
}

func handler(w http.ResponseWriter, req *http.Request) {
	load(context.TODO()) // want "background-in-handler"
}

func withCtx(ctx context.Context, id string) {
	load(context.Background()) // want "background-in-handler"
}

func routes(mux *http.ServeMux) {
	mux.HandleFunc("/x", func(w http.ResponseWriter, r *http.Request) {
		load(context.Background()) // want "background-in-handler"
	})
}

// Clean: a goroutine outlives the function, so its root is deliberate (prefer-without-cancel's
// site, and goroutine-outlives-context's concern when it used ctx instead).
func goroutine(ctx context.Context) {
	go func() {
		load(context.Background())
	}()
}

// Still flagged: a func literal called in place runs within the function.
func inPlace(ctx context.Context) {
	func() {
		load(context.Background()) // want "background-in-handler"
	}()
}

// Clean: the request's context is passed down.
func good(w http.ResponseWriter, r *http.Request) {
	load(r.Context())
}

// Clean: deliberately detached work keeps values but not cancellation.
func detached(ctx context.Context) {
	go load(context.WithoutCancel(ctx))
}

// Clean: no parent context at all.
func main() {
	load(context.Background())
}

func init() {
	load(context.TODO())
}

var root = context.Background()

// Clean: a function that returns a context is a deliberate new root.
func newRoot(ctx context.Context) context.Context {
	return context.Background()
}

func newRootTwo(ctx context.Context) (context.Context, error) {
	return context.Background(), nil
}

// Clean: a parameter named _ is no usable parent; unnamed parameters neither.
func ignored(_ context.Context) {
	load(context.Background())
}

func unnamed(context.Context, *http.Request) {
	load(context.Background())
}

// Clean: Background of another package.
type bg struct{}

func (bg) Background() context.Context { return nil }

func method(ctx context.Context, b bg) {
	load(b.Background())
}

func load(ctx context.Context) {}

// Clean: a nil parent falls back to a new root; there is nothing to pass down.
func nilFallback(ctx context.Context) {
	if ctx == nil {
		ctx = context.Background()
	}
	load(ctx)
}

type server struct {
	ctx    context.Context
	cancel context.CancelFunc
	byName map[string]context.Context
}

// Clean: long-lived state stored in a field outlives the request on purpose.
func (s *server) handle(w http.ResponseWriter, r *http.Request) {
	if s.ctx == nil {
		s.ctx, s.cancel = context.WithCancel(context.Background())
	}
	s.byName["x"] = context.TODO()
	_ = &server{ctx: context.Background()}
}

// Still flagged: assigning a new root to some other local variable.
func otherLocal(ctx context.Context) {
	c := ctx
	c = context.Background() // want "background-in-handler"
	load(c)
}

// Clean: comparing with a new root starts no work.
func compares(ctx context.Context) bool {
	return ctx != context.Background() && context.TODO() == ctx
}
