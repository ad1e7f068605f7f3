package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/spell-go/spell/spe/web/webconf"
)

// The network rules of effects.md §11.3.
const (
	// ConnectTimeout bounds one TCP connection attempt.
	ConnectTimeout = 20 * time.Second
	// RequestTimeout bounds a whole request (headers and body) except
	// fetches, which use the :fetch :timeout-ms of web.edn (15 s).
	RequestTimeout = 120 * time.Second
	// MaxBodyBytes is the hard cap on a response body; web.edn may lower it.
	MaxBodyBytes = webconf.MaxBodyBytes
	// MaxRedirects is the most redirects followed; web.edn may lower it.
	MaxRedirects = webconf.MaxRedirects
)

// ErrPrivateAddress is the cause of every refused connection to a
// loopback, private, link-local, multicast, unspecified or CGNAT address
// (errors.Is).
var ErrPrivateAddress = errors.New("private network address")

// ErrInvalidURL is the cause of every refused URL: a scheme other than
// http or https, or no host (errors.Is).
var ErrInvalidURL = errors.New("invalid URL")

// AddressError is a refused connection: the resolved IP and its class.
type AddressError struct {
	IP    netip.Addr
	Class string // "loopback", "private", "link-local", …
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("refused to connect to %s: it is a %s address, and private network addresses are blocked "+
		"(pass --allow-private-net to spell run, or set :sandbox {:allow-private-net true} in the agent profile, to allow them)",
		e.IP, e.Class)
}

// Unwrap makes every AddressError an ErrPrivateAddress.
func (e *AddressError) Unwrap() error { return ErrPrivateAddress }

var (
	cgnat       = netip.MustParsePrefix("100.64.0.0/10")
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8")
	nat64       = netip.MustParsePrefix("64:ff9b::/96")
	broadcast   = netip.MustParseAddr("255.255.255.255")
)

// AddressClass returns the class of a non-public address ("loopback",
// "private", "link-local", "multicast", "unspecified", "CGNAT",
// "broadcast"), or "" for an address the rules allow. IPv4-mapped and
// NAT64 addresses are judged by the IPv4 address they carry.
func AddressClass(ip netip.Addr) string {
	ip = ip.Unmap()
	if ip.Is6() && nat64.Contains(ip) {
		b := ip.As16()
		ip = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	switch {
	case !ip.IsValid():
		return "invalid"
	case ip.IsUnspecified(), ip.Is4() && thisNetwork.Contains(ip):
		return "unspecified"
	case ip.IsLoopback():
		return "loopback"
	case ip.IsPrivate():
		return "private"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return "link-local"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "multicast"
	case cgnat.Contains(ip):
		return "CGNAT"
	case ip == broadcast:
		return "broadcast"
	}
	return ""
}

// netRules is the HTTP client of one namespace with the rules applied.
type netRules struct {
	allowPrivate bool
	maxBody      int64
	maxRedirects int
	userAgent    string
	// lookup, when set, replaces DNS (tests: a name that resolves to
	// loopback).
	lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	// trusted, when set, exempts exact addresses ("127.0.0.1:port") from
	// the rules (tests: a loopback server standing for a public one).
	trusted map[string]bool
	client  *http.Client
}

// control is the dialer's control hook: it runs after DNS resolution for
// every connection attempt, with the IP about to be connected, so neither
// a redirect nor DNS rebinding reaches a refused address.
func (r *netRules) control(network, address string, _ syscall.RawConn) error {
	if r.allowPrivate || r.trusted[address] {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("connect %s: unexpected address: %w", address, ErrPrivateAddress)
	}
	if class := AddressClass(ap.Addr()); class != "" {
		return &AddressError{IP: ap.Addr().Unmap(), Class: class}
	}
	return nil
}

func (r *netRules) init() {
	dialer := &net.Dialer{Timeout: ConnectTimeout, Control: r.control}
	dial := dialer.DialContext
	if r.lookup != nil {
		dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			ips, err := r.lookup(ctx, host)
			if err != nil {
				return nil, err
			}
			var first error
			for _, ip := range ips {
				c, err := dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
				if err == nil {
					return c, nil
				}
				if first == nil {
					first = err
				}
			}
			if first == nil {
				first = fmt.Errorf("no address for %s", host)
			}
			return nil, first
		}
	}
	tr := &http.Transport{
		// No proxy from the environment: the rules judge the address
		// actually connected, which must be the target's.
		Proxy:                 nil,
		DialContext:           dial,
		TLSHandshakeTimeout:   ConnectTimeout,
		ResponseHeaderTimeout: RequestTimeout,
		MaxIdleConns:          4,
		IdleConnTimeout:       30 * time.Second,
	}
	r.client = &http.Client{Transport: tr, CheckRedirect: r.checkRedirect}
}

// checkRedirect re-validates every redirect: the count, the scheme (the
// address is checked when it is connected). Headers carrying keys never
// follow a redirect.
func (r *netRules) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > r.maxRedirects {
		return fmt.Errorf("stopped after %d redirects", r.maxRedirects)
	}
	if err := checkScheme(req.URL); err != nil {
		return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), err)
	}
	req.Header.Del(serperKeyHeader)
	return nil
}

// checkScheme accepts http and https URLs with a host.
func checkScheme(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	default:
		return fmt.Errorf("%w: only http and https are allowed", ErrInvalidURL)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%w: no host", ErrInvalidURL)
	}
	return nil
}

// response is a completed request: status, final URL, header and the body
// read up to the cap.
type response struct {
	status    int
	url       string
	header    http.Header
	body      []byte
	truncated bool // the body was longer than the cap
}

// do sends req under the rules with the given whole-request timeout and
// reads at most maxBody bytes of the body; the rest is never read.
func (r *netRules) do(ctx context.Context, req *http.Request, timeout time.Duration) (*response, error) {
	if err := checkScheme(req.URL); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req = req.WithContext(ctx)
	if r.userAgent != "" && req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", r.userAgent)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, netError(ctx, err, timeout)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, r.maxBody+1))
	if err != nil {
		return nil, netError(ctx, err, timeout)
	}
	out := &response{status: resp.StatusCode, url: resp.Request.URL.String(), header: resp.Header, body: body}
	if int64(len(body)) > r.maxBody {
		out.body, out.truncated = body[:r.maxBody], true
	}
	return out, nil
}

// netError turns a client error into the message a program sees: the
// refusal of the rules as it is, a timeout named as one.
func netError(ctx context.Context, err error, timeout time.Duration) error {
	var ae *AddressError
	if errors.As(err, &ae) {
		return ae
	}
	if errors.Is(err, ErrInvalidURL) || errors.Is(err, ErrPrivateAddress) {
		var ue *url.Error
		if errors.As(err, &ue) {
			return ue.Err
		}
		return err
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("request timed out after %s: %w", timeout, context.DeadlineExceeded)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		// The URL is named by the caller already.
		return ue.Err
	}
	return err
}

// NewHTTPClient returns an HTTP client under the network rules of
// effects.md §11.3 for other network effects (HTTP MCP): the address rule
// checked on every connection (unless allowPrivate), the connect timeout,
// http and https only and at most MaxRedirects redirects. The caller bounds
// each request with its own context and caps the bodies it reads; refused
// connections fail with an *AddressError (errors.Is ErrPrivateAddress).
func NewHTTPClient(allowPrivate bool) *http.Client {
	r := &netRules{allowPrivate: allowPrivate, maxBody: MaxBodyBytes, maxRedirects: MaxRedirects}
	r.init()
	return r.client
}
