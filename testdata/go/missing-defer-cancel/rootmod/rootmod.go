// Package rootmod is the module's root package: its import path is the module path, which ends
// in a major version, not in the directory's name.
package rootmod

import "context"

type Context struct{ context.Context }

// NewContext returns a derived context; the caller must call the cancel function.
func NewContext(parent Context) (Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent.Context)
	return Context{ctx}, cancel
}
