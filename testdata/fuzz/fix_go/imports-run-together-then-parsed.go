import("context""net/http"
"o")func(r*http.Request){context.TODO()}