// Real-code patterns from test suites.
package loops

import (
	"context"
	"errors"
	"testing"
	"time"
)

func expectQuiet(ctx context.Context, events <-chan int) error {
	select {
	case <-events:
		return errors.New("event")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Each iteration waits for its context to expire: nothing is left to release.
func TestQuietStreams(t *testing.T) {
	streams := []chan int{make(chan int), make(chan int)}
	for _, events := range streams {
		waitCtx, waitCancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
		defer waitCancel()
		if err := expectQuiet(waitCtx, events); err != context.DeadlineExceeded {
			t.Fatalf("got %v", err)
		}
	}
}

func subscribe(ctx context.Context) <-chan int {
	out := make(chan int)
	go func() { <-ctx.Done(); close(out) }()
	return out
}

// What the context made is kept past the iteration: cancelling it at the end of the
// iteration would break the loop that reads them.
func TestManySubscriptions(t *testing.T, n int) {
	subs := make([]<-chan int, n)
	for i := range subs {
		subCtx, subCancel := context.WithTimeout(t.Context(), time.Second)
		defer subCancel()
		subs[i] = subscribe(subCtx)
	}
	for _, s := range subs {
		<-s
	}
}

// The context goes to a goroutine.
func TestServeEach(t *testing.T, conns []int, serve func(context.Context, int)) {
	for _, c := range conns {
		serveCtx, serveCancel := context.WithTimeout(t.Context(), time.Second)
		defer serveCancel()
		go serve(serveCtx, c)
	}
}

// A value made from it is appended to a slice declared outside the loop.
func TestOpenStreams(t *testing.T, open func(context.Context) (chan int, error), n int) {
	var open_ []chan int
	for i := 0; i < n; i++ {
		streamCtx, streamCancel := context.WithTimeout(t.Context(), time.Second)
		defer streamCancel()
		s, err := open(streamCtx)
		if err != nil {
			t.Fatal(err)
		}
		open_ = append(open_, s)
	}
	_ = open_
}

// A table of a few cases, and a small constant bound: not worth a warning.
func TestTable(t *testing.T, run func(context.Context, string) error) {
	for _, name := range []string{"a", "b", "c"} {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if err := run(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	const attempts = 3
	for i := 0; i < attempts; i++ {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if err := run(ctx, "again"); err != nil {
			t.Fatal(err)
		}
	}
	for range 5 {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		_ = run(ctx, "more")
	}
}

// Look-alike: a benchmark loop runs b.N times.
func BenchmarkRun(b *testing.B, run func(context.Context) error) {
	for i := 0; i < b.N; i++ {
		ctx, cancel := context.WithTimeout(b.Context(), time.Second) // want "defer-cancel-in-loop"
		defer cancel()
		_ = run(ctx)
	}
}

// Look-alike: an unbounded poll in a test.
func TestPollReady(t *testing.T, ready func(context.Context) bool) {
	for {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second) // want "defer-cancel-in-loop"
		defer cancel()
		if ready(ctx) {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// Look-alike: a large constant bound.
func TestHammer(t *testing.T, run func(context.Context) error) {
	for i := 0; i < 1000; i++ {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second) // want "defer-cancel-in-loop"
		defer cancel()
		_ = run(ctx)
	}
}

// Look-alike: only an error made from the context leaves the iteration.
func TestLastError(t *testing.T, run func(context.Context) error, n int) {
	var lastErr error
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second) // want "defer-cancel-in-loop"
		defer cancel()
		err := run(ctx)
		lastErr = err
	}
	_ = lastErr
}

// The test expects each wait to time out: the call must fail, or report nothing.
func TestNothingArrives(t *testing.T, waits []func(context.Context) bool, recv func(context.Context) (int, error)) {
	for _, wait := range waits {
		waitCtx, waitCancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
		defer waitCancel()
		if wait(waitCtx) {
			t.Fatal("something arrived")
		}
	}
	for i := 0; i < len(waits); i++ {
		recvCtx, recvCancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
		defer recvCancel()
		if _, err := recv(recvCtx); err == nil {
			t.Fatal("received")
		}
	}
}

// Look-alike: a readiness check that must succeed does not wait for the deadline.
func TestAllReady(t *testing.T, checks []func(context.Context) bool) {
	for _, ready := range checks {
		readyCtx, readyCancel := context.WithTimeout(t.Context(), time.Second) // want "defer-cancel-in-loop"
		defer readyCancel()
		if !ready(readyCtx) {
			t.Fatal("not ready")
		}
	}
}

// The loop opens streams until one times out: it runs until a context expires, and the open
// streams must stay open until then.
func TestFillQuota(t *testing.T, open func(context.Context) error) {
	for {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
		defer cancel()
		err := open(ctx)
		if err == nil {
			continue
		}
		if errors.Is(err, context.DeadlineExceeded) {
			break
		}
		t.Fatal(err)
	}
}
