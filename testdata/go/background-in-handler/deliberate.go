package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os/exec"
	"sync"
	"time"

	"github.com/containerd/log"
	"github.com/sirupsen/logrus"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"
	"google.golang.org/grpc/metadata"
)

type store struct {
	mu      sync.Mutex
	logger  *slog.Logger
	metrics recorder
	monitoring recorder
	tracer  trace.Tracer
}

type recorder struct{}

func (recorder) Observe(ctx context.Context, name string) {}

type resource struct{}

func (resource) Write(ctx context.Context) error   { return nil }
func (resource) Release(ctx context.Context) error { return nil }
func (resource) CloseAll(ctx context.Context)      {}

func (s *store) Shutdown(ctx context.Context) error              { return nil }
func (s *store) StartWatcher(ctx context.Context)                 {}
func (s *store) fetch(ctx context.Context, key string) error      { return nil }
func (s *store) copyValues(dst, src context.Context) context.Context { return dst }

// Clean: the new root only carries values into a logger, a tracer or a metrics recorder.
func (s *store) sinks(w http.ResponseWriter, r *http.Request) {
	log.G(context.TODO()).Debug("request")
	logrus.WithContext(context.Background()).Info("request")
	s.logger.LogAttrs(context.Background(), slog.LevelInfo, "served")
	s.logger.InfoContext(context.Background(), "served")
	_ = trace.SpanFromContext(context.Background())
	_, span := s.tracer.Start(context.Background(), "serve")
	defer span.End()
	s.metrics.Observe(context.Background(), "latency")
	s.monitoring.Observe(context.TODO(), "served")
	_, _ = metadata.FromIncomingContext(context.Background())
	auditLogIf(context.Background(), errors.New("x"))
	log.G(log.WithLogger(context.Background(), nil)).Info("wrapped")
}

func auditLogIf(ctx context.Context, err error) {}

// Still flagged: work that only looks like logging.
func (s *store) readLogs(ctx context.Context, logs reader) error {
	_, err := logs.Open(context.Background(), "section") // want "background-in-handler"
	if err != nil {
		return err
	}
	return s.fetchLog(context.TODO()) // want "background-in-handler"
}

type reader interface {
	Open(ctx context.Context, name string) (int, error)
}

func (s *store) fetchLog(ctx context.Context) error { return nil }

// Clean: cleanup that must run even when ctx is cancelled.
func (s *store) cleanup(ctx context.Context, r resource) (err error) {
	defer func() {
		if err != nil {
			_ = s.Shutdown(context.Background())
		}
	}()
	defer r.CloseAll(context.TODO())
	if err := r.Write(ctx); err != nil {
		_ = r.Release(context.TODO())
		return err
	}
	r.CloseAll(context.Background())
	sctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return s.Shutdown(sctx)
}

// Clean: a comment right above explains the fresh context.
func (s *store) explained(ctx context.Context) error {
	// ctx may be cancelled by now; the write must land anyway.
	if err := s.fetch(context.Background(), "k"); err != nil {
		return err
	}
	return s.fetch(context.TODO(), "k") // deliberately detached from the caller's deadline
}

// Clean: an earlier comment in the function names the choice.
func (s *store) documented(ctx context.Context) error {
	// The status write below deliberately stays on context.Background() so that a
	// cancelled reconcile never aborts it.
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.fetch(context.Background(), "status")
}

// Clean: deliberate new roots kept as state or returned.
type op struct {
	done   context.Context
	cancel context.CancelFunc
}

func (s *store) start(ctx context.Context) *op {
	done, finish := context.WithCancel(context.Background())
	o := &op{done: done}
	go func() {
		defer finish()
		_ = s.fetch(ctx, "k")
	}()
	return o
}

func (s *store) run(ctx context.Context, o *op) {
	runCtx, cancel := context.WithCancel(context.Background())
	o.cancel = cancel
	_ = s.fetch(runCtx, "k")
}

