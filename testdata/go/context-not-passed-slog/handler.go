package slogged

import (
	"context"
	"log/slog"
	"net/http"
)

type Server struct {
	log *slog.Logger
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	slog.Info("request", "path", r.URL.Path) // want "context-not-passed"
	s.log.Warn("slow") // want "context-not-passed"
	logger := slog.Default().With("id", 1)
	logger.Error("failed") // want "context-not-passed"
	// Already with the context, or a level that takes one.
	slog.InfoContext(r.Context(), "request")
	slog.Log(r.Context(), slog.LevelInfo, "request")
}

func work(ctx context.Context, other Logger) {
	slog.Debug("start") // want "context-not-passed"
	// Not a *slog.Logger.
	other.Info("x")
}

// Without a parent context nothing is reported.
func main() {
	slog.Info("starting")
}

type Logger interface{ Info(string) }
