package api

import (
	"embed"
	"net/http"
	"strconv"
)

// web holds the page that tries the API in a browser: one HTML file, its
// script, its style sheet and its icon, with no other assets, so it works offline
// and asks nothing of any other host.
//
//go:embed web/index.html web/app.js web/style.css web/favicon.svg
var web embed.FS

// pageCSP allows the page its own script, style sheet and API calls and
// nothing else: no inline script or style, no other host, no frames, no
// form posts, no plugins.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// page serves one embedded file of the page with its content type and the
// page's security headers.
func (s *Server) page(name, contentType string) http.HandlerFunc {
	// The go:embed line names every file, so the build fails without
	// one: reading it cannot.
	body, _ := web.ReadFile("web/" + name)
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		safeHeaders(h)
		h.Set("Content-Security-Policy", pageCSP)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Type", contentType)
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodHead {
			return
		}
		if _, err := w.Write(body); err != nil {
			s.writeFailed(r, &writeError{err})
		}
	}
}

// routePage registers the page: GET / and its files.
func (s *Server) routePage() {
	s.mux.HandleFunc("GET /app.js", s.page("app.js", "text/javascript; charset=utf-8"))
	s.mux.HandleFunc("GET /style.css", s.page("style.css", "text/css; charset=utf-8"))
	s.mux.HandleFunc("GET /favicon.svg", s.page("favicon.svg", "image/svg+xml"))
}
