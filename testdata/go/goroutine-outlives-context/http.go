package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

type event struct{ name string }

type auditLog struct{}

func (auditLog) Record(ctx context.Context, e event) error {
	_, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://audit/"+e.name, nil)
	return err
}

type server struct {
	audit auditLog
	wg    sync.WaitGroup
}

func (s *server) reply(w http.ResponseWriter) { w.WriteHeader(http.StatusAccepted) }

// Fire and forget with the request's context: cancelled when ServeHTTP returns.
func (s *server) handleCreate(w http.ResponseWriter, r *http.Request) {
	go s.audit.Record(r.Context(), event{"create"}) // want "goroutine-outlives-context"
	s.reply(w)
}

// A variable bound from the request's context, and one derived from it.
func (s *server) handleUpdate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	tctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	go func() { // want "goroutine-outlives-context"
		_ = s.audit.Record(tctx, event{"update"})
	}()
	s.reply(w)
}

// A handler written as a func literal.
func routes(mux *http.ServeMux, s *server) {
	mux.HandleFunc("/delete", func(w http.ResponseWriter, r *http.Request) {
		go func() { // want "goroutine-outlives-context"
			if err := s.audit.Record(r.Context(), event{"delete"}); err != nil {
				slog.Error("audit", "err", err)
			}
		}()
		s.reply(w)
	})
}

// Detached: the values stay, the cancellation goes.
func (s *server) handleDetached(w http.ResponseWriter, r *http.Request) {
	go s.audit.Record(context.WithoutCancel(r.Context()), event{"create"})
	ctx := context.WithoutCancel(r.Context())
	go func() { _ = s.audit.Record(ctx, event{"create"}) }()
	s.reply(w)
}

// Waited for on every path.
func (s *server) handleWaited(w http.ResponseWriter, r *http.Request) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = s.audit.Record(r.Context(), event{"x"})
	}()
	wg.Wait()
	s.reply(w)
}

// The result is received: the goroutine is part of the handler's work, and cancelling it
// when the handler gives up early is right.
func (s *server) handleResult(w http.ResponseWriter, r *http.Request) {
	errs := make(chan error, 1)
	go func() { errs <- s.audit.Record(r.Context(), event{"x"}) }()
	if r.URL.Query().Get("fast") != "" {
		s.reply(w)
		return
	}
	if err := <-errs; err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.reply(w)
}

// A watcher stops with the request on purpose.
func (s *server) handleWatch(w http.ResponseWriter, r *http.Request) {
	done := make(chan struct{})
	go func() {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}()
	close(done)
	s.reply(w)
}

// The goroutine takes no context, or logs with it only.
func (s *server) handleNoContext(w http.ResponseWriter, r *http.Request) {
	go func() {
		slog.InfoContext(r.Context(), "created")
		time.Sleep(time.Second)
	}()
	s.reply(w)
}

// The handler waits for the request to end.
func (s *server) handleStream(w http.ResponseWriter, r *http.Request) {
	go func() { _ = s.audit.Record(r.Context(), event{"open"}) }()
	<-r.Context().Done()
}

// A long-lived worker started with the caller's context is meant to stop with it.
func (s *server) Run(ctx context.Context) {
	go s.loop(ctx)
}

func (s *server) loop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
			_ = s.audit.Record(ctx, event{"tick"})
		}
	}
}

// A function of this file that only watches its context.
func closeWhenDone(ctx context.Context, c interface{ Close() error }) {
	<-ctx.Done()
	_ = c.Close()
}

func (s *server) handleUpgrade(w http.ResponseWriter, r *http.Request, conn interface{ Close() error }) {
	go closeWhenDone(r.Context(), conn)
	s.reply(w)
}

// The request's context goes through a context constructor of the package declared in
// another file (centrifugo's NewCancelContext takes its Done from a connection channel):
// one file does not tell whether it keeps the cancellation.
func (s *server) handleStream(w http.ResponseWriter, r *http.Request) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.audit.Record(newConnContext(r.Context(), done), event{"stream"})
	}()
	s.reply(w)
}

func withRequestID(ctx context.Context) context.Context { return ctx }

// A constructor declared in this file is read like any call: the work still uses the
// request's context.
func (s *server) handleTagged(w http.ResponseWriter, r *http.Request) {
	go func() { // want "goroutine-outlives-context"
		_ = s.audit.Record(withRequestID(r.Context()), event{"tagged"})
	}()
	s.reply(w)
}
