package labeled

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spamcheck/spamcheck/model"
)

// TestRoundTrip: whatever MarshalLine writes, Read and Decode read back
// field for field, one record per line, whatever the text holds.
func TestRoundTrip(t *testing.T) {
	full := Record{
		Text: "Great post!\nSecond line\r\nthird\ttabbed", Label: model.Spam,
		Author: "Ann \"the\" Author", AuthorURL: "https://ann.example/?a=1&b=<2>", AuthorEmail: "@example.org",
		Site: "blog.example.com", KeyID: "k-3f9a", Permalink: "https://blog.example.com/post#c1",
		Type: "comment", Source: "api", ReceivedAt: time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC),
		Model: "nb-0123456789ab",
	}
	tests := []struct {
		name string
		in   Record
		// want is in unless the text had to change.
		want *Record
	}{
		{name: "every field", in: full},
		{name: "only the required fields", in: Record{Text: "thanks, that helps", Label: model.Ham}},
		{name: "HTML", in: Record{Text: `<a href="http://x.example/?q=1&r=2">cheap</a> <script>alert('x')</script> &amp; &#39;`, Label: model.Spam}},
		{name: "Unicode", in: Record{Text: "Привет 👋🏽 مرحبا 漢字 e\u0301 \u200b\u2028\u2029 \U0001F600", Label: model.Ham, Author: "Zoë Ødegård"}},
		{name: "control characters", in: Record{Text: "nul \x00 bell \a esc \x1b del \x7f", Label: model.Ham}},
		{name: "a line that looks like JSON", in: Record{Text: "{\"text\":\"x\",\"label\":\"ham\"}\n{", Label: model.Spam}},
		{
			// JSON cannot carry invalid UTF-8: each bad byte becomes
			// U+FFFD, as ranging over a Go string gives.
			name: "invalid UTF-8", in: Record{Text: "ok \xff\xfe bad \xc3\x28 end", Label: model.Spam, Author: "\xffA"},
			want: &Record{Text: "ok \uFFFD\uFFFD bad \uFFFD( end", Label: model.Spam, Author: "\uFFFDA"},
		},
	}
	var all bytes.Buffer
	var wants []Record
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.in
			if tt.want != nil {
				want = *tt.want
			}
			line, err := MarshalLine(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Count(line, []byte("\n")) != 1 || line[len(line)-1] != '\n' {
				t.Fatalf("MarshalLine wrote %q: want exactly one line", line)
			}
			got, err := Decode(bytes.TrimSuffix(line, []byte("\n")))
			if err != nil {
				t.Fatalf("Decode(%q): %v", line, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Decode(MarshalLine(r)):\n got %+v\nwant %+v\nline %q", got, want, line)
			}
			all.Write(line)
			wants = append(wants, want)
		})
	}

	// The same lines, as one file and as one file per record (the way the
	// feedback store leaves them), read back by Read in order.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "all.jsonl"), all.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	split := filepath.Join(dir, "split", "2026", "01", "02")
	if err := os.MkdirAll(split, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, line := range bytes.SplitAfter(all.Bytes(), []byte("\n")) {
		if len(line) > 0 {
			if err := os.WriteFile(filepath.Join(split, string(rune('a'+i))+".jsonl"), line, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, p := range []string{filepath.Join(dir, "all.jsonl"), filepath.Join(dir, "split")} {
		d, err := Read([]string{p}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Skipped) > 0 {
			t.Errorf("%s: skipped %v", p, d.Skipped)
		}
		if !reflect.DeepEqual(d.Records, wants) {
			t.Errorf("%s: Read gave\n%+v\nwant\n%+v", p, d.Records, wants)
		}
	}
}

// TestMarshalLineWritesOnlyWhatIsSet: the optional fields are left out
// when empty, so records of older writers and newer ones look alike.
func TestMarshalLineWritesOnlyWhatIsSet(t *testing.T) {
	line, err := MarshalLine(Record{Text: "hi", Label: model.Ham})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(line), `{"text":"hi","label":"ham"}`+"\n"; got != want {
		t.Errorf("MarshalLine = %q, want %q", got, want)
	}
	line, err = MarshalLine(Record{Text: "hi", Label: model.Spam, Site: "blog.example.com", KeyID: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(line), `{"text":"hi","label":"spam","site":"blog.example.com","key_id":"k1"}`+"\n"; got != want {
		t.Errorf("MarshalLine = %q, want %q", got, want)
	}
	for _, l := range []model.Label{"", "maybe", "SPAM"} {
		if _, err := MarshalLine(Record{Text: "hi", Label: l}); !errors.Is(err, ErrNoLabel) {
			t.Errorf("MarshalLine with label %q: err = %v, want ErrNoLabel", l, err)
		}
	}
}

// TestDecodeLenient: the forms other tools write are read as the canonical
// record, and the problems are told apart.
func TestDecodeLenient(t *testing.T) {
	tests := []struct {
		line    string
		want    Record
		err     string
		isLabel bool // the error is a *LabelError: the rest was decoded
	}{
		{line: `{"content":"via content","label":"SPAM"}`, want: Record{Text: "via content", Label: model.Spam}},
		{line: `{"text":"number","label":0}`, want: Record{Text: "number", Label: model.Ham}},
		{line: `{"text":"bool","label":true}`, want: Record{Text: "bool", Label: model.Spam}},
		{line: `{"text":"wins","content":"loses","label":"ham"}`, want: Record{Text: "wins", Label: model.Ham}},
		{line: `{"text":"extra","label":"ham","unknown":[1,2]}`, want: Record{Text: "extra", Label: model.Ham}},
		{line: `{"text":"no label","site":"s.example"}`, want: Record{Text: "no label", Site: "s.example"}, err: `no "label" field`, isLabel: true},
		{line: `{"text":"odd label","label":"maybe"}`, want: Record{Text: "odd label"}, err: `label "maybe" is neither spam nor ham`, isLabel: true},
		{line: `{"text":"list label","label":["spam"]}`, want: Record{Text: "list label"}, err: "label [spam] is not a string", isLabel: true},
		{line: `{"label":"spam"}`, err: `no "text" field`},
		{line: `{"text":null,"label":"spam"}`, err: `no "text" field`},
		{line: `{"text":"x"`, err: "bad JSON: unexpected end of JSON input"},
		{line: `["text"]`, err: "bad JSON: "},
		{line: `{"text":5,"label":"spam"}`, err: "bad JSON: "},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got, err := Decode([]byte(tt.line))
			if tt.err == "" {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
			} else {
				if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
					t.Fatalf("Decode: err = %v, want %q", err, tt.err)
				}
				var le *LabelError
				if errors.As(err, &le) != tt.isLabel {
					t.Errorf("Decode: err %v is a *LabelError: %v, want %v", err, !tt.isLabel, tt.isLabel)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Decode = %+v, want %+v", got, tt.want)
			}
		})
	}
}
