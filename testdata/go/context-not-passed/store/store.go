package store

import "context"

// The field and the package variable are declared in another file of the package.
func (s *Store) Count(ctx context.Context) (n int, err error) {
	err = s.db.QueryRow("SELECT count(*) FROM t").Scan(&n) // want "context-not-passed"
	if err != nil {
		return 0, err
	}
	_, err = defaultDB.Exec("ANALYZE") // want "context-not-passed"
	return n, err
}
