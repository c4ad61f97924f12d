package lookalikes

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

func slow() error { return nil }

var errTimeout = errors.New("timeout")

// Buffered for the one value: the send always completes.
func buffered(d time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- slow() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return errTimeout
	}
}

// Every path receives.
func drainedOnEveryPath(ctx context.Context) error {
	done := make(chan error)
	go func() { done <- slow() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		<-done
		return ctx.Err()
	}
}

// The channel is handed to the caller, who receives.
func returned() <-chan error {
	done := make(chan error)
	go func() { done <- slow() }()
	return done
}

func wait(ch <-chan error) error { return <-ch }

// Passed to another function, which may receive.
func passedOn(d time.Duration) error {
	done := make(chan error)
	go func() { done <- slow() }()
	if d == 0 {
		return wait(done)
	}
	return nil
}

// Ranged over: a drain.
func ranged() int {
	values := make(chan int)
	go func() {
		defer close(values)
		values <- 1
	}()
	n := 0
	for v := range values {
		n += v
	}
	return n
}

// The goroutine gives up by itself: its send is a case of a select with another way out.
func guardedSend(ctx context.Context) error {
	done := make(chan error)
	go func() {
		select {
		case done <- slow():
		case <-ctx.Done():
		}
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// The goroutine only closes the channel: closing never blocks.
func closed(d time.Duration) {
	done := make(chan struct{})
	go func() {
		_ = slow()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(d):
	}
}

// A stream of values: a producer whose consumer may stop on purpose is not this rule's
// business.
func producer(ctx context.Context) int {
	values := make(chan int)
	go func() {
		for i := 0; ; i++ {
			values <- i
		}
	}()
	total := 0
	for {
		select {
		case v := <-values:
			total += v
		case <-ctx.Done():
			return total
		}
	}
}

// The function waits for the goroutine before it gives up on the channel.
func waitGroup(d time.Duration) error {
	var wg sync.WaitGroup
	done := make(chan error)
	wg.Add(1)
	go func() {
		defer wg.Done()
		done <- slow()
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		wg.Wait()
		return errTimeout
	}
}

// Two goroutines, two channels, a loop that stops once both are closed: each exit comes
// after the receives that closed them.
func fanIn() {
	first, second := make(chan error), make(chan error)
	go func() {
		defer close(first)
		first <- slow()
	}()
	go func() {
		defer close(second)
		second <- slow()
	}()
	var firstDone, secondDone bool
	for {
		if firstDone && secondDone {
			return
		}
		select {
		case _, ok := <-first:
			firstDone = !ok
		case _, ok := <-second:
			secondDone = !ok
		}
	}
}

// The send happens only when serving fails by itself; the shutdown path makes Serve return
// http.ErrServerClosed, which is not sent.
func serve(ctx context.Context, srv *http.Server) error {
	errs := make(chan error)
	go func() {
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs <- err
		}
	}()
	select {
	case err := <-errs:
		return err
	case <-ctx.Done():
		return srv.Shutdown(context.Background())
	}
}

// A test that has already failed on the abandoning path.
func TestTimesOut(t *testing.T) {
	done := make(chan struct{})
	go func() {
		_ = slow()
		done <- struct{}{}
	}()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Error("timed out")
	}
}

// Several goroutines share the channel: counting receives is beyond this rule.
func severalSenders(n int) {
	done := make(chan error)
	for i := 0; i < n; i++ {
		go func() { done <- slow() }()
	}
	for i := 0; i < n; i++ {
		<-done
	}
}

// A channel of another direction type or made elsewhere is not this function's.
func notMadeHere(done chan error, d time.Duration) error {
	go func() { done <- slow() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return errTimeout
	}
}

// Every exit receives: the labelled loop ends only by `break loop` after the receive, and a
// comment between the label and the loop changes nothing.
func commentedLabel(progress chan int) error {
	done := make(chan error)
	go func() {
		done <- slow()
	}()
outer: // until the work is done
	for {
		select {
		case n := <-progress:
			_ = n
		case err := <-done:
			if err != nil {
				return err
			}
			break outer
		}
	}
	return nil
}
