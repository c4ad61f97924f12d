package app

import (
	"context"
	"net/http"

	"example.com/app/app/slog"
)

// A logging wrapper of the tree (dagger's engine/slog): each level has a …Context sibling that
// takes the logger from the context. Calling the plain one loses the record's trace IDs, not
// cancellable work: silent, as stdlib log/slog is without the slog option.
func Warn(msg string, args ...any) {}

func WarnContext(ctx context.Context, msg string, args ...any) {}

func Error(msg string, args ...any) {}

func ErrorContext(ctx context.Context, msg string, args ...any) {}

// Not a log level, though its first word is one: work that goes on.
func TraceRoute(host string) error { return nil }

func TraceRouteContext(ctx context.Context, host string) error { return nil }

func logged(w http.ResponseWriter, r *http.Request) {
	Warn("slow request")
	Error("failed", "path", r.URL.Path)
	slog.ExtraDebug("details")
	_ = TraceRoute("example.com") // want "context-not-passed"
}
