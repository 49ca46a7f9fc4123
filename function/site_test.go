package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spamcheck/spamcheck/function/api"
	"github.com/spamcheck/spamcheck/model"
	"github.com/spamcheck/spamcheck/model/labeled"
)

// siteComment draws a comment of a cooking site from words: its spam
// sells a class in words the default model has no reason to find spammy.
func siteComment(rng *rand.Rand, spam bool) string {
	words := []string{"lovely", "recipe", "oven", "flour", "butter", "crust", "tasty", "dinner", "family", "tried", "again", "thanks"}
	if spam {
		words = []string{"sourdough", "masterclass", "levain", "grandma", "rosa", "proofing", "banneton", "hydration", "autolyse", "crumb"}
	}
	var b []string
	for range 6 + rng.IntN(6) {
		b = append(b, words[rng.IntN(len(words))])
	}
	return strings.Join(b, " ")
}

func do(t *testing.T, h http.Handler, method, target, ctype, body string) (int, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("X-Api-Key", "k")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// The per-site loop, end to end: a site's moderators send feedback to
// the function, the records (which name the site) train a model on top of
// the default one, and a function with MODELS_DIR scores that site's
// comments with it, and every other comment as before.
func TestSiteRetrainingLoop(t *testing.T) {
	fb := t.TempDir()
	s, _, _ := testServer(t, map[string]string{"FEEDBACK_DIR": fb, "API_KEYS": "k"})
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 120 {
		spam := i%2 == 0
		label := map[bool]string{true: "spam", false: "ham"}[spam]
		body, _ := json.Marshal(map[string]string{"content": siteComment(rng, spam), "label": label})
		target := "/v1/feedback?site=example.org"
		switch {
		case i%3 == 0: // the site named in the body instead
			body, _ = json.Marshal(map[string]string{"content": siteComment(rng, spam), "label": label, "site": "Example.ORG"})
			target = "/v1/feedback"
		case i%5 == 1: // a body site that names no host: the query's counts, as in /v1/check
			body, _ = json.Marshal(map[string]string{"content": siteComment(rng, spam), "label": label, "site": "not a host"})
			target = "/v1/feedback?site=www.Example.org"
		}
		if code, out := do(t, s, "POST", target, "application/json", string(body)); code != http.StatusAccepted {
			t.Fatalf("feedback: %d %s", code, out)
		}
	}
	// Another site's feedback is not example.org's.
	do(t, s, "POST", "/v1/feedback?site=other.example", "application/json", `{"content":"sourdough masterclass levain","label":"ham"}`)

	var d labeled.Data
	if err := d.ReadPath(fb, nil); err != nil {
		t.Fatal(err)
	}
	var examples []model.Example
	for _, r := range d.Records {
		if r.Site == "example.org" {
			ex := r.Example()
			ex.Source = r.Site
			examples = append(examples, ex)
		}
	}
	if len(examples) != 120 || len(d.Records) != 121 {
		t.Fatalf("%d records, %d of example.org; want 121 and 120", len(d.Records), len(examples))
	}
	base, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	site, rep, err := model.Fit(examples, model.FitOptions{Base: base, MaxHamRejected: 0.01, TrainedAt: time.Unix(0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Folds == 0 {
		t.Fatalf("fell back: %s", rep.Fallback)
	}
	dir := t.TempDir()
	var buf bytes.Buffer
	site.Save(&buf)
	os.WriteFile(filepath.Join(dir, "example.org.model"), buf.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "README"), []byte("not a model, left alone"), 0o644)

	s2, _, _ := testServer(t, map[string]string{"MODELS_DIR": dir, "API_KEYS": "k"})
	defaultID, siteID := base.Info().ID, site.Info().ID
	pitch := "sourdough masterclass with grandma rosa: levain, proofing and crumb"
	check := func(target, body string) api.CheckResult {
		t.Helper()
		req := httptest.NewRequest("POST", target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Api-Key", "k")
		rec := httptest.NewRecorder()
		s2.ServeHTTP(rec, req)
		var res api.CheckResult
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || rec.Code != 200 {
			t.Fatalf("%s %s: %d %s", target, body, rec.Code, rec.Body)
		}
		return res
	}
	for _, tc := range []struct {
		name, target, body string
		model              string
		verdict            model.Verdict
	}{
		{"no site", "/v1/check", `{"content":"` + pitch + `"}`, defaultID, model.Keep},
		{"another site", "/v1/check?site=other.example", `{"content":"` + pitch + `"}`, defaultID, model.Keep},
		{"site in the query", "/v1/check?site=example.org", `{"content":"` + pitch + `"}`, siteID, model.Reject},
		{"site in the body", "/v1/check", `{"content":"` + pitch + `","site":"example.org"}`, siteID, model.Reject},
		{"a blank site in the body", "/v1/check?site=example.org", `{"content":"` + pitch + `","site":" "}`, siteID, model.Reject},
		{"site's ham", "/v1/check?site=example.org", `{"content":"tried this recipe for dinner, lovely crust, thanks"}`, siteID, model.Keep},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := check(tc.target, tc.body)
			if res.Model != tc.model || res.Verdict != tc.verdict {
				t.Fatalf("verdict %s by %s (p=%.3f); want %s by %s", res.Verdict, res.Model, res.SpamProbability, tc.verdict, tc.model)
			}
		})
	}
	// A batch of the site: its model, unless a comment names another site.
	code, out := do(t, s2, "POST", "/v1/check", "application/json",
		`{"site":"example.org","comments":[{"content":"`+pitch+`"},{"content":"`+pitch+`","site":"other.example"},{"content":"`+pitch+`","site":" "}]}`)
	var batch api.BatchResult
	if err := json.Unmarshal(out, &batch); err != nil || code != 200 || batch.Model != siteID ||
		batch.Results[0].Model != siteID || batch.Results[1].Model != defaultID || batch.Results[2].Model != siteID {
		t.Fatalf("batch: %d %s", code, out)
	}
	// Akismet: the host of the blog parameter picks the model.
	form := url.Values{"api_key": {"k"}, "user_ip": {"192.0.2.1"}, "comment_content": {pitch}}
	for blog, want := range map[string]string{"https://example.org/": "true", "https://other.example/": "false"} {
		form.Set("blog", blog)
		code, out := do(t, s2, "POST", "/1.1/comment-check", "application/x-www-form-urlencoded", form.Encode())
		if code != 200 || string(out) != want {
			t.Errorf("comment-check for %s: %d %q, want %q", blog, code, out, want)
		}
	}
	// Health lists both models.
	_, out = do(t, s2, "GET", "/v1/health", "", "")
	var h struct {
		Models []struct {
			Site, Model string
			Thresholds  model.Thresholds
		}
	}
	json.Unmarshal(out, &h)
	if len(h.Models) != 2 || h.Models[0].Site != "" || h.Models[0].Model != defaultID || h.Models[1].Site != "example.org" ||
		h.Models[1].Model != siteID || h.Models[1].Thresholds != site.Thresholds() {
		t.Fatalf("health models: %s", out)
	}
	// Without a key, health still answers, without the sites: which
	// sites a deployment serves is for those who hold a key.
	rec := httptest.NewRecorder()
	s2.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/health", nil))
	h.Models = nil
	json.Unmarshal(rec.Body.Bytes(), &h)
	if rec.Code != 200 || len(h.Models) != 1 || h.Models[0].Model != defaultID || strings.Contains(rec.Body.String(), "example.org") {
		t.Fatalf("health without a key: %d %s; want the default model alone", rec.Code, rec.Body)
	}
}

// writeDefaultModel writes the default model's file into dir under each
// of names.
func writeDefaultModel(t *testing.T, dir string, names ...string) {
	t.Helper()
	var buf bytes.Buffer
	base, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := base.Save(&buf); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A wrong file in MODELS_DIR stops start-up, naming it.
func TestModelsDirRefuses(t *testing.T) {
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "example.org.model"), []byte("not a model"), 0o644)
	badName := t.TempDir()
	writeDefaultModel(t, badName, "..x.model")
	twice := t.TempDir()
	writeDefaultModel(t, twice, "example.org.model", "www.example.org.model")
	for name, tc := range map[string]struct{ dir, want string }{
		"missing":     {filepath.Join(bad, "nope"), "MODELS_DIR"},
		"not a model": {bad, filepath.Join(bad, "example.org.model") + ": model: not a model file"},
		"bad name":    {badName, fmt.Sprintf("%s: name a site's model", filepath.Join(badName, "..x.model"))},
		"one site twice": {twice, fmt.Sprintf("%s and %s are both the model of site example.org",
			filepath.Join(twice, "example.org.model"), filepath.Join(twice, "www.example.org.model"))},
	} {
		t.Run(name, func(t *testing.T) {
			err := run(func(k string) string { return map[string]string{"MODELS_DIR": tc.dir}[k] })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("run = %v, want a start-up error mentioning %q", err, tc.want)
			}
		})
	}
}

