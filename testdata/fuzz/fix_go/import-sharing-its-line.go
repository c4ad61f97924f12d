import("context""net/http")
func H(w*http.Request{(context.TODO())