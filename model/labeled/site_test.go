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
		// An internationalized name counts in its ASCII form; other
		// letters name no site, rather than one lower-casing would fold
		// them into (a Kelvin sign, a dotted capital I).
		{"bücher.example", ""},
		{"https://Bücher.example/x", ""},
		{"XN--bcher-kva.example", "xn--bcher-kva.example"},
		{"ｅｘａｍｐｌｅ.org", ""},
		{"\u212Aitchen.org", ""},
		{"KİTCHEN.org", ""},
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
