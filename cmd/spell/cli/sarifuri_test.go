package cli

import (
	"net/url"
	"testing"
)

// TestURIEscapeAgreesWithNetURL checks SARIF's own URI escaping against
// net/url's, which spell does not link.
func TestURIEscapeAgreesWithNetURL(t *testing.T) {
	var all []byte
	for c := 0; c < 256; c++ {
		all = append(all, byte(c))
	}
	for _, s := range []string{"", "a.spl", "src/agent invalid.spl", "/home/me/dir with space/", "C:/Users/x/", "é/ü?#%;,=&+$@:~!*'()[]", string(all)} {
		if got, want := escapeURIPath(s, true), url.PathEscape(s); got != want {
			t.Errorf("segment %q: %q, net/url says %q", s, got, want)
		}
		if got, want := fileURI("/"+s), (&url.URL{Scheme: "file", Path: "/" + s}).String(); got != want {
			t.Errorf("file URI of %q: %q, net/url says %q", "/"+s, got, want)
		}
	}
}
