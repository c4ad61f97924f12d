package handlers

import "context"

// A zerolog-style event, declared apart from its callers as a library's would be: a method
// of the caller's own file is read (one that ignores its context does no work with it), one
// declared elsewhere is not.

type logEvent struct{}

func (e *logEvent) Ctx(ctx context.Context) *logEvent { return e }
func (e *logEvent) Msg(string)                        {}

type eventLogger struct{}

func (eventLogger) Debug() *logEvent { return &logEvent{} }
