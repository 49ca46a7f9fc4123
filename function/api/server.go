// Package api is spamcheck's HTTP API: the native JSON routes
// (POST /v1/check, POST /v1/feedback, GET /v1/health) and Akismet's REST API
// 1.1 (/1.1/verify-key, /1.1/comment-check, /1.1/submit-spam,
// /1.1/submit-ham), served by one http.Handler, and the same check for
// Lambda's direct invokes (Server.Direct).
//
// Handlers say what went wrong by returning an error; one table (statuses)
// maps an error code to its HTTP status, and one function per answer style
// (JSON for the native routes, Akismet's "invalid" for its routes) decides
// status, logging and body. A caller's mistake is an *Error whose message
// says what to fix; anything else is logged with its detail and answered
// "internal error". A panic in a handler becomes such a 500, and the next
// request is served.
package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"path"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/spamcheck/spamcheck/function/feedback"
	"github.com/spamcheck/spamcheck/model"
	"github.com/spamcheck/spamcheck/model/labeled"
)

// Options are the settings of a Server, all optional.
type Options struct {
	// Sites holds one model per site, by host name (see
	// labeled.SiteName): a request for a site not in it is scored by
	// the default model.
	Sites map[string]*model.Classifier
	// Shadow answers every comment keep and reports the verdict
	// enforcement would have given.
	Shadow bool
	// MaxBody is the largest request body in bytes (default 64 KiB).
	MaxBody int64
	// Keys are the accepted API keys. Empty means the native API is open
	// and the Akismet routes answer "invalid".
	Keys []string
	// KeySites ties some of Keys to one site each (a host name, see
	// labeled.SiteName): a request with such a key is that site's, a
	// comment or feedback record naming no site is the key's site's, and
	// one naming another site is refused (forbidden_site), so that a
	// site's key cannot poison another site's retraining.
	KeySites map[string]string
	// Discard is the spam probability from which comment-check adds
	// Akismet's "discard" pro-tip (default 0.999).
	Discard float64
	// Feedback stores moderator feedback; nil means it is not stored.
	// Feedback is only stored from a caller with credentials (a key, or
	// IAMCaller's principal), unless AnonymousFeedback.
	Feedback feedback.Store
	// IAMCaller returns the IAM principal (an ARN) that API Gateway
	// authenticated the request with, or "".
	IAMCaller func(*http.Request) string
	// AnonymousFeedback lets /v1/feedback store records without
	// credentials when no keys are configured. Anyone can then poison the
	// next retrain.
	AnonymousFeedback bool
	// KeyIDSalt is the salt of the key ids stored with feedback (see
	// KeyID); empty means DefaultKeyIDSalt.
	KeyIDSalt string
	// Log receives one line per request; nil discards.
	Log *slog.Logger
}

// Server answers the HTTP API. It holds only read-only state, so one
// Server serves any number of concurrent requests.
type Server struct {
	clf      *model.Classifier
	modelID  string
	sites    map[string]siteModel
	shadow   bool
	maxBody  int64
	keys     []string
	discard  float64
	feedback feedback.Store
	log      *slog.Logger
	mux      *http.ServeMux
	routes   []route
	// keySites maps the SHA-256 digest (as a string) of a key
	// Options.KeySites ties to a site to that site.
	keySites map[string]string
	// iamCaller, anonymous and keyIDSalt: see Options.
	iamCaller func(*http.Request) string
	anonymous bool
	keyIDSalt string
}

