import"context"func(){_,cancel:=context.WithCancel()
ctx,cancel=t
return ctx}