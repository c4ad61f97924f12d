package handlers

import (
	ctx "context"

	"github.com/gin-gonic/gin"
	"github.com/gofiber/fiber/v2"
	"github.com/labstack/echo/v4"
)

func ginHandler(c *gin.Context) {
	load(ctx.Background()) // want "background-in-handler"
}

func echoHandler(c echo.Context) error {
	load(ctx.TODO()) // want "background-in-handler"
	return nil
}

func fiberHandler(c *fiber.Ctx) error {
	load(ctx.Background()) // want "background-in-handler"
	return nil
}

// Clean: the frameworks' own contexts are passed down.
func ginGood(c *gin.Context) {
	load(c.Request.Context())
}

// Clean: a gin.Context value (not a pointer) is not how gin calls handlers.
func notPointer(c gin.Context) {
	load(ctx.Background())
}
