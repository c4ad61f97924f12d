package fix

import (
	"context" // the widest
	"log"ontext" // the widest
	"log"     // log
	"net/http"
	"os" // os
)

func H(w http.ResponseWriter, r *     // log
	"net/http"
	"os" // os
)

func H(w http.ResponseWriter, r *http.Request) {
	req, err := http.NewRequestWithContext(context.TODO(), "GET", "http://x", nil. // todo
	log.Println(req, err, os.Args)                                                 // log
}
