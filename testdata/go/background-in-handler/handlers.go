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

func goroutine(ctx context.Context) {
	go func() {
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