// Clean: func literals that outlive the function.
func (s *store) closures(ctx context.Context) (func() error, *op) {
	cleanups := []func(){func() { _ = s.fetch(context.Background(), "a") }}
	_ = cleanups
	later := func() { _ = s.fetch(context.TODO(), "b") }
	time.AfterFunc(time.Second, later)
	stop := context.AfterFunc(ctx, func() { _ = s.fetch(context.Background(), "c") })
	_ = stop
	return func() error {
		return s.fetch(context.Background(), "d")
	}, nil
}

// Clean: the parent is already done here.
func (s *store) afterDone(ctx context.Context, results chan error) error {
	select {
	case <-ctx.Done():
		_ = s.fetch(context.Background(), "abort")
		return ctx.Err()
	case err := <-results:
		return err
	}
}

func (s *store) afterWait(ctx context.Context) {
	<-ctx.Done()
	_ = s.fetch(context.Background(), "drain")
}

func (s *store) afterErr(ctx context.Context) {
	if ctx.Err() != nil {
		_ = s.fetch(context.Background(), "drain")
	}
}

// Clean: a graceful shutdown forwards the parent's cancellation itself, in order.
func (s *store) serve(ctx context.Context) error {
	workers, stopWorkers := context.WithCancel(context.Background())
	defer stopWorkers()
	go s.StartWatcher(workers)
	<-ctx.Done()
	stopWorkers()
	return nil
}

// Clean: a root that only receives the parent's values, and starting long-lived work.
func (s *store) detached(ctx context.Context) {
	newCtx := context.Background()
	newCtx = s.copyValues(newCtx, ctx)
	s.StartWatcher(newCtx)
	s.StartWatcher(context.Background())
}

// Clean: only the errgroup is wanted; its context is discarded.
func (s *store) groupOnly(ctx context.Context) error {
	g, _ := errgroup.WithContext(context.Background())
	g.Go(func() error { return s.fetch(ctx, "k") })
	return g.Wait()
}

// Still flagged, but with no replacement: the discarded error would hide a cancellation.
func (s *store) acquire(ctx context.Context, sem *semaphore.Weighted) {
	_ = sem.Acquire(context.Background(), 1) // want "background-in-handler"
	defer sem.Release(1)
}

// Still flagged: ordinary work beside a parent, in plain sight.
func (s *store) plain(ctx context.Context, keys []string) error {
	for _, k := range keys {
		if err := s.fetch(context.Background(), k); err != nil { // want "background-in-handler"
			return err
		}
	}
	g, gctx := errgroup.WithContext(context.TODO()) // want "background-in-handler"
	g.Go(func() error { return s.fetch(gctx, "x") })
	if err := g.Wait(); err != nil {
		return err
	}
	tctx, cancel := context.WithTimeout(context.Background(), time.Second) // want "background-in-handler"
	defer cancel()
	return s.fetch(tctx, "y")
}

// Clean: stopping the process must not be cancelled with the request that asked for it.
func stopHandler(w http.ResponseWriter, r *http.Request) {
	exitProcess(context.Background())
}

func exitProcess(ctx context.Context) {}

// Clean: a handler literal in a test keeps a copy of the request beyond the handler.
func captureRequests() []*http.Request {
	var captured []*http.Request
	var last *http.Request
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		captured = append(captured, r.Clone(context.Background()))
		last = r.Clone(context.TODO())
	})
	_ = h
	_ = last
	return captured
}

// Clean: a callback whose context parameter is unnamed ignores contexts on purpose; the outer
// ctx is not meant for it.
func (s *store) credentials(ctx context.Context) func(context.Context) error {
	return s.assertion(func(context.Context) error {
		return s.fetch(context.Background(), "token")
	})
}

func (s *store) assertion(f func(context.Context) error) func(context.Context) error { return f }

// Clean: the cancel function is handed to code that decides when to cancel.
func (s *store) openLog(ctx context.Context, onClose func()) error {
	logCtx, cancelLog := context.WithCancel(context.Background())
	closeAll := func() {
		onClose()
		cancelLog()
	}
	return s.dial(logCtx, closeAll)
}

func (s *store) watch(ctx context.Context) error {
	wctx, stop := context.WithCancel(context.Background())
	return s.register(wctx, stop)
}

