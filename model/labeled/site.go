package labeled

import (
	"net"
	"net/url"
	"strings"
	"unicode/utf8"
)

// SiteName returns the canonical name of a site given as a host name
// ("Blog.Example.org"), a host and port, or a URL ("https://blog.example.org/x"):
// the host in lower case, without port, trailing dots or any leading "www."
// (a site is reached with and without it, and Akismet clients send its
// home page's URL as they have it). An internationalized name counts in
// its ASCII form ("xn--bcher-kva.de", as DNS has it): a name with other
// letters names no site, rather than one lower-casing might fold it into
// ("\u212Aitchen.org", with a Kelvin sign, is not kitchen.org). (Mapping
// Unicode names as browsers do takes tables that would push the Lambda
// binary over its size budget.) It returns "" for
// anything that is not a plausible host name, so that a site name can
// never be a path ("../x") or carry characters a file name should not.
// The feedback record's Site, `training -site` and the function's model
// per site all go through it, so that they agree.
func SiteName(s string) string {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil {
			return ""
		}
		s = u.Host
	}
	if h, _, err := net.SplitHostPort(s); err == nil {
		s = h
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return ""
		}
	}
	// Every trailing dot and every leading "www.", so that
	// SiteName(SiteName(s)) is SiteName(s).
	s = strings.TrimRight(strings.ToLower(s), ".")
	for strings.HasPrefix(s, "www.") {
		s = s[len("www."):]
	}
	if s == "" || len(s) > 253 || strings.HasPrefix(s, ".") || strings.Contains(s, "..") {
		return ""
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_') {
			return ""
		}
	}
	return s
}
