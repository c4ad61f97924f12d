package aws

import "context"

// Context is the SDK's name for a context.
type Context = context.Context
