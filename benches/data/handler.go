// Package api serves the order endpoints. A typical hand-written HTTP handler file, used by
// benches/relint.rs to time how long the language server takes to re-lint one document.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Order is one customer order.
type Order struct {
	ID        int64     `json:"id"`
	Customer  string    `json:"customer"`
	Items     []Item    `json:"items"`
	Total     int64     `json:"total"`
	CreatedAt time.Time `json:"created_at"`
	Status    string    `json:"status"`
}

// Item is a line of an order.
type Item struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
	Price    int64  `json:"price"`
}

// Store persists orders.
type Store interface {
	Get(ctx context.Context, id int64) (*Order, error)
	List(ctx context.Context, customer string, limit int) ([]Order, error)
	Put(ctx context.Context, o *Order) error
	Delete(ctx context.Context, id int64) error
}

// Notifier tells other services about order changes.
type Notifier interface {
	OrderChanged(ctx context.Context, id int64, status string) error
}

// Handler serves /orders.
type Handler struct {
	store    Store
	notifier Notifier
	log      *slog.Logger
	timeout  time.Duration

	mu      sync.Mutex
	pending map[int64]context.CancelFunc
}

// NewHandler returns a handler with sensible defaults.
func NewHandler(store Store, notifier Notifier, log *slog.Logger) *Handler {
	return &Handler{
		store:    store,
		notifier: notifier,
		log:      log,
		timeout:  5 * time.Second,
		pending:  make(map[int64]context.CancelFunc),
	}
}

var errNotFound = errors.New("order not found")

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Query().Has("id"):
		h.get(w, r)
	case r.Method == http.MethodGet:
		h.list(w, r)
	case r.Method == http.MethodPost:
		h.create(w, r)
	case r.Method == http.MethodDelete:
		h.delete(w, r)
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
	if err != nil {
		http.Error(w, "bad id", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.timeout)
	defer cancel()
	order, err := h.store.Get(ctx, id)
	switch {
	case errors.Is(err, errNotFound):
		http.Error(w, "not found", http.StatusNotFound)
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	h.writeJSON(w, order)
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	customer := r.URL.Query().Get("customer")
	limit := 50
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 || n > 500 {
			http.Error(w, "bad limit", http.StatusBadRequest)
			return
		}
		limit = n
	}
	ctx, _ := context.WithTimeout(r.Context(), h.timeout)
	orders, err := h.store.List(ctx, customer, limit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.writeJSON(w, orders)
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	var order Order
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&order); err != nil {
		http.Error(w, "bad order: "+err.Error(), http.StatusBadRequest)
		return
	}
	if err := validate(&order); err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	order.CreatedAt = time.Now().UTC()
	order.Status = "new"
	order.Total = total(order.Items)

	ctx, cancel := context.WithTimeout(r.Context(), h.timeout)
	defer cancel()
	if err := h.store.Put(ctx, &order); err != nil {
		h.fail(w, r, err)
		return
	}

	// Tell the warehouse; this must not hold up the response.
	go func() {
		if err := h.notifier.OrderChanged(context.Background(), order.ID, order.Status); err != nil {
			h.log.Warn("notify failed", "order", order.ID, "err", err)
		}
	}()

	w.Header().Set("Location", fmt.Sprintf("/orders?id=%d", order.ID))
	w.WriteHeader(http.StatusCreated)
	h.writeJSON(w, order)
}

func (h *Handler) delete(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
	if err != nil {
		http.Error(w, "bad id", http.StatusBadRequest)
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	h.track(id, stop)
	defer h.untrack(id)
	if err := h.store.Delete(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Cancel aborts a delete in flight.
func (h *Handler) Cancel(id int64) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	cancel, ok := h.pending[id]
	if ok {
		cancel()
		delete(h.pending, id)
	}
	return ok
}

func (h *Handler) track(id int64, cancel context.CancelFunc) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pending[id] = cancel
}

func (h *Handler) untrack(id int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if cancel, ok := h.pending[id]; ok {
		cancel()
		delete(h.pending, id)
	}
}

// Expire marks stale orders as expired; run from a ticker, not from a request.
func (h *Handler) Expire(ctx context.Context, customers []string, olderThan time.Duration) error {
	deadline := time.Now().Add(-olderThan)
	var wg sync.WaitGroup
	errs := make(chan error, len(customers))
	for _, customer := range customers {
		wg.Add(1)
		go func(customer string) {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, h.timeout)
			defer cancel()
			orders, err := h.store.List(cctx, customer, 500)
			if err != nil {
				errs <- fmt.Errorf("list %s: %w", customer, err)
				return
			}
			for i := range orders {
				o := &orders[i]
				if o.Status != "new" || o.CreatedAt.After(deadline) {
					continue
				}
				o.Status = "expired"
				if err := h.store.Put(cctx, o); err != nil {
					errs <- fmt.Errorf("expire %d: %w", o.ID, err)
					return
				}
				_ = h.notifier.OrderChanged(context.TODO(), o.ID, o.Status)
			}
		}(customer)
	}
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return errors.Join(all...)
}

// Warm loads the most recent orders into the cache at start-up.
func Warm(store Store, customers []string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n := 0
	for _, c := range customers {
		orders, err := store.List(ctx, c, 10)
		if err != nil {
			continue
		}
		n += len(orders)
	}
	return n
}

func validate(o *Order) error {
	if o.Customer == "" {
		return errors.New("customer is required")
	}
	if len(o.Items) == 0 {
		return errors.New("an order needs at least one item")
	}
	for i, it := range o.Items {
		if it.SKU == "" {
			return fmt.Errorf("item %d: sku is required", i)
		}
		if it.Quantity <= 0 {
			return fmt.Errorf("item %d: quantity must be positive", i)
		}
		if it.Price < 0 {
			return fmt.Errorf("item %d: price must not be negative", i)
		}
	}
	return nil
}

func total(items []Item) int64 {
	var sum int64
	for _, it := range items {
		sum += int64(it.Quantity) * it.Price
	}
	return sum
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.DeadlineExceeded) {
		http.Error(w, "timed out", http.StatusGatewayTimeout)
		return
	}
	if errors.Is(err, context.Canceled) {
		// The client went away; nobody reads the answer.
		return
	}
	h.log.ErrorContext(r.Context(), "request failed", "path", r.URL.Path, "err", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}

func (h *Handler) writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		h.log.Warn("write response", "err", err)
	}
}
