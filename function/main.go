// Command function is the spamcheck AWS Lambda function: it scores comments
// with the naive Bayes model and answers keep, review or reject.
//
// On Lambda (AWS_LAMBDA_RUNTIME_API set) it answers API Gateway HTTP API
// events (payload 2.0), REST API proxy events (1.0), Function URL events
// and direct invokes whose payload is a check request. Anywhere else it
// serves the same HTTP API on ADDR (default 127.0.0.1:3000), so
// `go run ./function` is a local server with the built-in model.
//
// Routes (package api):
//
//	POST /v1/check      {"content": "...", "author": "...", ...}  or  {"comments": [...]}
//	POST /v1/feedback   {"content": "...", "label": "spam"|"ham", ...}
//	GET  /v1/health
//	POST /1.1/verify-key, /1.1/comment-check, /1.1/submit-spam, /1.1/submit-ham  (Akismet)
//
// Environment:
//
//	MODEL_PATH            a model file to use instead of the built-in model
//	MODELS_DIR            a directory of <site>.model files: one model per site, the default model for the rest
//	REJECT_THRESHOLD      spam probability at or above which to reject (default: the model's)
//	REVIEW_THRESHOLD      spam probability at or above which to ask for review (default: the model's,
//	                      none when REJECT_THRESHOLD is set alone at or below it)
//	MODE                  enforce (default) or shadow: always answer keep, report what would have happened
//	MAX_BODY_BYTES        largest request body (default 65536)
//	LOG_LEVEL             DEBUG, INFO (default), WARN or ERROR
//	ADDR                  listen address of the local server (default 127.0.0.1:3000)
//	API_KEYS              comma-separated API keys (Akismet routes; required on /v1/* when set)
//	SITE_KEYS             comma-separated SITE=KEY pairs: API keys that are one site's each
//	DISCARD_THRESHOLD     spam probability from which comment-check adds the discard pro-tip (default 0.999)
//	FEEDBACK_DIR          store feedback under this directory
//	FEEDBACK_BUCKET       or in this S3 bucket (package s3store)
//	FEEDBACK_PREFIX       key prefix in the bucket (default feedback/)
//	FEEDBACK_S3_ENDPOINT  an S3-compatible endpoint instead of AWS's
//	IAM_AUTH              true: API Gateway's IAM authorization guards /v1/*, so its callers may store feedback
//	KEY_ID_SALT           the salt of the key ids stored with feedback (default: a public constant)
//	ALLOW_ANONYMOUS_FEEDBACK_INSECURE  1: store feedback from anyone when no API keys are set
//
// With a feedback store, start-up fails unless something authenticates
// who writes to it: API_KEYS, IAM_AUTH or the explicit insecure opt-in.
//
// main only wires: configuration is read once here, the HTTP API lives in
// package api, the Lambda event adapter in package lambdaevent, the
// feedback stores in packages feedback and s3store. The model is loaded
// once at start-up; a model or setting that is wrong stops start-up with a
// message, which Lambda reports as an init error.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"golang.org/x/net/netutil"

	"github.com/spamcheck/spamcheck/function/api"
	"github.com/spamcheck/spamcheck/function/feedback"
	"github.com/spamcheck/spamcheck/function/lambdaevent"
	"github.com/spamcheck/spamcheck/function/s3store"
	"github.com/spamcheck/spamcheck/model"
	"github.com/spamcheck/spamcheck/model/labeled"
)

func main() {
	if err := run(os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "spamcheck:", err)
		os.Exit(1)
	}
}

