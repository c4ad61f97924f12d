package fixtures

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// Test code is left alone: the test's deadline bounds it (dapr's integration suites,
// minio's and terraform's test helpers).
func waitReady(ctx context.Context, t *testing.T, url string) {
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(2 * time.Second)
	}
}
