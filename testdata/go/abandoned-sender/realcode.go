package realcode

import (
	"errors"
	"io"
	"net"
	"time"
)

type msg struct{ last bool }

func decode(c net.Conn) (msg, error) { return msg{}, nil }
func copySnapshot(in io.Reader, w io.Writer) (int, error) {
	_, err := io.Copy(w, in)
	return 0, err
}
func readSnapshot(r io.Reader) error { return nil }

// A decoder that streams messages and then reports its error (nomad's monitor helper): when
// the function stops reading, the goroutine blocks on the stream first; a buffer for the
// error channel would not free it.
func streamThenError(c net.Conn, timeout <-chan time.Time) error {
	errCh := make(chan error)
	msgs := make(chan msg)
	go func() {
		for {
			m, err := decode(c)
			msgs <- m
			if err != nil {
				errCh <- err
				return
			}
		}
	}()
	for {
		select {
		case <-timeout:
			return errors.New("timeout")
		case err := <-errCh:
			return err
		case m := <-msgs:
			if m.last {
				return nil
			}
		}
	}
}

// The goroutine writes into a pipe the function stops reading on its error path (nomad's
// snapshot inspect, rclone's compressors): it blocks in the write, before its send; closing
// the reader is the fix, not a buffer.
func throughPipe(file io.Reader) (int, error) {
	r, w := io.Pipe()
	errCh := make(chan error)
	sizes := make(chan int)
	go func() {
		n, err := copySnapshot(file, w)
		if err != nil {
			errCh <- err
		} else {
			sizes <- n
		}
	}()
	if err := readSnapshot(r); err != nil {
		return 0, err
	}
	select {
	case err := <-errCh:
		return 0, err
	case n := <-sizes:
		return n, nil
	}
}

type udp struct{ recv chan msg }

func (u *udp) receive(out chan<- msg, errs chan<- error, closed <-chan struct{}) {
	t := time.NewTimer(time.Second)
	for {
		select {
		case m := <-u.recv:
			out <- m
			return
		case <-t.C:
			errs <- errors.New("timeout")
			return
		case <-closed:
			return
		}
	}
}

func send() error { return nil }

// The goroutine watches a channel the function closes when it returns (evcc's keba
// roundtrip): it is told to stop.
func (u *udp) roundtrip() (msg, error) {
	out := make(chan msg)
	errs := make(chan error)
	closed := make(chan struct{})
	defer close(closed)
	go u.receive(out, errs, closed)
	if err := send(); err != nil {
		return msg{}, err
	}
	select {
	case m := <-out:
		return m, nil
	case err := <-errs:
		return msg{}, err
	}
}
