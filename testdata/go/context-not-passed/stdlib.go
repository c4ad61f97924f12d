package fixtures

import (
	"context"
	"crypto/tls"
	"database/sql"
	"net"
	"net/http"
	"os/exec"
	"time"
)

func handler(w http.ResponseWriter, r *http.Request) {
	req, _ := http.NewRequest("GET", "http://example.com", nil) // want "context-not-passed"
	_ = req
	resp, _ := http.Get("http://example.com") // want "context-not-passed"
	_ = resp
	resp, _ = http.DefaultClient.Post("http://example.com", "text/plain", nil) // want "context-not-passed"
	client := &http.Client{Timeout: time.Second}
	resp, _ = client.Head("http://example.com") // want "context-not-passed"
	_ = exec.Command("ls", "-l").Run() // want "context-not-passed"
	time.Sleep(time.Second)
}

func queries(ctx context.Context, db *sql.DB) error {
	rows, err := db.Query("SELECT 1") // want "context-not-passed"
	if err != nil {
		return err
	}
	defer rows.Close()
	_ = db.QueryRow("SELECT 1") // want "context-not-passed"
	if _, err := db.Exec("DELETE FROM t"); err != nil { // want "context-not-passed"
		return err
	}
	if err := db.Ping(); err != nil { // want "context-not-passed"
		return err
	}
	tx, err := db.Begin() // want "context-not-passed"
	if err != nil {
		return err
	}
	stmt, err := tx.Prepare("INSERT INTO t VALUES (?)") // want "context-not-passed"
	if err != nil {
		return err
	}
	_, err = stmt.Exec(1) // want "context-not-passed"
	return err
}

func opened(ctx context.Context) {
	db, err := sql.Open("postgres", "")
	if err != nil {
		return
	}
	_, _ = db.Exec("VACUUM") // want "context-not-passed"
}

func network(ctx context.Context, conn *tls.Conn) error {
	c, err := net.Dial("tcp", "example.com:80") // want "context-not-passed"
	if err != nil {
		return err
	}
	_ = c
	// A listener is not reported: its context only bounds resolving the address.
	l, _ := net.Listen("tcp", ":0")
	_ = l
	_, _ = net.LookupHost("example.com") // want "context-not-passed"
	_, _ = net.LookupIP("example.com") // want "context-not-passed"
	_, _ = net.DialTimeout("tcp", "example.com:80", time.Second) // want "context-not-passed"
	t, _ := tls.Dial("tcp", "example.com:443", nil) // want "context-not-passed"
	_ = t
	return conn.Handshake() // want "context-not-passed"
}

// The context-taking variants are fine.
func withContext(ctx context.Context, db *sql.DB, r *http.Request) {
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.com", nil)
	_ = req
	_, _ = db.QueryContext(ctx, "SELECT 1")
	tx, _ := db.BeginTx(ctx, nil)
	_, _ = tx.ExecContext(ctx, "DELETE FROM t")
	_ = exec.CommandContext(ctx, "ls")
}

// No parent context: nothing to pass.
func noParent(db *sql.DB) {
	_, _ = db.Query("SELECT 1")
	_, _ = http.Get("http://example.com")
	time.Sleep(time.Second)
}

func main() {
	db, _ := sql.Open("postgres", "")
	_, _ = db.Exec("CREATE TABLE t (x int)")
	_ = exec.Command("ls").Run()
}

// A parameter ignored on purpose, and a function that makes a new root.
func ignored(_ context.Context, db *sql.DB) {
	_, _ = db.Query("SELECT 1")
}

func newRoot(db *sql.DB) (context.Context, error) {
	_, err := db.Exec("SELECT 1")
	return context.Background(), err
}