// New returns a Server scoring with clf.
func New(clf *model.Classifier, o Options) *Server {
	s := &Server{clf: clf, modelID: clf.Info().ID, shadow: o.Shadow, maxBody: o.MaxBody,
		keys: o.Keys, discard: o.Discard, feedback: o.Feedback, log: o.Log, sites: map[string]siteModel{},
		iamCaller: o.IAMCaller, anonymous: o.AnonymousFeedback, keyIDSalt: o.KeyIDSalt}
	for site, c := range o.Sites {
		s.sites[site] = siteModel{c, c.Info().ID}
	}
	for key, site := range o.KeySites {
		if s.keySites == nil {
			s.keySites = map[string]string{}
		}
		d := sha256.Sum256([]byte(key))
		s.keySites[string(d[:])] = labeled.SiteName(site)
	}
	if s.keyIDSalt == "" {
		s.keyIDSalt = DefaultKeyIDSalt
	}
	if s.maxBody <= 0 {
		s.maxBody = 64 << 10
	}
	if s.discard <= 0 {
		s.discard = 0.999
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.routes = []route{
		{"POST /v1/check", s.native(s.requireKey(s.check))},
		{"POST /v1/feedback", s.native(s.requireKey(s.postFeedback))},
		{"GET /v1/health", s.native(s.health)},
		{"POST /1.1/verify-key", s.akismet(s.akismetVerifyKey)},
		{"POST /1.1/comment-check", s.akismet(s.akismetCommentCheck)},
		{"POST /1.1/submit-spam", s.akismet(s.akismetSubmit(model.Spam))},
		{"POST /1.1/submit-ham", s.akismet(s.akismetSubmit(model.Ham))},
		// The page; its assets are routed by routePage, and reach the
		// function on Lambda through the catch-all route.
		{"GET /{$}", s.page("index.html", "text/html; charset=utf-8")},
	}
	s.mux = http.NewServeMux()
	for _, rt := range s.routes {
		s.mux.HandleFunc(rt.pattern, rt.h)
	}
	s.routePage()
	return s
}

// route is one route of the API: a ServeMux pattern and its handler.
type route struct {
	pattern string
	h       http.HandlerFunc
}

// Routes returns the routes the server answers, as "METHOD /path", so
// that a deployment (template.yaml) can be checked against them.
func (s *Server) Routes() []string {
	out := make([]string, len(s.routes))
	for i, rt := range s.routes {
		out[i] = rt.pattern
	}
	return out
}

// ServeHTTP routes a request, answering unknown routes and wrong methods
// with JSON errors and turning any panic into a logged 500, so that no
// request can take the process down.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			s.nativeError(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
		}
	}()
	// The mux answers a path that is not canonical (//v1/health,
	// /v1/../v1/health) with an HTML redirect; ours is the JSON 404.
	if p := r.URL.Path; !strings.HasPrefix(p, "/") || path.Clean(p) != p {
		s.nativeError(w, r, Errorf(CodeNotFound, "no route %s %s: paths must be canonical (one leading /, no //, . or ..)", clip(r.Method), clip(p)))
		return
	}
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		h.ServeHTTP(w, r)
		return
	}
	// The mux's own 404 and 405 answers are plain text; ours are JSON.
	// A 405 from the mux carries an Allow header.
	rec := &headerRecorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	if rec.status == http.StatusMethodNotAllowed {
		allow := rec.header.Get("Allow")
		w.Header().Set("Allow", allow)
		s.nativeError(w, r, Errorf(CodeMethodNotAllowed, "%s is not allowed on %s; use %s", clip(r.Method), clip(r.URL.Path), allow))
		return
	}
	s.nativeError(w, r, Errorf(CodeNotFound, "no route %s %s; see POST /v1/check, POST /v1/feedback, GET /v1/health and Akismet's POST /1.1/...", clip(r.Method), clip(r.URL.Path)))
}

// LoopbackOnly returns s as the handler of a listener on the loopback
// interface: a request whose Host header names another host is answered
// 421, so that a web page cannot reach the server by pointing a name of
// its own at 127.0.0.1 (DNS rebinding).
func (s *Server) LoopbackOnly() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !LoopbackHost(r.Host) {
			// Each API answers in its own way: Akismet's in text.
			answer := s.nativeError
			if strings.HasPrefix(r.URL.Path, "/1.1/") {
				answer = s.akismetError
			}
			answer(w, r, Errorf(CodeMisdirected, "this server answers only requests to localhost, 127.0.0.1 or [::1], not %q", clip(r.Host)))
			return
		}
		s.ServeHTTP(w, r)
	})
}

