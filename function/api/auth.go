package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/spamcheck/spamcheck/model/labeled"
)

// DefaultKeyIDSalt is the salt of key ids when none is configured. It is
// public, so ids made with it only tell keys apart: whoever holds the
// records and guesses a key can check the guess. A salt of the operator's
// own (KEY_ID_SALT) keeps ids opaque to everyone else.
const DefaultKeyIDSalt = "spamcheck key id"

// AnonymousKeyID is the key id of feedback stored without credentials,
// which only a server started with AnonymousFeedback accepts.
const AnonymousKeyID = "anonymous"

// KeyID returns the opaque id under which feedback sent with an API key
// is stored: the hex HMAC-SHA256 of the key under salt, which is what
//
//	printf %s "$KEY" | openssl dgst -sha256 -hmac "$SALT"
//
// prints. A caller authenticated by IAM is identified by "iam:" and its
// principal's ARN in place of the key.
func KeyID(salt, key string) string {
	m := hmac.New(sha256.New, []byte(salt))
	m.Write([]byte(key))
	return hex.EncodeToString(m.Sum(nil))
}

// requestKey returns the API key a native request carries, as
// "Authorization: Bearer KEY" (the scheme in any case, as RFC 9110 has
// it) or "X-Api-Key: KEY", or "".
func requestKey(r *http.Request) string {
	key := r.Header.Get("X-Api-Key")
	if scheme, v, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
		key = strings.TrimSpace(v)
	}
	return key
}

// keySite returns the site key is tied to (Options.KeySites), or "" for
// a key tied to none, or no key.
func (s *Server) keySite(key string) string {
	if key == "" || s.keySites == nil {
		return ""
	}
	d := sha256.Sum256([]byte(key))
	return s.keySites[string(d[:])]
}

// scopedSite returns the site a comment or record is for: site, which
// the request named (raw, as sent), or, with a key tied to keySite,
// keySite when site names none, and a forbidden_site error when it names
// another.
func scopedSite(site, keySite string) (string, *Error) {
	if keySite == "" {
		return site, nil
	}
	switch name := labeled.SiteName(site); name {
	case "":
		return keySite, nil
	case keySite:
		return name, nil
	default:
		return "", Errorf(CodeForbiddenSite, "this API key is %s's, not %s's", keySite, clip(name))
	}
}

// writer returns the key id to store with feedback that r sends with the
// API key key (or ""), or an unauthorized error: feedback is only stored
// with a valid key, from a caller IAM authenticated, or anonymously on a
// server whose operator allowed that explicitly and configured no keys.
func (s *Server) writer(r *http.Request, key string) (string, error) {
	if s.validKey(key) {
		return KeyID(s.keyIDSalt, key), nil
	}
	if s.iamCaller != nil {
		if arn := s.iamCaller(r); arn != "" {
			return KeyID(s.keyIDSalt, "iam:"+arn), nil
		}
	}
	if s.anonymous && len(s.keys) == 0 {
		return AnonymousKeyID, nil
	}
	return "", Errorf(CodeUnauthorized, "storing feedback needs credentials: an API key (\"Authorization: Bearer KEY\" or \"X-Api-Key: KEY\") or a request signed for IAM authorization")
}
