import("context")func(t context.Context{x,cancel:=context.WithCancel(context.Background())
{cancel=e}
defer cancel()}