package spellmcp

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrPrivateNet is the cause of a connection refused by the network rules
// (effects.md §11.3).
var ErrPrivateNet = errors.New("private network address refused")

// cgnat is the carrier-grade NAT range, refused like private addresses.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// refused reports why an address may not be reached without
// --allow-private-net, or "".
func refused(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case a.IsLoopback():
		return "loopback"
	case a.IsPrivate():
		return "private"
	case a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast():
		return "link-local"
	case a.IsMulticast(), a.IsInterfaceLocalMulticast():
		return "multicast"
	case a.IsUnspecified():
		return "unspecified"
	case cgnat.Contains(a):
		return "CGNAT"
	}
	return ""
}

// guardedTransport dials with the network rules checked on the resolved
// address at connect time (a dialer control hook, so DNS rebinding cannot
// bypass it): connect timeout 20 s.
func guardedTransport(allowPrivate bool) *http.Transport {
	d := &net.Dialer{Timeout: 20 * time.Second}
	if !allowPrivate {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: %s", ErrPrivateNet, address)
			}
			if why := refused(ap.Addr()); why != "" {
				return fmt.Errorf("%w: %s is a %s address (allow it with --allow-private-net or :sandbox :allow-private-net true)", ErrPrivateNet, ap.Addr(), why)
			}
			return nil
		}
	}
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		TLSHandshakeTimeout:   20 * time.Second,
		ResponseHeaderTimeout: 120 * time.Second,
		MaxIdleConns:          4,
		IdleConnTimeout:       30 * time.Second,
	}
}

// headerRoundTripper adds the profile's headers and bearer token and caps
// every response body.
type headerRoundTripper struct {
	base    http.RoundTripper
	bearer  string
	headers map[string]string
	max     int64
}

func (h *headerRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	for k, v := range h.headers {
		r.Header.Set(k, v)
	}
	if h.bearer != "" {
		r.Header.Set("Authorization", "Bearer "+h.bearer)
	}
	resp, err := h.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = &capBody{rc: resp.Body, left: h.max, max: h.max}
	return resp, nil
}

// ErrResponseTooLarge is the cause of a response past :max-response-bytes.
var ErrResponseTooLarge = errors.New("MCP response larger than :max-response-bytes")

type capBody struct {
	rc   io.ReadCloser
	left int64
	max  int64
}

func (c *capBody) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// One byte more tells a body of exactly max bytes from a longer one.
		var one [1]byte
		if n, _ := c.rc.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("%w (%d)", ErrResponseTooLarge, c.max)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.rc.Read(p)
	c.left -= int64(n)
	return n, err
}

func (c *capBody) Close() error { return c.rc.Close() }
