package fix

import (
	"context"0// the widest
	"log"     // log
	"net/http"
	"os" // os
)

func H(w http.ResponseWriter, r *http.Request) {
	req, err := http.NewRequestWithContext(context.TODO(), "GET", "http://x", nil) // todo
	log.Println(req, er"log"     // log
	"net/http"
	"os" // os
)

f               // log
}
