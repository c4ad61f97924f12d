package handlers

import (
	"context"
	"net/http"
)

type eventStreamer struct {
	outbox chan []byte
	exited chan struct{}
	other  chan struct{}
}

func newEventStreamer() *eventStreamer {
	return &eventStreamer{
		outbox: make(chan []byte, 1),
		exited: make(chan struct{}),
		other:  make(chan struct{}),
	}
}

func deliver(ctx context.Context, b []byte) error {
	_, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://sink/", nil)
	return err
}

func (es *eventStreamer) writeLoop(ctx context.Context) {
	defer func() {
		es.exit()
	}()
	for b := range es.outbox {
		if err := deliver(ctx, b); err != nil {
			return
		}
	}
}

func (es *eventStreamer) exit() { close(es.exited) }

// waitForExit blocks until writeLoop has returned.
func (es *eventStreamer) waitForExit() { <-es.exited }

func (es *eventStreamer) waitForOther() { <-es.other }

// The handler waits for the goroutine through a method of this file that receives from the
// channel the goroutine's method closes (through another method) when it ends (prysm's
// StreamEvents and its es.waitForExit()).
func streamEvents(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	es := newEventStreamer()
	go es.writeLoop(ctx)
	es.outbox <- []byte("event")
	close(es.outbox)
	es.waitForExit()
}

// The same through a func literal that ends by calling the closing method.
func streamLiteral(w http.ResponseWriter, r *http.Request) {
	es := newEventStreamer()
	go func() {
		defer es.exit()
		_ = deliver(r.Context(), nil)
	}()
	es.waitForExit()
}

// The method waits on a channel the goroutine never closes or sends on.
func streamOther(w http.ResponseWriter, r *http.Request) {
	es := newEventStreamer()
	go es.writeLoop(r.Context()) // want "goroutine-outlives-context"
	close(es.outbox)
	es.waitForOther()
}

// The handler waits for another streamer than the one the goroutine closes.
func streamTwo(w http.ResponseWriter, r *http.Request) {
	es, other := newEventStreamer(), newEventStreamer()
	go es.writeLoop(r.Context()) // want "goroutine-outlives-context"
	close(es.outbox)
	other.waitForExit()
}
