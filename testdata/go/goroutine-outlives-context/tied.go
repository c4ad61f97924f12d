package handlers

import (
	"context"
	"io"
	"net/http"
)

type socket interface {
	io.Closer
	Write(ctx context.Context, b []byte) error
}

func upgrade(w http.ResponseWriter, r *http.Request) (socket, error) { return nil, nil }
func serveStream(ctx context.Context, w http.ResponseWriter) error  { return ctx.Err() }
func freeze(ctx context.Context, on bool)                            {}

type stream struct{ err chan error }

// The goroutine writes the response (k8s wsstream's Reader.Copy): the handler has to be
// waiting for it, however it does so.
func (s *stream) copy(w http.ResponseWriter, req *http.Request) error {
	go func() {
		_ = serveStream(req.Context(), w)
	}()
	return <-s.err
}

// The goroutine uses a connection the handler closes when it returns (linkerd's tap
// websocket): its work is meant to end with the handler.
func tap(w http.ResponseWriter, req *http.Request) {
	ws, err := upgrade(w, req)
	if err != nil {
		return
	}
	defer ws.Close()
	go func() {
		_ = ws.Write(req.Context(), []byte("event"))
	}()
	for {
		if err := ws.Write(req.Context(), nil); err != nil {
			return
		}
	}
}

// Cleanup that runs once the request is over, by design (minio's netperf unfreeze): not
// work the cancellation cuts short.
func netperf(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	freeze(ctx, true)
	go func() {
		<-ctx.Done()
		freeze(ctx, false)
	}()
	w.WriteHeader(http.StatusOK)
}

// The handler's loop ends only after receiving the goroutine's result (podman's CompatPull),
// with a comment between the label and the loop: the `break loop` still leaves that loop.
func pullImage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	progress := make(chan int)
	result := make(chan error)
	go func() {
		result <- serveStream(ctx, w)
	}()
loop: // break out of for/select infinite loop
	for {
		select {
		case n := <-progress:
			_ = n
		case err := <-result:
			_ = err
			break loop
		}
	}
}