func (s *store) dial(ctx context.Context, onClose func()) error              { return nil }
func (s *store) register(ctx context.Context, stop context.CancelFunc) error { return nil }

// Clean: a wait that leaves when the parent is done cancels the new root on the way out.
func (s *store) waitFor(ctx context.Context, ticks func(context.Context) <-chan int) error {
	tickCtx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for {
		select {
		case <-ticks(tickCtx):
		case <-ctx.Done():
			return errors.New("stopped")
		}
	}
}

// Clean: the comment a few lines above, in the same paragraph, explains the choice.
func (s *store) demote(ctx context.Context) error {
	if s.logger != nil {
		// Not ctx: losing leadership cancels it, and the transfer must
		// finish anyway.
		s.logger.Info("transferring")
		return s.fetch(context.Background(), "transfer")
	}
	return nil
}

// Clean: a value-only root returned inside a result configures long-lived machinery.
type source struct{ ctx context.Context }

func tokenSource(ctx context.Context) source { return source{ctx} }

func (s *store) newSource(req *http.Request, client *http.Client) (*http.Client, source) {
	cctx := context.WithValue(context.Background(), clientKey{}, client)
	return client, tokenSource(cctx)
}

type clientKey struct{}

// Still flagged: a comment above that says nothing about contexts.
func (s *store) unexplained(ctx context.Context) error {
	// Load the status.
	return s.fetch(context.Background(), "status") // want "background-in-handler"
}

// Still flagged: what the new root made is used by a goroutine that follows the parent, or
// handed on in a literal. Most such products do not hold their context (a stream watched with
// ctx.Err(), a listener, a created volume).
type download struct{ body reader }

func (s *store) openPipe(ctx context.Context, open func(context.Context, string) (reader, error)) error {
	pipe, err := open(context.Background(), "stdin") // want "background-in-handler"
	if err != nil {
		return err
	}
	go func() {
		_, _ = pipe.Open(ctx, "x")
	}()
	return nil
}

func (s *store) mount(ctx context.Context, create func(context.Context) reader, add func(*download)) {
	body := create(context.TODO()) // want "background-in-handler"
	add(&download{body: body})
}

// Clean: what the new root made outlives the function and may hold its context: a fifo that
// a detached goroutine copies from and closes, a lazy download returned inside the result.
type closer interface {
	reader
	Close() error
}

func (s *store) copyStdin(ctx context.Context, open func(context.Context, string) (closer, error)) error {
	f, err := open(context.Background(), "stdin")
	if err != nil {
		return err
	}
	go func() {
		_, _ = f.Open(context.TODO(), "copy")
		f.Close()
	}()
	return nil
}

func (s *store) lazy(ctx context.Context, fetchLazily func(context.Context) reader) *download {
	body := fetchLazily(context.TODO())
	return &download{body: body}
}

// Clean: the command is run by a runner that takes the parent and cancels it its own way.
func (s *store) git(ctx context.Context, run func(context.Context, *exec.Cmd) error) error {
	var cmd *exec.Cmd
	if run == nil {
		cmd = exec.CommandContext(ctx, "git")
		return cmd.Run()
	}
	cmd = exec.CommandContext(context.TODO(), "git")
	return run(ctx, cmd)
}

// Still flagged: a command that nothing else cancels.
func (s *store) gitPlain(ctx context.Context) error {
	cmd := exec.CommandContext(context.TODO(), "git") // want "background-in-handler"
	return cmd.Run()
}

// Clean: the new root joins a list of contexts that holds the parent too; whichever ends
// first ends the wait.
func (s *store) waitAny(ctx context.Context, deadline time.Time, wait func([]context.Context) error) error {
	ctxs := []context.Context{ctx}
	if !deadline.IsZero() {
		early, cancel := context.WithDeadline(context.Background(), deadline)
		defer cancel()
		ctxs = append(ctxs, early)
	}
	return wait(ctxs)
}

// Clean: a comment block one blank line above still speaks about the call.
func (s *store) agentErr(ctx context.Context) error {
	_ = s.fetch(ctx, "start")

	// todo: manually stop on context cancellation?

	return s.fetch(context.Background(), "wait")
}