// A model file named www.<host>.model, or in capitals, serves its site
// under the name requests use (labeled.SiteName), and start-up says so:
// loaded under its own name it would serve nobody, and refusing it would
// stop a deployment whose files were named so.
func TestModelsDirAliases(t *testing.T) {
	dir := t.TempDir()
	writeDefaultModel(t, dir, "www.example.org.model", "Blog.Example.net.model")
	sites, skipped, aliased, err := loadSiteModels(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(sites)); !slices.Equal(got, []string{"blog.example.net", "example.org"}) || len(skipped) != 0 {
		t.Errorf("sites %q, skipped %q: want blog.example.net and example.org, none skipped", got, skipped)
	}
	if !slices.Equal(aliased, []string{"Blog.Example.net.model", "www.example.org.model"}) {
		t.Errorf("aliased %q: want both files", aliased)
	}
}

// Files in MODELS_DIR not named <host>.model serve no site; start-up
// lists them (a model saved as model.bin is the usual one), and a
// directory is left alone.
func TestModelsDirSkipped(t *testing.T) {
	dir := t.TempDir()
	writeDefaultModel(t, dir, "example.org.model", "model.bin")
	os.Mkdir(filepath.Join(dir, "old"), 0o755)
	sites, skipped, _, err := loadSiteModels(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(sites) != 1 || sites["example.org"] == nil || !slices.Equal(skipped, []string{"model.bin"}) {
		t.Fatalf("sites %v, skipped %q: want example.org, and model.bin skipped", slices.Collect(maps.Keys(sites)), skipped)
	}
}

// MODELS_DIR's files may add up to the budget the function's memory sets
// (a third of AWS_LAMBDA_FUNCTION_MEMORY_SIZE): past it, start-up stops
// before loading the model that crosses it, and says why.
func TestModelsDirBudget(t *testing.T) {
	dir := t.TempDir()
	writeDefaultModel(t, dir, "a.example.model", "b.example.model", "c.example.model")
	fi, err := os.Stat(filepath.Join(dir, "a.example.model"))
	if err != nil {
		t.Fatal(err)
	}
	if sites, _, _, err := loadSiteModels(dir, 3*fi.Size()); err != nil || len(sites) != 3 {
		t.Fatalf("three models within a budget of three: %d loaded, %v", len(sites), err)
	}
	if _, _, _, err := loadSiteModels(dir, 3*fi.Size()-1); err == nil || !strings.Contains(err.Error(), "a third of the function's memory") {
		t.Errorf("three models over the budget: %v, want start-up stopped naming the budget", err)
	}
	cfg, err := parseConfig(func(k string) string { return map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128"}[k] })
	if err != nil || cfg.modelBudget != 128<<20/3 {
		t.Errorf("a 128 MB function: budget %d (%v), want a third of it", cfg.modelBudget, err)
	}
}
