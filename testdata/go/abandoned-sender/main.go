package main

import "time"

func slow() error { return nil }

// Returning from main ends the process, goroutines included.
func main() {
	done := make(chan error)
	go func() { done <- slow() }()
	select {
	case <-done:
	case <-time.After(time.Second):
	}
}
