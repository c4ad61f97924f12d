#!/usr/bin/env python3
"""Generates a synthetic Go tree for benchmarking ctxlint.

usage: gen_corpus.py OUT_DIR [FILES]

The mix imitates a real service: about a third of the bytes are in files that use
`context` (handlers, clients with timeouts, goroutines, a few real leaks), the rest is plain
code (models, parsers, tests without contexts). Deterministic: the same arguments give the
same tree.
"""
import os
import random
import sys

HANDLER = """
func (s *Server{n}) Handle{n}(w http.ResponseWriter, r *http.Request) {{
	ctx, cancel := context.WithTimeout(r.Context(), {t}*time.Second)
	defer cancel()
	id := r.URL.Query().Get("id")
	if id == "" {{
		http.Error(w, "missing id", http.StatusBadRequest)
		return
	}}
	item, err := s.store.Load(ctx, id)
	if err != nil {{
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}}
	for i := 0; i < len(item.Tags); i++ {{
		if item.Tags[i] == "" {{
			continue
		}}
		s.audit(ctx, item.Tags[i])
	}}
	writeJSON(w, item)
}}
"""

LEAKY_HANDLER = """
func (s *Server{n}) Leak{n}(w http.ResponseWriter, r *http.Request) {{
	ctx, _ := context.WithTimeout(context.Background(), {t}*time.Second)
	item, err := s.store.Load(ctx, r.FormValue("id"))
	if err != nil {{
		return
	}}
	writeJSON(w, item)
}}
"""

CLIENT = """
func (c *Client{n}) Fetch{n}(parent context.Context, keys []string) ([]Item, error) {{
	var out []Item
	for _, k := range keys {{
		ctx, cancel := context.WithDeadline(parent, time.Now().Add({t}*time.Millisecond))
		item, err := c.get(ctx, k)
		cancel()
		if err != nil {{
			return nil, fmt.Errorf("fetch %s: %w", k, err)
		}}
		out = append(out, item)
	}}
	select {{
	case <-parent.Done():
		return nil, parent.Err()
	default:
	}}
	go func() {{
		c.metrics.Observe(len(out))
	}}()
	return out, nil
}}
"""

PLAIN = """
type Model{n} struct {{
	ID      string
	Name    string
	Count   int
	Tags    []string
	Payload map[string]interface{{}}
}}

func (m *Model{n}) Validate() error {{
	if m.ID == "" {{
		return errors.New("model{n}: empty id")
	}}
	switch {{
	case m.Count < 0:
		return fmt.Errorf("model{n}: negative count %d", m.Count)
	case len(m.Tags) > {t}:
		return fmt.Errorf("model{n}: too many tags")
	}}
	for k, v := range m.Payload {{
		if v == nil {{
			delete(m.Payload, k)
		}}
	}}
	return nil
}}

func parse{n}(s string) (int, error) {{
	total := 0
	for _, r := range s {{
		if r < '0' || r > '9' {{
			return 0, fmt.Errorf("bad digit %q", r)
		}}
		total = total*10 + int(r-'0')
	}}
	return total, nil
}}
"""


def context_file(rng, pkg, idx):
    parts = [
        f"package {pkg}\n\nimport (\n\t\"context\"\n\t\"fmt\"\n\t\"net/http\"\n\t\"time\"\n)\n",
        f"var _ = fmt.Sprintf\n\ntype Server{idx} struct{{ store Store }}\ntype Client{idx} struct{{ metrics Metrics }}\n",
    ]
    for j in range(rng.randint(2, 6)):
        n = f"{idx}_{j}"
        kind = rng.random()
        if kind < 0.04:
            parts.append(LEAKY_HANDLER.format(n=f"{idx}", t=rng.randint(1, 30)).replace(f"Leak{idx}(", f"Leak{n}("))
        elif kind < 0.55:
            parts.append(HANDLER.format(n=idx, t=rng.randint(1, 30)).replace(f"Handle{idx}(", f"Handle{n}("))
        else:
            parts.append(CLIENT.format(n=idx, t=rng.randint(1, 500)).replace(f"Fetch{idx}(", f"Fetch{n}("))
    return "".join(parts)


def plain_file(rng, pkg, idx):
    parts = [f"package {pkg}\n\nimport (\n\t\"errors\"\n\t\"fmt\"\n)\n"]
    for j in range(rng.randint(3, 12)):
        parts.append(PLAIN.format(n=f"{idx}_{j}", t=rng.randint(2, 64)))
    return "".join(parts)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    rng = random.Random(20261124)
    for i in range(files):
        pkg = f"pkg{i % 97}"
        d = os.path.join(out, "internal", pkg)
        os.makedirs(d, exist_ok=True)
        body = context_file(rng, pkg, i) if rng.random() < 0.3 else plain_file(rng, pkg, i)
        with open(os.path.join(d, f"file{i}.go"), "w") as f:
            f.write(body)


if __name__ == "__main__":
    main()
