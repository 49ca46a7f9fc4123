//go:build e2e

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/spamcheck/spamcheck/model/labeled"
)

// TestPageReadsCSVLikeTheCLI runs the page's own CSV reader (app.js,
// under Node) and the CLI's (labeled.ReadCommentsCSV) on the same files
// and compares the comments they read, field by field: which column is
// the text, the author, the e-mail, the URL and the site, of two
// columns of one name and of two names of one field.
func TestPageReadsCSVLikeTheCLI(t *testing.T) {
	node := requireTool(t, "node")
	js, err := os.ReadFile(filepath.Join("api", "web", "app.js"))
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, re := range []string{`(?s)function parseCSV.*?\n}\n`, `(?s)const ALIASES.*?};`, `(?s)function pick\(.*?\n}\n`,
		`(?s)function comment\(.*?\n}\n`, `(?s)function parseFile\(.*?\n}\n`} {
		m := regexp.MustCompile(re).Find(js)
		if m == nil {
			t.Fatalf("no %s in app.js", re)
		}
		parts = append(parts, string(m))
	}
	files := []string{
		"text,author_url,url\nhi,a.example,b.example\n",
		"text,url,author_url\nhi,b.example,a.example\n",
		"text,comment_author,author\nhi,Alice,Bob\n",
		"text,author,author\nhi,Alice,Bob\n",
		"content,text\nEarn 9000 Dollars A Week From Home,I agree\n",
		"\ufeffMessage,Author_Name,email,Site\n\"Hello, \"\"world\"\"\nagain\",Pat,@example.org,news.example\n",
		"body,comment_author_url,comment_author_email\nnice post,http://x.example,@y.example\n",
	}
	script := strings.Join(parts, "\n") + `
const files = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(files.map((f) => parseFile('comments.csv', f))));
`
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "read.js"), []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	in, _ := json.Marshal(files)
	cmd := exec.Command(node, filepath.Join(dir, "read.js"))
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var page [][]map[string]string
	if err := json.Unmarshal(out, &page); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for i, f := range files {
		var cli []map[string]string
		err := labeled.ReadCommentsCSV(strings.NewReader(f), func(_ int, r labeled.Record, err error) error {
			if err != nil {
				return err
			}
			c := map[string]string{"content": r.Text}
			for k, v := range map[string]string{"author": r.Author, "author_email": r.AuthorEmail, "author_url": r.AuthorURL, "site": r.Site} {
				if v = strings.TrimSpace(v); v != "" {
					c[k] = v
				}
			}
			cli = append(cli, c)
			return nil
		})
		if err != nil {
			t.Fatalf("%q: %v", f, err)
		}
		if !reflect.DeepEqual(page[i], cli) {
			t.Errorf("%q:\n  page %v\n  CLI  %v", f, page[i], cli)
		}
	}
}
