package basic

import (
	stdctx "context"
	. "os/signal"
	xcontext "golang.org/x/net/context"
	"syscall"
)

func aliased(parent stdctx.Context) {
	ctx, _ := stdctx.WithCancel(parent) // want "discarded-cancel"
	_ = ctx
}

func legacy(parent xcontext.Context) {
	ctx, _ := xcontext.WithTimeout(parent, 1) // want "discarded-cancel"
	_ = ctx
}

func dotImport(parent stdctx.Context) {
	ctx, _ := NotifyContext(parent, syscall.SIGTERM) // want "discarded-cancel"
	_ = ctx
}

func inLiteral(parent stdctx.Context) {
	go func() {
		ctx, _ := stdctx.WithCancel(parent) // want "discarded-cancel"
		_ = ctx
	}()
}
