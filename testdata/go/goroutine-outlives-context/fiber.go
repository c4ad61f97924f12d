package handlers

import (
	"context"

	"github.com/gofiber/fiber/v2"
)

func fetch(ctx context.Context, id string) error

// fiber: c.UserContext() is the context the application set on the request (Background by
// default); fiber does not cancel it when the handler returns, so nothing here is cut short.
func refresh(c *fiber.Ctx) error {
	go fetch(c.UserContext(), c.Params("id"))
	return c.SendStatus(202)
}

// A variable bound from it is not the request's context either.
func refreshLater(c *fiber.Ctx) error {
	ctx := c.UserContext()
	go func() {
		_ = fetch(ctx, c.Params("id"))
	}()
	return nil
}
