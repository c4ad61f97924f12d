package handlers

import (
	"context"

	pb "example.com/handlers/gen"
)

type caaServer struct {
	va    *validator
	other *otherValidator
}

func (v *validator) check(ctx context.Context) error { return deliver(ctx, nil) }

// The goroutine runs a method declared in another file of the package that detaches the
// context at once (boulder's DoCAA and va.runExperiment in va.go).
func (v *validator) DoCAA(ctx context.Context, req *pb.IsCAAValidRequest) (*pb.IsCAAValidResponse, error) {
	go v.runExperiment(ctx, "caa", v.check)
	go detachedNotify(ctx, "caa")
	return &pb.IsCAAValidResponse{}, nil
}

// A method of that name on another type does work with the context; so does a function that
// detaches it only on one path.
func (s *caaServer) DoOther(ctx context.Context, req *pb.IsCAAValidRequest) (*pb.IsCAAValidResponse, error) {
	go s.other.runExperiment(ctx, "caa", s.va.check) // want "goroutine-outlives-context"
	go maybeDetached(ctx, true)                       // want "goroutine-outlives-context"
	return &pb.IsCAAValidResponse{}, nil
}
