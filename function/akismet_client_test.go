//go:build e2e

package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	// akismetClientDir holds the pinned akismet-api npm client and the
	// scripts that drive it, relative to this package's directory.
	akismetClientDir = "../testdata/akismet-client"

	// seedPage is the news page the project grew from; its spam comment
	// is checked too when the file is there (it is not part of the repo).
	seedPage = "../../shared/seed/000_b3193c96692b9594.txt"
)

// akismetLabeled is one comment with its label, as the client reports what
// it submitted and as the server stores feedback.
type akismetLabeled struct {
	Label string `json:"label"`
	Text  string `json:"text"`
}

// TestAkismetAPIClient runs a real Akismet client nobody here wrote, the npm
// package akismet-api at the exact version pinned in
// testdata/akismet-client, unmodified against the local server: keys are
// verified, spam and an on-topic news comment are told apart, and
// submit-spam and submit-ham land in the feedback directory as exactly the
// records the client sent.
func TestAkismetAPIClient(t *testing.T) {
	node := requireTool(t, "node")
	if _, err := os.Stat(filepath.Join(akismetClientDir, "node_modules", "akismet-api", "package.json")); err != nil {
		msg := "akismet-api is not installed: run `npm ci --prefix testdata/akismet-client`"
		if os.Getenv(requireToolsEnv) == "1" {
			t.Fatalf("%s (%s=1): %v", msg, requireToolsEnv, err)
		}
		t.Skipf("%s (set %s=1 to fail instead): %v", msg, requireToolsEnv, err)
	}

	feedback := t.TempDir()
	s := mustStartLocal(t, mustBuildLocal(t), "API_KEYS=test-key-1,test-key-2", "FEEDBACK_DIR="+feedback)
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	// An empty SPAMCHECK_SEED turns the seed check off, and overrides any
	// value in the developer's environment.
	seed := ""
	if _, err := os.Stat(seedPage); err == nil {
		if seed, err = filepath.Abs(seedPage); err != nil {
			t.Fatal(err)
		}
	} else {
		t.Logf("seed page %s not found, not checking its spam comment: %v", seedPage, err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	// The preload resolves KEY.localhost to loopback: the client puts the
	// key in the host name.
	cmd := exec.CommandContext(ctx, node, "--require", "./dns-preload.cjs", "client.mjs")
	cmd.Dir = akismetClientDir
	cmd.Env = goEnv(
		"SPAMCHECK_PORT="+u.Port(),
		"SPAMCHECK_KEY=test-key-2",
		"SPAMCHECK_BAD_KEY=not-a-configured-key",
		"SPAMCHECK_SEED="+seed,
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	t.Logf("akismet-api client (%s):\n%s%s", strings.Join(cmd.Args, " "), stdout.String(), stderr.String())
	if runErr != nil {
		t.Fatalf("akismet-api client failed: %v\n%s", runErr, stderr.String())
	}

	var summary struct {
		OK    bool `json:"ok"`
		Steps []struct {
			Step string `json:"step"`
			OK   bool   `json:"ok"`
		} `json:"steps"`
		Submitted []akismetLabeled `json:"submitted"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &summary); err != nil {
		t.Fatalf("client summary is not JSON: %v", err)
	}
	wantSteps := 6
	if seed != "" {
		wantSteps++
	}
	if !summary.OK || len(summary.Steps) != wantSteps || len(summary.Submitted) != 2 {
		t.Fatalf("client summary: ok %v, %d steps, %d submitted; want ok, %d steps, 2 submitted",
			summary.OK, len(summary.Steps), len(summary.Submitted), wantSteps)
	}

	got := readFeedback(t, feedback)
	want := slices.Clone(summary.Submitted)
	byLabelText := func(a, b akismetLabeled) int {
		return cmp.Or(cmp.Compare(a.Label, b.Label), cmp.Compare(a.Text, b.Text))
	}
	slices.SortFunc(got, byLabelText)
	slices.SortFunc(want, byLabelText)
	if !slices.Equal(got, want) {
		t.Errorf("feedback stored under FEEDBACK_DIR:\n%q\nwant exactly what the client submitted:\n%q", got, want)
	}
}

// readFeedback returns every record of every *.jsonl file under dir.
func readFeedback(t *testing.T, dir string) []akismetLabeled {
	t.Helper()
	var recs []akismetLabeled
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".jsonl" {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for n := 1; sc.Scan(); n++ {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			var rec akismetLabeled
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				t.Errorf("%s:%d: not a JSON record: %v", path, n, err)
				continue
			}
			recs = append(recs, rec)
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatalf("read feedback under %s: %v", dir, err)
	}
	return recs
}