// run wires configuration, model and server, then serves until the
// process ends.
func run(getenv func(string) string) error {
	cfg, err := parseConfig(getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg)
	clf, err := loadModel(cfg)
	if err != nil {
		return err
	}
	sites, skipped, aliased, err := loadSiteModels(cfg.modelsDir, cfg.modelBudget)
	if err != nil {
		return err
	}
	store, err := openFeedback(cfg, getenv)
	if err != nil {
		return err
	}
	s := newServer(clf, sites, cfg, store, log)
	th := clf.Thresholds()
	log.Info("model loaded", "model", clf.Info().ID, "reject", th.Reject, "review", th.Review, "shadow", cfg.shadow, "site_models", len(sites))
	for _, site := range slices.Sorted(maps.Keys(sites)) {
		th := sites[site].Thresholds()
		log.Info("site model loaded", "site", site, "model", sites[site].Info().ID, "reject", th.Reject, "review", th.Review)
	}
	for _, name := range aliased {
		log.Warn("MODELS_DIR: file serves its site under the site's canonical name (lower case, without www.)", "file", name, "site", labeled.SiteName(strings.TrimSuffix(name, siteModelExt)))
	}
	for _, name := range skipped {
		log.Warn("MODELS_DIR: file skipped, serves no site: a site's model is named <host>"+siteModelExt, "file", name)
	}
	if len(cfg.keys) > 0 {
		salt := cfg.keyIDSalt
		if salt == "" {
			salt = api.DefaultKeyIDSalt
		}
		ids := make([]string, len(cfg.keys))
		for i, k := range cfg.keys {
			ids[i] = api.KeyID(salt, k)
			if site := cfg.keySites[k]; site != "" {
				ids[i] += " (" + site + ")"
			}
		}
		// Opaque: which key stored a feedback record, in API_KEYS order
		// and then SITE_KEYS's, each of these with its site.
		log.Info("api keys", "key_ids", ids, "salted", cfg.keyIDSalt != "")
		for i, k := range cfg.keys {
			if len(k) < minKeyLen {
				log.Warn(fmt.Sprintf("API_KEYS: a key of fewer than %d characters can be guessed; make keys long and random (openssl rand -hex 16)", minKeyLen), "key_id", ids[i])
			}
		}
	}
	if store != nil && cfg.anonymousFeedback && len(cfg.keys) == 0 {
		log.Warn("ALLOW_ANONYMOUS_FEEDBACK_INSECURE: anyone can store feedback records, and so poison the next retrain")
	}
	if store == nil && len(cfg.keys) > 0 {
		log.Warn("no feedback store (FEEDBACK_BUCKET or FEEDBACK_DIR): the Akismet submit routes answer with X-Spamcheck-Feedback: not-stored and keep nothing")
	}
	storeName := "none"
	if store != nil {
		storeName = fmt.Sprint(store)
	}
	log.Debug("configuration", "max_body_bytes", cfg.maxBody, "api_keys", len(cfg.keys), "discard", cfg.discard,
		"feedback", storeName, "model_path", cfg.modelPath, "lambda", cfg.lambda)
	if cfg.lambda {
		lambda.Start(lambdaevent.Handler{HTTP: s, Direct: s.Direct}.Invoke)
		return nil
	}
	return serveLocal(cfg.addr, s, log)
}

// newServer builds the API from the configuration.
func newServer(clf *model.Classifier, sites map[string]*model.Classifier, cfg config, store feedback.Store, log *slog.Logger) *api.Server {
	return api.New(clf, api.Options{Sites: sites, Shadow: cfg.shadow, MaxBody: cfg.maxBody, Keys: cfg.keys, KeySites: cfg.keySites,
		Discard: cfg.discard, Feedback: store, Log: log, AnonymousFeedback: cfg.anonymousFeedback, KeyIDSalt: cfg.keyIDSalt,
		IAMCaller: func(r *http.Request) string { return lambdaevent.IAMCaller(r.Context()) }})
}

// newLogger logs JSON to stdout (CloudWatch on Lambda), with Lambda's field
// names and, on Lambda, the request id of the invoke being served.
func newLogger(cfg config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.logLevel, ReplaceAttr: lambdacontext.ReplaceAttr}
	if cfg.lambda {
		return slog.New(&requestIDHandler{slog.NewJSONHandler(os.Stdout, opts)})
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, opts))
}

