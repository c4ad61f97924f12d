import"context"func(){ctx:=W
var ctx,_=context.WithCancel()}