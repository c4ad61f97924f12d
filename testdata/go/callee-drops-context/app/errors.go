package app

import (
	"context"
	"net/http"
)

// An error constructor (boundary's handlers.InvalidArgumentErrorf): its root only feeds the
// reporting of the error it builds, not work of the caller's.
type ApiError struct{ msg string }

func (e *ApiError) Error() string { return e.msg }

func writeEvent(ctx context.Context, msg string) error { return nil }

func InvalidArgumentErrorf(msg string, fields map[string]string) *ApiError {
	ctx := context.TODO()
	if err := writeEvent(ctx, msg); err != nil {
		return &ApiError{msg: err.Error()}
	}
	return &ApiError{msg: msg}
}

// Named like one, but it also returns what it loaded: work of the caller's.
func loadOrError(key string) (string, error) {
	ctx := context.TODO()
	return key, writeEvent(ctx, key)
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "" {
		_ = InvalidArgumentErrorf("empty path", nil)
	}
	_, _ = loadOrError("k") // want "callee-drops-context"
}