// requestIDHandler adds the Lambda request id from the context to every
// record. (lambdacontext.NewLogHandler does the same but writes text unless
// the function's log format is set to JSON.)
type requestIDHandler struct{ slog.Handler }

func (h *requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		r.AddAttrs(slog.String("requestId", lc.AwsRequestID))
	}
	return h.Handler.Handle(ctx, r)
}

func (h *requestIDHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return &requestIDHandler{h.Handler.WithAttrs(a)}
}

func (h *requestIDHandler) WithGroup(name string) slog.Handler {
	return &requestIDHandler{h.Handler.WithGroup(name)}
}

// maxModelFileBytes bounds the size of MODEL_PATH, checked before the file
// is read: the built-in model is 715 KB, the largest recommended 5.9 MB,
// and a 128 MB Lambda must not run out of memory on a wrong file before
// it can say what is wrong (loading holds a file about twice).
const maxModelFileBytes = 32 << 20

// loadModel loads MODEL_PATH or the built-in model and applies threshold
// overrides.
func loadModel(cfg config) (*model.Classifier, error) {
	var clf *model.Classifier
	var err error
	if cfg.modelPath == "" {
		clf, err = model.Default()
	} else {
		clf, err = loadFile("MODEL_PATH", cfg.modelPath)
	}
	if err != nil {
		return nil, err
	}
	if cfg.reject == 0 && cfg.review == 0 {
		return clf, nil
	}
	if clf, err = clf.WithThresholds(clf.Thresholds().Override(cfg.reject, cfg.review)); err != nil {
		return nil, fmt.Errorf("REJECT_THRESHOLD/REVIEW_THRESHOLD: %w", err)
	}
	return clf, nil
}

// loadFile loads the model file at path, named by the setting env in
// errors.
func loadFile(env, path string) (*model.Classifier, error) {
	// Stat first: opening a FIFO would block start-up for ever.
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s: %w", env, err)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%s=%s: not a regular file (%s)", env, path, fi.Mode().Type())
	case fi.Size() > maxModelFileBytes:
		return nil, fmt.Errorf("%s=%s: %d bytes, over the limit of %d", env, path, fi.Size(), maxModelFileBytes)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", env, err)
	}
	defer f.Close()
	// The file itself, not a LimitReader of it: Load sizes its buffer
	// by the file's Stat, and bounds what it reads on its own.
	clf, err := model.Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s=%s: %w", env, path, err)
	}
	return clf, nil
}

// siteModelExt ends the name of a site's model file in MODELS_DIR.
const siteModelExt = ".model"

// loadSiteModels loads every <site>.model file of dir, keyed by site; ""
// loads none. A file whose name is not a host name, or that does not
// load, or two files of one site, stop start-up with their names: a
// model that is wrong must never surface as a failed request. A file
// named otherwise than its site's canonical name (labeled.SiteName:
// www.example.org.model, Example.org.model) serves that site, and is
// returned in aliased so that start-up can say so. Other files are left
// alone, so a layer may carry a README, and returned in skipped, so that
// start-up can say which files serve no site (a model saved as model.bin,
// say).
//
// With a budget (> 0), files that add up to more stop start-up before
// they exhaust the memory: 200 models of 715 KB hold 222 MB.
func loadSiteModels(dir string, budget int64) (sites map[string]*model.Classifier, skipped, aliased []string, err error) {
	if dir == "" {
		return nil, nil, nil, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("MODELS_DIR: %w", err)
	}
	sites = map[string]*model.Classifier{}
	file := map[string]string{} // the file of each site
	var total int64
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), siteModelExt)
		if !ok {
			if !e.IsDir() {
				skipped = append(skipped, e.Name())
			}
			continue
		}
		path := filepath.Join(dir, e.Name())
		site := labeled.SiteName(name)
		if site == "" {
			return nil, nil, nil, fmt.Errorf("MODELS_DIR: %s: name a site's model <host>%s (such as example.org%s)", path, siteModelExt, siteModelExt)
		}
		// Requests name a site as SiteName reads it, so a file named
		// www.example.org.model serves example.org: loaded under the
		// name no request would use, it would serve nobody.
		if prev, ok := file[site]; ok {
			return nil, nil, nil, fmt.Errorf("MODELS_DIR: %s and %s are both the model of site %s: keep one", filepath.Join(dir, prev), path, site)
		}
		file[site] = e.Name()
		if site != name {
			aliased = append(aliased, e.Name())
		}
		if fi, err := e.Info(); err == nil {
			total += fi.Size()
		}
		if budget > 0 && total > budget {
			return nil, nil, nil, fmt.Errorf("MODELS_DIR: the models come to over %d MB, a third of the function's memory: raise it or prune them (train -max-tokens)", budget>>20)
		}
		clf, err := loadFile("MODELS_DIR", path)
		if err != nil {
			return nil, nil, nil, err
		}
		sites[site] = clf
	}
	return sites, skipped, aliased, nil
}

