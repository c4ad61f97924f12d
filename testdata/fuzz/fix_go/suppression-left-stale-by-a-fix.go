import"context"func({ctx,l:=context.WithCancel()
x,_=context.WithCancel(ctx)//lint:ignore discarded-cancel
}