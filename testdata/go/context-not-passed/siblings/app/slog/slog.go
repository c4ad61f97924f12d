// Package slog is a logging wrapper of the tree (dagger's engine/slog): its functions write
// records, whatever their names.
package slog

import "context"

func ExtraDebug(msg string, args ...any) {}

func ExtraDebugContext(ctx context.Context, msg string, args ...any) {}
