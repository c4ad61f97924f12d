package handlers

import (
	"context"

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
