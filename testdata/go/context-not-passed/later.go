package fixtures

import (
	"context"
	"net/http"
	"os/exec"
	"time"
)

type apiClient struct{ hc *http.Client }

func (c *apiClient) Do(ctx context.Context, req *http.Request) (*http.Response, error) {
	return c.hc.Do(req.WithContext(ctx))
}

// The request receives the context before it is sent (etcd's RenewHTTP, oauth2's sts
// exchange, prometheus' API client).
func renew(ctx context.Context, url string) error {
	req, err := http.NewRequest(http.MethodPost, url, nil)
	if err != nil {
		return err
	}
	req = req.WithContext(ctx)
	_, err = http.DefaultClient.Do(req)
	return err
}

func (c *apiClient) config(ctx context.Context, url string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	_, err = c.Do(ctx, req)
	return err
}

// A request built but never given the context is still reported.
func build(ctx context.Context, c *apiClient, url string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil) // want "context-not-passed"
	if err != nil {
		return err
	}
	_, err = c.hc.Do(req)
	return err
}

// Constant sleeps are short and bounded (minio's and containerd's retry delays); a computed
// sleep outside a loop is a simulated delay or a test hook.
func poll(ctx context.Context, ready func() bool, hook time.Duration) {
	const retryDelay = 50 * time.Millisecond
	var (
		attempts = 10
		delay    = 100 * time.Millisecond
	)
	time.Sleep(hook)
	for i := 0; i < attempts && !ready(); i++ {
		time.Sleep(10 * time.Millisecond)
		time.Sleep(retryDelay)
		time.Sleep(delay)
		time.Sleep((time.Second / 2))
		time.Sleep(2 * time.Second)
	}
}

// A backoff, a configured interval or a server's Retry-After in a retry loop holds the
// caller up for long after it has given up (rclone's upload retries, minio's site
// replication init).
func backoff(ctx context.Context, try func() error, interval time.Duration) error {
	sleep := 100 * time.Millisecond
	for {
		if err := try(); err == nil {
			return nil
		}
		time.Sleep(sleep) // want "context-not-passed"
		sleep *= 2
		time.Sleep(interval) // want "context-not-passed"
	}
}

// A loop that checks the context each round stops within one sleep (minio's lock retries,
// traefik's throttles).
func retryLock(ctx context.Context, lock func() bool, backoff func(int) time.Duration) bool {
	for attempt := 0; ; attempt++ {
		select {
		case <-ctx.Done():
			return false
		default:
		}
		if lock() {
			return true
		}
		time.Sleep(backoff(attempt))
	}
}

// The command is run by a helper that watches the context (x/tools' gocommand).
func runGo(ctx context.Context, args ...string) error {
	cmd := exec.Command("go", args...)
	return runCmdContext(ctx, cmd)
}

func runCmdContext(ctx context.Context, cmd *exec.Cmd) error { return cmd.Run() }

// A daemon started by a helper must outlive the request (gopls' auto-started remote).
func startDaemon(ctx context.Context, exe string) error {
	cmd := exec.Command(exe, "-listen")
	return runDetached(cmd)
}

func runDetached(cmd *exec.Cmd) error { return cmd.Start() }

// A goroutine per item staggers its start once, not in a retry loop (minio's metadata load).
func loadAll(ctx context.Context, items []string, stagger func() time.Duration, load func(string)) {
	for _, item := range items {
		go func() {
			time.Sleep(stagger())
			load(item)
		}()
	}
}

type scraper struct {
	req    *http.Request
	client *http.Client
}

// The request is kept for reuse and gets the context at each use (prometheus' scraper).
func (s *scraper) scrape(ctx context.Context, url string) (*http.Response, error) {
	if s.req == nil {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		s.req = req
	}
	return s.client.Do(s.req.WithContext(ctx))
}

// A random wait bounded by less than a second is short (minio's retry jitter).
func jitter(ctx context.Context, try func() bool, rnd interface{ Int63n(int64) int64 }) {
	for !try() {
		time.Sleep(time.Duration(rnd.Int63n(int64(time.Second))))
	}
}

// A shim returned to the caller, and a viewer started for the rest of the process's life
// (containerd's shim manager, gopls' trace viewer), outlive the request.
func newShim(ctx context.Context, self string) (*exec.Cmd, error) {
	cmd := exec.Command(self, "-namespace", "default")
	return cmd, nil
}

func startViewer(w http.ResponseWriter, r *http.Request) {
	cmd := exec.Command("go", "tool", "trace")
	if err := cmd.Start(); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// A command run to completion is reported.
func mkfs(ctx context.Context, dev string) error {
	cmd := exec.Command("mkfs.ext4", dev) // want "context-not-passed"
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Wait()
}