// openFeedback returns the configured feedback store, or nil. The AWS SDK
// is only touched when a bucket is configured.
func openFeedback(cfg config, getenv func(string) string) (feedback.Store, error) {
	switch {
	case cfg.feedbackBucket != "":
		return openS3(cfg, getenv)
	case cfg.feedbackDir != "":
		d, err := feedback.OpenDir(cfg.feedbackDir)
		if err != nil {
			return nil, fmt.Errorf("FEEDBACK_DIR: %w", err)
		}
		return d, nil
	}
	return nil, nil
}

// openS3 builds the S3 store from the function's environment: the region
// and the credentials Lambda provides.
func openS3(cfg config, getenv func(string) string) (*s3store.Store, error) {
	region := getenv("AWS_REGION")
	if region == "" {
		region = getenv("AWS_DEFAULT_REGION")
	}
	if region == "" {
		return nil, fmt.Errorf("FEEDBACK_BUCKET is set but AWS_REGION is not")
	}
	id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return nil, fmt.Errorf("FEEDBACK_BUCKET is set but AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not (Lambda sets them from the function's role)")
	}
	return s3store.New(s3store.Config{Bucket: cfg.feedbackBucket, Prefix: cfg.feedbackPrefix, Endpoint: cfg.feedbackEndpoint,
		Region: region, AccessKeyID: id, SecretAccessKey: secret, SessionToken: getenv("AWS_SESSION_TOKEN")}), nil
}

// minKeyLen is the length under which start-up warns that an API key can
// be guessed: verify-key answers as fast as the API is allowed to, and a
// key id in the logs or a feedback record can be checked offline against
// short keys when KEY_ID_SALT is not set.
const minKeyLen = 16

// Limits of the local server. A header block of 64 KiB is far more than
// any client of this API sends (Go's default is 1 MiB, which let 200 slow
// connections hold 300 MB); maxConns caps the connections held open at
// once, so slow clients cannot exhaust memory or file descriptors.
const (
	maxHeaderBytes = 64 << 10
	maxConns       = 256
)

// newHTTPServer returns the local server's http.Server for h.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, MaxHeaderBytes: maxHeaderBytes, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 5 * time.Second}
}

// serveLocal serves the API over HTTP until SIGINT or SIGTERM.
func serveLocal(addr string, s *api.Server, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("ADDR=%s: %w", addr, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, ln, s, log)
}

// serve serves s on ln until ctx is done, then shuts down gracefully. On
// the loopback interface (the default ADDR) it answers only requests to
// a loopback name.
func serve(ctx context.Context, ln net.Listener, s *api.Server, log *slog.Logger) error {
	var h http.Handler = s
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsLoopback() {
		h = s.LoopbackOnly()
	}
	srv := newHTTPServer(h)
	log.Info("serving", "addr", "http://"+ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(netutil.LimitListener(ln, maxConns)) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
