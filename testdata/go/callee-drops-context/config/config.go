package config

import "context"

type Auth struct{ methods []string }

// SessionEnabled reads settings with a root: a configuration package's roots are not
// reported (flipt).
func (a *Auth) SessionEnabled() bool {
	return len(a.all(context.Background())) > 0
}

func (a *Auth) all(ctx context.Context) []string { return a.methods }
