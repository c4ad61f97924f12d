package fix

import (
	"context" // ctx
	"fmt"     // fmt
	"time"    // time
)

func work(ctx context.Context, xs ...any) int { return 0 }

func F(parent context.Context) {
	ctx, _ := context.WithTimeout(parent, time.Second) // short
	work(ctx, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)           // long line here
	fmt.Println()
}

func G(parent context.Context) {
	a := 1                                             // a
	ctx, _ := context.WithTimeout(parent, time.Second) // short
	work(ctx)                                          // use
	_ = a
}
