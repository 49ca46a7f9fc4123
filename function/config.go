package main

import (
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/spamcheck/spamcheck/model/labeled"
)

// bucketName is what S3 takes for a bucket's name, loosely: today's rule
// (3 to 63 lower-case letters, digits, dots and hyphens) and the older
// one some buckets still have.
var bucketName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,255}$`)

// config is everything the function reads from its environment, read once
// at start-up.
type config struct {
	// addr is where the local server listens when not on Lambda.
	addr string
	// modelPath is a model file to load instead of the built-in model.
	modelPath string
	// modelsDir holds one model per site, <site>.model.
	modelsDir string
	// reject and review override the model's thresholds when set (> 0).
	reject, review float64
	shadow         bool
	maxBody        int64
	logLevel       slog.Level
	// keys are the accepted API keys, those of SITE_KEYS among them;
	// empty means the native API is open and the Akismet routes answer
	// "invalid".
	keys []string
	// keySites ties the keys of SITE_KEYS to their sites.
	keySites map[string]string
	// discard is the spam probability from which comment-check adds
	// Akismet's "discard" pro-tip.
	discard float64
	// feedbackDir or feedbackBucket (with feedbackPrefix and, for
	// S3-compatible servers, feedbackEndpoint) say where moderator
	// feedback is stored.
	feedbackDir, feedbackBucket, feedbackPrefix, feedbackEndpoint string
	// iamAuth says that API Gateway's IAM authorization guards the
	// native routes (the template's EnableIamAuth), so callers it
	// authenticated may store feedback without a key.
	iamAuth bool
	// anonymousFeedback lets anyone store feedback when no keys are
	// configured: the operator's explicit choice, never a default.
	anonymousFeedback bool
	// keyIDSalt salts the key ids stored with feedback; empty means
	// api.DefaultKeyIDSalt.
	keyIDSalt string
	// lambda is true when running under a Lambda runtime API.
	lambda bool
	// modelBudget bounds the bytes of MODELS_DIR's files: a third of
	// the function's memory on Lambda (a model costs about three times
	// its file while it loads), 0 (none) elsewhere.
	modelBudget int64
}

// parseConfig reads the configuration from getenv, reporting every bad
// setting at once.
func parseConfig(getenv func(string) string) (config, error) {
	c := config{addr: "127.0.0.1:3000", maxBody: 64 << 10, discard: 0.999, feedbackPrefix: "feedback/"}
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if v := getenv("ADDR"); v != "" {
		c.addr = v
	}
	c.modelPath = getenv("MODEL_PATH")
	c.modelsDir = getenv("MODELS_DIR")
	c.lambda = getenv("AWS_LAMBDA_RUNTIME_API") != ""
	if mb, err := strconv.ParseInt(getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), 10, 64); err == nil && mb > 0 {
		c.modelBudget = mb << 20 / 3
	}
	prob := func(name string) float64 {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return 0
		}
		p, err := strconv.ParseFloat(v, 64)
		if err != nil || !(p > 0 && p < 1) {
			bad("%s=%q: want a probability strictly between 0 and 1", name, v)
			return 0
		}
		return p
	}
	c.reject = prob("REJECT_THRESHOLD")
	c.review = prob("REVIEW_THRESHOLD")
	switch m := strings.ToLower(strings.TrimSpace(getenv("MODE"))); m {
	case "", "enforce":
	case "shadow":
		c.shadow = true
	default:
		bad("MODE=%q: want enforce or shadow", m)
	}
	if v := strings.TrimSpace(getenv("MAX_BODY_BYTES")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 || n > 6<<20 {
			bad("MAX_BODY_BYTES=%q: want a whole number of bytes from 1 to %d", v, 6<<20)
		} else {
			c.maxBody = n
		}
	}
	for _, k := range strings.Split(getenv("API_KEYS"), ",") {
		if k = strings.TrimSpace(k); k != "" {
			c.keys = append(c.keys, k)
		}
	}
	// SITE_KEYS=example.org=KEY1,blog.example=KEY2: keys that are one
	// site's each (api.Options.KeySites).
	for _, pair := range strings.Split(getenv("SITE_KEYS"), ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		site, key, _ := strings.Cut(pair, "=")
		site, key = labeled.SiteName(site), strings.TrimSpace(key)
		if site == "" || key == "" || slices.Contains(c.keys, key) {
			bad("SITE_KEYS: want SITE=KEY pairs, SITE a host name (xn-- if need be), each key in one pair and not in API_KEYS")
			continue
		}
		if c.keySites == nil {
			c.keySites = map[string]string{}
		}
		c.keySites[key] = site
		c.keys = append(c.keys, key)
	}
	if p := prob("DISCARD_THRESHOLD"); p > 0 {
		c.discard = p
	}
	c.feedbackDir = getenv("FEEDBACK_DIR")
	c.feedbackBucket = getenv("FEEDBACK_BUCKET")
	if v := getenv("FEEDBACK_PREFIX"); v != "" {
		c.feedbackPrefix = strings.TrimPrefix(v, "/")
	}
	c.feedbackEndpoint = getenv("FEEDBACK_S3_ENDPOINT")
	// The SDK reads both only when a request runs: checked here, a typo
	// stops start-up instead of failing every feedback write.
	if b := c.feedbackBucket; b != "" && !bucketName.MatchString(b) {
		bad("FEEDBACK_BUCKET %q is not a bucket name (up to 255 letters, digits, '.', '-' or '_'; no '/': the key prefix is FEEDBACK_PREFIX)", b)
	}
	if e := c.feedbackEndpoint; e != "" {
		if u, err := url.Parse(e); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("FEEDBACK_S3_ENDPOINT %q is not an http:// or https:// URL with a host (such as http://127.0.0.1:5000)", e)
		}
	}
	if c.feedbackDir != "" && c.feedbackBucket != "" {
		bad("FEEDBACK_DIR and FEEDBACK_BUCKET are both set: choose one")
	}
	flag := func(name string) bool {
		switch v := strings.ToLower(strings.TrimSpace(getenv(name))); v {
		case "", "0", "false":
			return false
		case "1", "true":
			return true
		default:
			bad("%s=%q: want true or false", name, v)
			return false
		}
	}
	c.iamAuth = flag("IAM_AUTH")
	c.anonymousFeedback = flag("ALLOW_ANONYMOUS_FEEDBACK_INSECURE")
	c.keyIDSalt = getenv("KEY_ID_SALT")
	if store := c.feedbackDir + c.feedbackBucket; store != "" && len(c.keys) == 0 && !c.iamAuth && !c.anonymousFeedback {
		bad("a feedback store is configured (FEEDBACK_DIR or FEEDBACK_BUCKET) but nothing authenticates the callers who write to it: " +
			"set API_KEYS, or IAM_AUTH=true behind API Gateway's IAM authorization; ALLOW_ANONYMOUS_FEEDBACK_INSECURE=1 lets anyone store training data")
	}
	if v := strings.TrimSpace(getenv("LOG_LEVEL")); v != "" {
		if err := c.logLevel.UnmarshalText([]byte(v)); err != nil {
			bad("LOG_LEVEL=%q: want DEBUG, INFO, WARN or ERROR", v)
		}
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("bad configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}