// Clean: the parent supplies, through its values, what to do with a context of its own (a
// test that needs a context without the parent's namespace).
type wrapper func(context.Context) (context.Context, func(context.Context) error, error)

type wrapperKey struct{}

func (s *store) crossNamespace(ctx context.Context) error {
	wrap, ok := ctx.Value(wrapperKey{}).(wrapper)
	if !ok {
		return nil
	}
	ctx2, done, err := wrap(context.Background())
	if err != nil {
		return err
	}
	defer done(ctx2)
	return s.fetch(ctx2, "k")
}

// Clean: the new root only feeds a goroutine that the function stops on its way out, in the
// order it chooses.
func (s *store) stopSandbox(ctx context.Context, exits <-chan int) error {
	exitCtx, exitCancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		_ = s.fetch(exitCtx, "exit")
	}()
	defer func() {
		exitCancel()
		<-stopped
	}()
	return s.fetch(ctx, "kill")
}

// Still flagged: the goroutine's context is not cancelled by the function.
func (s *store) unbounded(ctx context.Context) error {
	bgCtx, bgCancel := context.WithCancel(context.Background()) // want "background-in-handler"
	go func() {
		_ = s.fetch(bgCtx, "exit")
	}()
	_ = bgCancel
	return s.fetch(ctx, "kill")
}

// Clean: the parent's values are copied into the new root by hand.
func (s *store) copied(ctx context.Context, copyValues func(dst, src context.Context) context.Context) error {
	return s.fetch(copyValues(context.TODO(), ctx), "k")
}

func (s *store) traced(ctx context.Context) error {
	unlockCtx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if id := ctx.Value(clientKey{}); id != nil {
		unlockCtx = context.WithValue(unlockCtx, clientKey{}, id)
	}
	return s.fetch(unlockCtx, "unlock")
}

// Still flagged: a loaded value returned as is is plain work.
func (s *store) load(ctx context.Context, get func(context.Context) ([]byte, error)) ([]byte, error) {
	data, err := get(context.Background()) // want "background-in-handler"
	if err != nil {
		return nil, err
	}
	return data, nil
}

// Clean: a closure handed to a constructor whose result is kept runs long after the call.
type renewer struct{ renew func() error }

func newRenewer(every time.Duration, f func() error) *renewer { return &renewer{renew: f} }

func (s *store) keepRenewing(ctx context.Context, r *struct{ renewal *renewer }) {
	r.renewal = newRenewer(time.Hour, func() error {
		return s.fetch(context.Background(), "renew")
	})
}

// Clean: a parameter named `_ctx` is ignored on purpose.
func (s *store) validate(_ctx context.Context) error {
	return s.fetch(context.Background(), "zones")
}

// Clean: the span is carried over by hand.
func (s *store) traceOnly(ctx context.Context) error {
	statusCtx, cancel := context.WithCancel(context.Background())
	defer cancel()
	statusCtx = trace.ContextWithSpan(statusCtx, trace.SpanFromContext(ctx))
	return s.fetch(statusCtx, "status")
}

// Still flagged: reading a value of ctx and then deriving a timeout copies nothing.
func (s *store) timed(ctx context.Context, d time.Duration) error {
	region := trace.SpanFromContext(ctx)
	_ = region
	fetchCtx := context.Background() // want "background-in-handler"
	if d > 0 {
		var cancel context.CancelFunc
		fetchCtx, cancel = context.WithTimeout(fetchCtx, d)
		defer cancel()
	}
	return s.fetch(fetchCtx, "k")
}

// Clean: an outgoing request gets its own cancellable context.
func (s *store) post(req *http.Request, do func(*http.Request) error) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req = req.WithContext(ctx)
	return do(req)
}

// Still flagged: test doubles are code like any other (a fake client's wait should honour the
// request's context; a mock broker's delivery may rightly not).
type mockBroker struct{ deliver func(context.Context, string) }

func (m *mockBroker) Publish(ctx context.Context, msg string) {
	m.deliver(context.Background(), msg) // want "background-in-handler"
}
