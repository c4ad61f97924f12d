import("context""o"""net/http")
func H(r*http.Request{context.TODO()