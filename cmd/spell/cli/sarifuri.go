package cli

import "strings"

// URI escaping of SARIF's file names, written out rather than taken from
// net/url: spell would link net/url only for this, and with it net/netip,
// whose package initialisation runs unique.Make at every start (issue 11,
// start-up). TestURIEscapeAgreesWithNetURL checks these against net/url.

// escapeURIPath escapes p as url.URL.EscapedPath does for an absolute path
// (encodePath), or, when segment, as url.PathEscape does for one segment.
func escapeURIPath(p string, segment bool) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if uriKeeps(c, segment) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte("0123456789ABCDEF"[c>>4])
		b.WriteByte("0123456789ABCDEF"[c&15])
	}
	return b.String()
}

// uriKeeps reports whether c stands for itself in a URI path (RFC 3986
// §2.3 unreserved characters, and the §2.2 reserved ones a path keeps).
func uriKeeps(c byte, segment bool) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '-', '_', '.', '~', '$', '&', '+', ':', '=', '@':
		return true
	case '/', ';', ',':
		return !segment
	}
	return false
}

// fileURI is the file: URI of the directory dir ("file:///home/me/").
func fileURI(dir string) string { return "file://" + escapeURIPath(dir, false) }
