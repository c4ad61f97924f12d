package leaks

import (
	"context"
	"errors"
	"time"
)

type result struct{ n int }

func compute(ctx context.Context) (result, error) { return result{}, ctx.Err() }
func prepare() error                                { return nil }
func slow() error                                   { return nil }

var errTimeout = errors.New("timeout")

// The classic: the timeout case returns and the worker blocks on its send forever.
func withTimeout(d time.Duration) error {
	done := make(chan error) // want "abandoned-sender"
	go func() {
		done <- slow()
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return errTimeout
	}
}

// Giving up when the caller cancels abandons the worker the same way.
func withContext(ctx context.Context) (result, error) {
	type reply struct {
		r   result
		err error
	}
	replies := make(chan reply) // want "abandoned-sender"
	go func() {
		r, err := compute(ctx)
		replies <- reply{r, err}
	}()
	select {
	case <-ctx.Done():
		return result{}, ctx.Err()
	case rep := <-replies:
		return rep.r, rep.err
	}
}

// An early error return before the receive.
func earlyReturn(ctx context.Context) (result, error) {
	results := make(chan result) // want "abandoned-sender"
	go func() {
		r, _ := compute(ctx)
		results <- r
	}()
	if err := prepare(); err != nil {
		return result{}, err
	}
	return <-results, nil
}

// The worker sends on one of two channels; each is abandoned by the timeout.
func twoChannels(ctx context.Context, d time.Duration) (result, error) {
	values := make(chan result) // want "abandoned-sender"
	errs := make(chan error)    // want "abandoned-sender"
	go func() {
		r, err := compute(ctx)
		if err != nil {
			errs <- err
			return
		}
		values <- r
	}()
	select {
	case r := <-values:
		return r, nil
	case err := <-errs:
		return result{}, err
	case <-time.After(d):
		return result{}, errTimeout
	}
}

// The channel handed to a literal as an argument.
func asArgument(d time.Duration) error {
	errc := make(chan error, 0) // want "abandoned-sender"
	go func(out chan<- error) {
		out <- slow()
	}(errc)
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case err := <-errc:
		return err
	case <-timer.C:
		return errTimeout
	}
}

func produce(ctx context.Context, out chan<- result) {
	r, _ := compute(ctx)
	out <- r
}

// A function of this file run with `go` that sends once on its parameter.
func namedWorker(ctx context.Context) (result, error) {
	out := make(chan result) // want "abandoned-sender"
	go produce(ctx, out)
	select {
	case r := <-out:
		return r, nil
	case <-ctx.Done():
		return result{}, ctx.Err()
	}
}

// Falling off the end after a timeout abandons it too.
func fallsOff(d time.Duration) {
	done := make(chan struct{}) // want "abandoned-sender"
	go func() {
		_ = slow()
		done <- struct{}{}
	}()
	select {
	case <-done:
	case <-time.After(d):
	}
}

// Each attempt makes a new channel; a retry after a timeout abandons the last one.
func retries(attempts int, d time.Duration) error {
	for i := 0; i < attempts; i++ {
		done := make(chan error) // want "abandoned-sender"
		go func() { done <- slow() }()
		select {
		case err := <-done:
			return err
		case <-time.After(d):
			continue
		}
	}
	return errTimeout
}

// A literal is a function of its own: its channel is checked inside it.
func inLiteral(d time.Duration) func() error {
	return func() error {
		done := make(chan error) // want "abandoned-sender"
		go func() { done <- slow() }()
		select {
		case err := <-done:
			return err
		case <-time.After(d):
			return errTimeout
		}
	}
}

type identity struct{ hash []byte }

func hash() ([]byte, error) { return nil, nil }
func validate() error       { return nil }

// The goroutine closes both channels after its send (kratos's password registration): still
// a leak on the early return, but a buffer would let the close of the other channel race the
// value into the select, so no fix is offered (see the unit test).
func closesBoth(i *identity) error {
	hashed := make(chan []byte) // want "abandoned-sender"
	errs := make(chan error)    // want "abandoned-sender"
	go func() {
		defer close(hashed)
		defer close(errs)
		h, err := hash()
		if err != nil {
			errs <- err
			return
		}
		hashed <- h
	}()
	if err := validate(); err != nil {
		return err
	}
	select {
	case err := <-errs:
		return err
	case h := <-hashed:
		i.hash = h
	}
	return nil
}

type zerologEvent struct{}

func (e *zerologEvent) Err(error) *zerologEvent { return e }
func (e *zerologEvent) Msg(string)              {}

type zerologLogger struct{}

func (zerologLogger) Fatal() *zerologEvent { return &zerologEvent{} }

var zlog zerologLogger

// Two servers, each sending its result. When the first ends, the second is closed and its
// result abandoned; when the second ends, a zerolog Fatal event ends the process, so the
// first channel is never abandoned (centrifugo's HTTP/3 listeners).
func serveBoth(serveA, serveB func() error, closeB func()) {
	aErr := make(chan error)
	bErr := make(chan error) // want "abandoned-sender"
	go func() { aErr <- serveA() }()
	go func() { bErr <- serveB() }()
	select {
	case err := <-aErr:
		closeB()
		_ = err
	case err := <-bErr:
		zlog.Fatal().Err(err).Msg("serve")
	}
}
