package app

import (
	"context"
	"errors"
	"time"

	"example.com/project/wrappers/ctxutil"
)

// The error branch right after the call has nothing to release: the cancel function is nil.
func dialAndRun(addr string, do func(context.Context, *ctxutil.Conn) error) error {
	conn, ctx, cancel, err := ctxutil.Dial(addr, time.Second)
	if err != nil {
		return err
	}
	defer cancel()
	return do(ctx, conn)
}

// A return after the error check does lose it.
func dialThenCheck(addr string, ok func(*ctxutil.Conn) bool) error {
	conn, ctx, cancel, err := ctxutil.Dial(addr, time.Second) // want "missing-defer-cancel"
	if err != nil {
		return err
	}
	if !ok(conn) {
		return errors.New("refused")
	}
	defer cancel()
	use(ctx)
	return nil
}

// In a loop, each failed dial's branch loses nothing either.
func dialAll(addrs []string, conns []*ctxutil.Conn, stops []context.CancelFunc) error {
	for _, addr := range addrs {
		conn, _, stop, err := ctxutil.Dial(addr, time.Second)
		if err != nil {
			for _, s := range stops {
				s()
			}
			return err
		}
		conns = append(conns, conn)
		stops = append(stops, stop)
	}
	return nil
}
