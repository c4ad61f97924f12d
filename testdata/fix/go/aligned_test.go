package fix

import (
	"context"
	"testing"
)

func use(ctx context.Context, xs ...any) int { return 0 }

type T struct {
	Ctx  context.Context // the context
	Name string          // a name
	N    int             `json:"n"`
	Long int             // long
}

func TestRun(t *testing.T) {
	a := use(context.Background())   // shorter now
	bb := 1                          // next
	_ = use(context.Background(), a) // widest before the fix
	_ = bb

	// alone
	use(context.Background()) // one space

	x := T{
		Ctx:  context.Background(), // ctx
		Name: "n",                  // name
	}
	_ = x
	m := map[string]int{
		"a":   use(context.Background()), // a
		"bbb": 2,                         // b
	}
	_ = m
	c := 1 // c
	use(context.Background())
	d := 2 // d
	_, _ = c, d
	e := "123456789012345678"               // e
	f := use(context.Background(), 1, 2, 3) // f
	_, _ = e, f
	if true { // if
		use(context.Background()) // inner
	} // end
	var (
		g = use(context.Background()) // g
		h = 2                         // h
	)
	_, _ = g, h
}

func TestUntouched(t *testing.T) {
	a := 1   // not gofmt
	b := 123 // clean
	_, _ = a, b
}

func TestEdges(t *testing.T) {
	for i := 0; i < 3; i++ { // loop
		_ = use(context.Background(), i) // body
	}
	s := []int{
		1, // one
		use(context.Background()), // not gofmt'd before: left alone
	}
	_ = s
	y := use(context.Background()) /* block */
	z := 1                         // z
	_, _ = y, z
	w := "//" + `
` // raw
	_ = w
	v := use(context.Background(), "é") // é
	u := 1                              // u
	_, _ = v, u
}
