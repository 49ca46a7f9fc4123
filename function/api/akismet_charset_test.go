package api

import (
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// TestAkismetCharset: a blog that names its encoding in blog_charset has
// its text read in it (ISO-8859-1's "café" is stored as café, not with a
// replacement character); bytes that are not UTF-8 without one are
// refused with Akismet's "invalid" and stored nowhere; and a query string
// that does not parse is not blamed on the body.
func TestAkismetCharset(t *testing.T) {
	dir := t.TempDir()
	s, _ := testServer(t, Options{Keys: []string{goodKey}, Feedback: mustOpenDir(t, dir)})
	form := akismetForm("caf\xe9 au lait, cheap")
	form.Set("blog_charset", "ISO-8859-1")
	if rec := postForm(s, "/1.1/submit-spam", form); rec.Code != 200 || rec.Body.String() != AkismetThanks {
		t.Fatalf("submit-spam in ISO-8859-1: %d %q", rec.Code, rec.Body)
	}
	recs := readRecords(t, dir)
	if len(recs) != 1 || recs[0].Text != "café au lait, cheap" {
		t.Fatalf("stored %+v, want one record of café au lait, cheap", recs)
	}
	form.Set("blog_charset", "UTF-8")
	for _, path := range []string{"/1.1/submit-spam", "/1.1/comment-check"} {
		rec := postForm(s, path, form)
		if rec.Code != 200 || rec.Body.String() != "invalid" || rec.Header().Get("X-akismet-debug-help") == "" {
			t.Errorf("%s with Latin-1 bytes said to be UTF-8: %d %q (%q), want invalid with a hint", path, rec.Code, rec.Body, rec.Header().Get("X-akismet-debug-help"))
		}
	}
	if n := len(readRecords(t, dir)); n != 1 {
		t.Errorf("%d records stored, want still 1", n)
	}
	rec := postForm(s, "/1.1/comment-check?utm_source=a;b", akismetForm("see you at the game"))
	if rec.Code != 200 || rec.Body.String() != "false" {
		t.Errorf("comment-check with a query that does not parse: %d %q (%q)", rec.Code, rec.Body, rec.Header().Get("X-akismet-debug-help"))
	}
}

// TestCP1252: the table agrees with golang.org/x/text's Windows-1252 on
// every byte (the tests may link what the function cannot afford).
func TestCP1252(t *testing.T) {
	dec := charmap.Windows1252.NewDecoder()
	for c := range 256 {
		want, err := dec.String(string([]byte{byte(c)}))
		if err != nil {
			t.Fatal(err)
		}
		if got := fromCP1252(string([]byte{byte(c)})); got != want {
			t.Errorf("byte %#x: %q, want %q", c, got, want)
		}
	}
}
