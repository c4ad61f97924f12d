package only

import (
	"context"
	"testing"
)

// The only use of the context package: the fix would leave the import unused (unsafe).
func TestOnlyUse(t *testing.T) {
	run(context.Background()) // want "test-background-context"
}

func run(x any) {}
