//go:build e2e

package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spamcheck/spamcheck/function/feedback"
)

// mustStartMoto starts moto_server, an S3-compatible server, on a free
// loopback port and returns its URL.
func mustStartMoto(tb testing.TB) string {
	tb.Helper()
	bin := requireTool(tb, "moto_server")
	ports, err := freeLoopbackPorts(1)
	if err != nil {
		tb.Fatal(err)
	}
	url := "http://127.0.0.1:" + ports[0]
	out := &syncBuffer{}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", ports[0])
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if tb.Failed() {
			tb.Logf("moto_server output:\n%s", out)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			return url
		}
		if time.Now().After(deadline) {
			tb.Fatalf("moto_server did not start:\n%s", out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// e2eKey is the API key of the end-to-end tests' servers.
const e2eKey = "k-123456"

// awsCLI runs the AWS CLI against the S3 server at endpoint with test
// credentials.
func awsCLI(t *testing.T, endpoint string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(requireTool(t, "aws"), append([]string{"--endpoint-url", endpoint}, args...)...)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// TestFeedbackThroughS3: a comment submitted as spam through Akismet's
// submit-spam ends up, unchanged, as a record in the bucket, and the
// README's retraining commands (aws s3 sync, then training train) accept
// it.
func TestFeedbackThroughS3(t *testing.T) {
	endpoint := mustStartMoto(t)
	const bucket = "spamcheck-feedback"
	awsCLI(t, endpoint, "s3", "mb", "s3://"+bucket)
	srv := mustStartLocal(t, mustBuildLocal(t), "API_KEYS="+e2eKey, "FEEDBACK_BUCKET="+bucket,
		"FEEDBACK_S3_ENDPOINT="+endpoint, "AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test")

	// A comment with HTML, Unicode and an e-mail address, as a platform
	// sends it.
	text := "A Retired Teacher Makes 11000 Dollars Every Week From Home, Just Follow The Steps On My Page." +
		" <a href=\"http://homeprofit-daily.biz\">ｃｌｉｃｋ</a> ☎ 555-0199"
	form := url.Values{"api_key": {e2eKey}, "blog": {"https://news.example.org"}, "user_ip": {"203.0.113.7"},
		"comment_author": {"Carol"}, "comment_author_email": {"carol@homeprofit-daily.biz"}, "comment_content": {text}}
	resp, err := http.Post(srv.URL+"/1.1/submit-spam", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	native := `{"content": "Thanks for the thoughtful reply.", "label": "ham"}`
	req, _ := http.NewRequest("POST", srv.URL+"/v1/feedback", strings.NewReader(native))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Api-Key", e2eKey)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 202 {
		t.Fatalf("POST /v1/feedback: %v %v", resp, err)
	}

	var list struct{ Contents []struct{ Key string } }
	if err := json.Unmarshal(awsCLI(t, endpoint, "s3api", "list-objects-v2", "--bucket", bucket), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Contents) != 2 {
		t.Fatalf("bucket holds %d objects, want 2", len(list.Contents))
	}
	for _, o := range list.Contents {
		if !strings.HasPrefix(o.Key, "feedback/") || !strings.HasSuffix(o.Key, ".jsonl") {
			t.Errorf("object key %q, want feedback/YYYY/MM/DD/….jsonl", o.Key)
		}
	}

	// The operator's retraining steps, as the README gives them.
	dir := t.TempDir()
	synced := filepath.Join(dir, "feedback")
	awsCLI(t, endpoint, "s3", "sync", "s3://"+bucket+"/feedback", synced)
	var got []feedback.Record
	filepath.WalkDir(synced, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			var r feedback.Record
			if err := json.Unmarshal(b, &r); err != nil {
				t.Errorf("%s: %v", p, err)
			}
			got = append(got, r)
		}
		return nil
	})
	var spam *feedback.Record
	for i := range got {
		if got[i].Label == "spam" {
			spam = &got[i]
		}
	}
	if spam == nil || spam.Text != text || spam.AuthorEmail != "@homeprofit-daily.biz" {
		t.Fatalf("synced records %+v: want the submitted spam unchanged, e-mail reduced to its domain", got)
	}

	train := exec.Command(requireTool(t, "go"), "run", "./training", "train", "-o", filepath.Join(dir, "model.bin"),
		synced, "testdata/comments")
	train.Dir = ".."
	train.Env = goEnv()
	out, err := train.CombinedOutput()
	if err != nil {
		t.Fatalf("training train on the synced feedback: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "wrote ") {
		t.Fatalf("training train output:\n%s", out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "skipped") && strings.Contains(line, "feedback") {
			t.Errorf("training skipped a feedback record: %s", line)
		}
	}
	t.Logf("training train:\n%s", out)
}