// LoopbackHost reports whether a Host header (a name or address, with or
// without a port) names the loopback interface: localhost, a name under
// .localhost, or a loopback address. An empty one (HTTP/1.0) does too, as
// no browser sends a request without it.
func LoopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "" || host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// clip shortens what a caller sent before it is echoed in a message, so a
// 900 KB path does not come back as a 900 KB answer.
func clip(s string) string {
	const max = 200
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "…"
}

// headerRecorder captures the status and headers of the mux's fallback
// handlers without writing anything.
type headerRecorder struct {
	header http.Header
	status int
}

func (h *headerRecorder) Header() http.Header         { return h.header }
func (h *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (h *headerRecorder) WriteHeader(status int)      { h.status = status }

// requireKey guards a native route with the configured API keys, sent as
// "Authorization: Bearer KEY" or "X-Api-Key: KEY". Without configured keys
// the route is open (an HTTP API with IAM authorization, or a laptop).
func (s *Server) requireKey(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if len(s.keys) == 0 {
			return h(w, r)
		}
		if !s.validKey(requestKey(r)) {
			return Errorf(CodeUnauthorized, "send a valid API key as \"Authorization: Bearer KEY\" or \"X-Api-Key: KEY\"")
		}
		return h(w, r)
	}
}

// validKey reports whether key is one of the configured API keys, in time
// independent of where a wrong key differs and of its length: the keys
// are compared as SHA-256 digests, all of one length
// (subtle.ConstantTimeCompare returns at once on a length mismatch).
func (s *Server) validKey(key string) bool {
	ok := false
	got := sha256.Sum256([]byte(key))
	for _, k := range s.keys {
		want := sha256.Sum256([]byte(k))
		if subtle.ConstantTimeCompare(want[:], got[:]) == 1 {
			ok = true
		}
	}
	return key != "" && ok
}

// siteModel is a model and its ID.
type siteModel struct {
	clf *model.Classifier
	id  string
}

// model returns the model for site (a host name or a URL, see
// labeled.SiteName): the site's own, else the default.
func (s *Server) model(site string) siteModel {
	if m, ok := s.sites[labeled.SiteName(site)]; ok && site != "" {
		return m
	}
	return siteModel{s.clf, s.modelID}
}

// healthResponse describes the running model and the models per site.
type healthResponse struct {
	Status     string           `json:"status"`
	Model      string           `json:"model"`
	TrainedAt  time.Time        `json:"trained_at"`
	Thresholds model.Thresholds `json:"thresholds"`
	Mode       string           `json:"mode"`
	Documents  map[string]int   `json:"training_documents"`
	// Models lists the models: the default (site "") first, then one
	// per site in name order, the sites only to a caller with a valid
	// key when keys are configured.
	Models []healthModel `json:"models"`
}

// healthModel describes one model of /v1/health's list.
type healthModel struct {
	Site       string           `json:"site"`
	Model      string           `json:"model"`
	Thresholds model.Thresholds `json:"thresholds"`
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	info := s.clf.Info()
	mode := "enforce"
	if s.shadow {
		mode = "shadow"
	}
	docs := map[string]int{}
	for l, n := range info.Stats.Documents {
		docs[string(l)] = n
	}
	models := []healthModel{{Site: "", Model: info.ID, Thresholds: info.Thresholds}}
	// Health stays open for monitors, but which sites a deployment serves,
	// and at which thresholds, is the business of those who hold a key.
	sites := s.sites
	if len(s.keys) > 0 && !s.validKey(requestKey(r)) {
		sites = nil
	}
	for _, site := range slices.Sorted(maps.Keys(sites)) {
		m := s.sites[site]
		models = append(models, healthModel{Site: site, Model: m.id, Thresholds: m.clf.Thresholds()})
	}
	return writeJSON(w, http.StatusOK, healthResponse{Status: "ok", Model: info.ID, TrainedAt: info.Stats.TrainedAt,
		Thresholds: info.Thresholds, Mode: mode, Documents: docs, Models: models})
}
