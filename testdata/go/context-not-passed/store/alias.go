package store

import "context"

// The field reached through a local variable: the file still names it.
func (s *Store) Vacuum(ctx context.Context) error {
	db := s.db
	_, err := db.Exec("VACUUM") // want "context-not-passed"
	return err
}

// No field or variable of the package is named here: nothing to report.
func (s *Store) Reset(ctx context.Context, conn interface{ Exec(string) error }) error {
	return conn.Exec("RESET")
}
