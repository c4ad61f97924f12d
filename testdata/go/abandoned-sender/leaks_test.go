package leaks

import (
	"testing"
	"time"
)

// A goroutine left blocked in a test ends with the test binary: not reported (goleak finds
// these).
func TestTimeout(t *testing.T) {
	done := make(chan error)
	go func() { done <- slow() }()
	select {
	case <-done:
	case <-time.After(time.Second):
	}
}

func waitFor(d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		_ = slow()
		done <- struct{}{}
	}()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}
