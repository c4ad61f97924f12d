package fixtures

import "context"

func use(context.Context) {}

func staleTrailing(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx) //ctxlint:ignore discarded-cancel it used to be dropped // want "unused-suppression"
	defer cancel()
	use(ctx)
}

func staleAbove(ctx context.Context) {
	//nolint:discarded-cancel,errcheck // want "unused-suppression"
	ctx, cancel := context.WithTimeout(ctx, 1)
	defer cancel()
	use(ctx)
}

func staleEverything(ctx context.Context) {
	use(ctx) //nolint:ctxlint // want "unused-suppression"
}

func misspelt(ctx context.Context) {
	use(ctx) //ctxlint:ignore discard-cancel a typo silences nothing // want "unused-suppression"
}

// Clean: each suppression silences a finding of the rule it names.
func usedTrailing(ctx context.Context) {
	ctx, _ = context.WithCancel(ctx) //ctxlint:ignore discarded-cancel the parent ends right after
	use(ctx)
}

func usedAbove(ctx context.Context) {
	//nolint:discarded-cancel // the parent ends right after
	ctx, _ = context.WithTimeout(ctx, 1)
	use(ctx)
}

func usedByAll(ctx context.Context) {
	ctx, _ = context.WithCancel(ctx) //nolint:ctxlint
	use(ctx)
}

// Clean: bare `nolint` is meant for every linter, and other linters' names are not ours.
func otherLinters(ctx context.Context) {
	use(ctx) //nolint
	use(ctx) //nolint:all
	use(ctx) //nolint:errcheck
}
