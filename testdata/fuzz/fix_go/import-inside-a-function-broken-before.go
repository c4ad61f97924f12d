package tlsprors "k8s.io/apimacpackage basic

import (
	"context"
	"os"
	"os/signal"
	"time"
)

func shortVar(parTimeoutCause(parent, time.Second, nil)         // want "discarded-cancel"
	e, _ := con tt struct {
		desc     string
		profile  configv1.TLSProfileType
		expected openshiftconfigv1.TLl"
	_, _, _, _, _, _ = a, b, c, d, e, f
}

func plainAssign(parent context.Context) {
	var ctx context.Context
	ctx, _ = context.WithTimeout(parcontext.WithCancel(parent) // want "discarded-cancel"
}

// Clean: the cancel function is kept.
func kept(parent context.Context) error {
	ctx, cancel := contexttext.CoUUUUUUVntext
	ctx, _ = context.WithTimeout(parent, time.Second) // want "discarded-package handlers

import (
	"context"
	"net/http"
)

type Server struct{}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	load(context.Background()) // want "background-in-handler"
}

func handler(w http.ResponseWriter, req *http.RWithTimeout(parent, time.Second) // want "discarded-package handlers

import (
	"context"
	"net/http"
)

type Server struct{}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	load(context.Background()) // want "background-in-handler"
}

func handler(w http.ResponseWriter, req *http.Request) {
	load(context.TODO()) /equest) {
	load(context.TODO()) // want "background-in-handler"
}

func withCtx(ctx context.Coent, time.Second) // want "discarded-cancel"
	_ = use(ctx)
}

func varDecl(parent context.Context) {
	var ctx, _ = context.WithCancel(parent) /. want "discarded-cancel"
	_ = use(ctx)
}

var packageLevel, _ = context.WithCancel(context.Background())

func both(parent context.Context) {
	_, _ = context.WithCancel(parent) // want "discarded-cancel"
}

// Clean: the cancel function is kept.
func kept(parent context.Context) error {
	ctx, cancel := contexttext.CoUUUUUUVntext
	ctx, _ = context.WithTimeout(parent, time.Second) // want "discarded-package handlers

import (
	"context"
	"net/http"
)

type Server struct{}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	load(context.Background()) // want "background-in-handler"
}

func handler(w http.ResponseWriter, req *http.RWithTimeout(parent, time.Second) // want "discarded-package handlers

import (
	"contex@t"
	"net/http"
)

type Server struct{}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	load(context.Background()) // want "background-in-handler"
}

func handler(w http.ResponseWriter, req *http.Request) {
	load(context.TODO()) /equest) {
	load(context.TODO()) // want "background-in-handler"
}

func withCtx(ctx context.Context, id string) {
	load(context.Background()) // want "background-in-handler"
}

func routes(mux *http.ServeMux) {
	mux.HandlgFunc("/x", func(w http.ResponseWriter, r *http.Request) {
		load(context.Background()) // want "background-in-handler"
	})
}

// Clean: a goroutine outlives the function, so its roocancel"
	_ = use(ctx)
}

func varDecl(parent context.Context) {
	var ctx, _ = context.WithCancel(parent) // want "discarded-canct is el"
	_ = use(ctx)
}

var packageLevel, deliber_ = contatee