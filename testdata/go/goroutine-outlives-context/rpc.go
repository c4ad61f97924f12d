package handlers

import (
	"context"
	"time"

	pb "example.com/handlers/gen"
)

type metrics struct{}

func (metrics) Publish(ctx context.Context, name string) error { return ctx.Err() }

type rpcServer struct{ m metrics }

// A gRPC unary handler: its context ends with the call.
func (s *rpcServer) CreateItem(ctx context.Context, req *pb.CreateItemRequest) (*pb.CreateItemResponse, error) {
	go s.m.Publish(ctx, "item.created") // want "goroutine-outlives-context"
	return &pb.CreateItemResponse{}, nil
}

// Not a handler: unexported helpers take whatever context their caller has.
func (s *rpcServer) createItem(ctx context.Context, req *pb.CreateItemRequest) (*pb.CreateItemResponse, error) {
	go s.m.Publish(ctx, "item.created")
	return &pb.CreateItemResponse{}, nil
}

// Not a handler shape: the request is not a `*pkg.XRequest`.
func (s *rpcServer) Publish(ctx context.Context, name string) (*pb.CreateItemResponse, error) {
	go s.m.Publish(ctx, name)
	return nil, nil
}

type plugin struct {
	m           metrics
	l           eventLogger
	cancelTasks context.CancelFunc
}

func (p *plugin) scheduleDeleteTask(ctx context.Context) { <-ctx.Done() }

// The context variable is rebound to a fresh root before the goroutines start: they run on
// their own tasks context, not the call's (spire's key managers).
func (p *plugin) Configure(ctx context.Context, req *pb.ConfigureRequest) (*pb.ConfigureResponse, error) {
	if err := p.m.Publish(ctx, "configure"); err != nil {
		return nil, err
	}
	ctx, p.cancelTasks = context.WithCancel(context.Background())
	go p.m.Publish(ctx, "tasks")
	return &pb.ConfigureResponse{}, nil
}

// Rebound from the call's own context again: the goroutine uses the call's context.
func (p *plugin) Reconfigure(ctx context.Context, req *pb.ConfigureRequest) (*pb.ConfigureResponse, error) {
	callCtx := ctx
	ctx, p.cancelTasks = context.WithCancel(context.Background())
	p.cancelTasks()
	ctx = callCtx
	go p.m.Publish(ctx, "tasks") // want "goroutine-outlives-context"
	return &pb.ConfigureResponse{}, nil
}

// The goroutine works on a root of its own and hands the call's context only to a
// zerolog-style event that writes a log entry (hatchet's queue notifications).
func (p *plugin) PutWorkflow(ctx context.Context, req *pb.PutWorkflowRequest) (*pb.PutWorkflowResponse, error) {
	go func() {
		notifyCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		p.l.Debug().Ctx(ctx).Msg("notifying")
		_ = p.m.Publish(notifyCtx, "queue")
	}()
	return &pb.PutWorkflowResponse{}, nil
}

// `.Ctx(ctx)` that does not end in a log entry is not known to be logging.
func (p *plugin) PutOther(ctx context.Context, req *pb.PutWorkflowRequest) (*pb.PutWorkflowResponse, error) {
	go func() { // want "goroutine-outlives-context"
		_ = p.l.Debug().Ctx(ctx)
	}()
	return &pb.PutWorkflowResponse{}, nil
}
