package detach

import (
	"context"
	"net/http"
	"os/exec"
	"testing"
	"time"

	"github.com/containerd/log"
)

type lease struct{}

func (lease) Commit(ctx context.Context) error  { return nil }
func (lease) Release(ctx context.Context) error { return nil }

type service struct{ stop context.CancelFunc }

func (s *service) Shutdown(ctx context.Context) error { return nil }
func (s *service) StartAsync(ctx context.Context)     {}
func (s *service) flush(ctx context.Context) error    { return nil }

// Cleanup sites: the fresh root is right not to be cancelled, but it drops ctx's values.
func commit(ctx context.Context, l lease, s *service) (err error) {
	defer l.Release(context.TODO()) // want "prefer-without-cancel"
	defer func() {
		if err != nil {
			_ = s.Shutdown(context.Background()) // want "prefer-without-cancel"
		}
	}()
	if err := l.Commit(ctx); err != nil {
		_ = s.flush(context.Background()) // want "prefer-without-cancel"
		return err
	}
	_ = l.Release(context.Background()) // want "prefer-without-cancel"
	sctx, cancel := context.WithTimeout(context.Background(), time.Second) // want "prefer-without-cancel"
	defer cancel()
	return s.Shutdown(sctx)
}

// Clean: work that outlives the call (a goroutine, a long-lived service, a literal run later,
// a detach a comment explains) is not necessarily this call's, so its values may not belong
// there.
func detach(w http.ResponseWriter, r *http.Request, s *service) func() {
	go s.flush(context.Background())
	s.StartAsync(context.Background())
	return func() {
		_ = s.flush(context.TODO())
	}
}

func afterDone(ctx context.Context, s *service, done chan struct{}) {
	select {
	case <-ctx.Done():
		_ = s.flush(context.Background()) // want "prefer-without-cancel"
	case <-done:
	}
}

// Clean: a comment explains a detach, which may not want the values either.
func commented(ctx context.Context, s *service) error {
	// Flush even when the caller has given up.
	return s.flush(context.Background())
}

// Flagged on the error path, and only there: a command is not a context, so the root is not
// copied into by hand.
func run(ctx context.Context, s *service, runner func(context.Context, *exec.Cmd) error) error {
	if err := s.flush(ctx); err != nil {
		return runner(ctx, exec.CommandContext(context.TODO(), "git")) // want "prefer-without-cancel"
	}
	cmd := exec.CommandContext(context.TODO(), "git")
	return runner(ctx, cmd)
}

// Clean: ordinary work is background-in-handler's finding, not this rule's.
func plain(ctx context.Context, s *service) error {
	return s.flush(context.Background())
}

// Clean: value carriers for a logger, stored roots, and no parent at all.
func quiet(ctx context.Context, s *service) {
	log.G(context.TODO()).Info("flushing")
	rctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	_ = s.flush(rctx)
}

func main() {
	defer (&service{}).Shutdown(context.Background())
}

// Clean: tests are test-background-context's concern; there is no context parameter here.
func TestFlush(t *testing.T) {
	defer (&service{}).Shutdown(context.Background())
}

// Clean: the already-detached spelling.
func fine(ctx context.Context, l lease) {
	defer l.Release(context.WithoutCancel(ctx))
}

type weighted struct{}

func (weighted) Acquire(ctx context.Context, n int64) error { return nil }

// Clean: a semaphore reads no values from its context.
func limited(ctx context.Context, sem weighted, jobs []func()) {
	for _, job := range jobs {
		go func() {
			_ = sem.Acquire(context.Background(), 1)
			job()
		}()
	}
}

// Values copied by hand: WithoutCancel does it for every value.
func copyByHand(ctx context.Context, s *service, traceKey any) error {
	flushCtx := context.Background() // want "prefer-without-cancel"
	if v := ctx.Value(traceKey); v != nil {
		flushCtx = context.WithValue(flushCtx, traceKey, v)
	}
	return s.flush(flushCtx)
}

// A literal named like cleanup is a cleanup site; one appended to the closers too.
func release(ctx context.Context, l lease, s *service) []func() {
	releaseLease := func() {
		_ = l.Release(context.Background()) // want "prefer-without-cancel"
	}
	if err := l.Commit(ctx); err != nil {
		releaseLease()
	}
	var closers []func()
	closers = append(closers, func() { _ = s.Shutdown(context.TODO()) }) // want "prefer-without-cancel"
	return closers
}
