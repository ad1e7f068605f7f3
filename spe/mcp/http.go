package spellmcp

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
)

// headerRoundTripper adds the profile's headers and bearer token and caps
// every response body.
type headerRoundTripper struct {
	base    http.RoundTripper
	bearer  string
	headers map[string]string
	max     int64
	// bodyErr is the last body that broke the cap: the SDK reports only
	// "request terminated", so the connection names the cause (takeErr).
	bodyErr atomic.Pointer[error]
}

// takeErr returns and clears the last cap failure.
func (h *headerRoundTripper) takeErr() error {
	if p := h.bodyErr.Swap(nil); p != nil {
		return *p
	}
	return nil
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
	resp.Body = &capBody{rc: resp.Body, left: h.max, max: h.max, onErr: func(err error) { h.bodyErr.Store(&err) }}
	return resp, nil
}

// ErrResponseTooLarge is the cause of a response past :max-response-bytes.
var ErrResponseTooLarge = errors.New("MCP response larger than :max-response-bytes")

type capBody struct {
	rc    io.ReadCloser
	left  int64
	max   int64
	onErr func(error)
}

func (c *capBody) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// One byte more tells a body of exactly max bytes from a longer one.
		var one [1]byte
		if n, _ := c.rc.Read(one[:]); n > 0 {
			err := fmt.Errorf("%w (%d bytes)", ErrResponseTooLarge, c.max)
			c.onErr(err)
			return 0, err
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
