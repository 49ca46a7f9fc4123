package labeled

import "testing"

func TestSiteName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"example.org", "example.org"},
		{"Blog.Example.ORG.", "blog.example.org"},
		{"https://blog.example.org/2026/01/post?x=1", "blog.example.org"},
		{"http://Example.org:8080", "example.org"},
		{"example.org:443", "example.org"},
		{"https://www.Example.org/", "example.org"},
		{"www.example.org", "example.org"},
		{"www.", "www"},
		{"www.www.example.org", "example.org"},
		{"example.org..", "example.org"},
		{"https://example.org../x", "example.org"},
		{"...", ""},
		{"www.www", "www"},
		{"wwwexample.org", "wwwexample.org"},
		{"  example.org ", "example.org"},
		{"", ""},
		{"../etc/passwd", ""},
		{"a..b", ""},
		{"exa mple.org", ""},
		{"bücher.example", "xn--bcher-kva.example"},
		{"https://Bücher.example/x", "xn--bcher-kva.example"},
		{"xn--bcher-kva.example", "xn--bcher-kva.example"},
		{"ｅｘａｍｐｌｅ.org", "example.org"},
		{"example.org。", "example.org"},
		{"\u212Aitchen.org", "kitchen.org"}, // the Kelvin sign is a K to IDNA, as to a browser
		{"exa mple.örg", ""},
		{"-bücher.example", ""},
		{"https://", ""},
		{"\xff", ""},
	} {
		if got := SiteName(tc.in); got != tc.want {
			t.Errorf("SiteName(%q) = %q, want %q", tc.in, got, tc.want)
		}
		// Records store SiteName's answer and training reads it again:
		// the two must agree.
		if again := SiteName(tc.want); again != tc.want {
			t.Errorf("SiteName(%q) = %q: not idempotent", tc.want, again)
		}
	}
}
