package lsp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// handler builds the middleware chain of tooling.md §6.3:
// recover → log → lifecycle gate → cancel → per-document ordering → handlers.
func (s *Server) handler() jsonrpc2.Handler {
	h := paramsMiddleware(protocol.ServerHandler(s, jsonrpc2.MethodNotFoundHandler))
	h = s.orderMiddleware(h)
	h = s.cancelMiddleware(h)
	h = s.lifecycleMiddleware(h)
	h = s.logMiddleware(h)
	h = s.recoverMiddleware(h)
	return s.answered.middleware(h)
}

// answered tracks the calls whose response has not been written yet, so
// shutdown can wait for the answers to the requests sent before it (a
// request released to run concurrently could otherwise lose its answer
// when exit follows at once).
type answered struct {
	mu      sync.Mutex
	pending map[jsonrpc2.ID]int
	idle    chan struct{} // closed when pending becomes empty
}

func (a *answered) middleware(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		if req.IsCall() && req.Method() != protocol.MethodShutdown {
			a.mu.Lock()
			if a.pending == nil {
				a.pending = map[jsonrpc2.ID]int{}
			}
			a.pending[req.ID()]++
			a.mu.Unlock()
		}
		return next(ctx, req)
	}
}

// written is called by the stream with the body of every message it
// writes (jsonrpc2 writes responses as its own unexported type, so the
// body is decoded again to find the responses).
func (a *answered) written(body []byte) {
	a.mu.Lock()
	empty := len(a.pending) == 0
	a.mu.Unlock()
	if empty {
		return
	}
	msg, err := jsonrpc2.DecodeMessage(body)
	if err != nil {
		return
	}
	r, ok := msg.(*jsonrpc2.Response)
	if !ok {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	id := r.ID()
	if a.pending[id] == 0 {
		return
	}
	a.pending[id]--
	if a.pending[id] == 0 {
		delete(a.pending, id)
	}
	if len(a.pending) == 0 && a.idle != nil {
		close(a.idle)
		a.idle = nil
	}
}

// wait returns when every call counted so far has been answered, or when
// ctx ends.
func (a *answered) wait(ctx context.Context) {
	a.mu.Lock()
	if len(a.pending) == 0 {
		a.mu.Unlock()
		return
	}
	if a.idle == nil {
		a.idle = make(chan struct{})
	}
	idle := a.idle
	a.mu.Unlock()
	select {
	case <-idle:
	case <-ctx.Done():
	}
}

// paramsMiddleware reports params that do not decode into the method's
// parameter type as InvalidParams (-32602). The protocol dispatcher answers
// every decoding failure with ParseError (-32700), but the message itself
// was valid JSON by the time it reaches a handler (the frame reader answers
// bodies that are not), so such a failure means wrong parameter types.
func paramsMiddleware(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		res, err := next(ctx, req)
		if err != nil && errors.Is(err, jsonrpc2.ErrParse) && jsontext.Value(req.Params()).IsValid() {
			msg := err.Error()
			if m, ok := strings.CutPrefix(msg, jsonrpc2.ErrParse.Error()+": "); ok {
				msg = m
			}
			return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "invalid params for "+req.Method()+": "+msg)
		}
		return res, err
	}
}

// recoverMiddleware turns a panic into an InternalError response. Errors of
// notifications are logged and dropped: jsonrpc2 would otherwise fail the
// whole connection for them.
func (s *Server) recoverMiddleware(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (result any, err error) {
		isCall := req.IsCall()
		method := req.Method()
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("panic in handler", "method", method, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				result = nil
				err = jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s: %v", method, r)
			}
			if !isCall && err != nil {
				s.log.Warn("notification failed", "method", method, "err", err)
				result, err = nil, nil
			}
		}()
		return next(ctx, req)
	}
}

// logMiddleware records each message with its latency at debug level.
func (s *Server) logMiddleware(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		method := req.Method()
		id := req.ID()
		start := time.Now()
		res, err := next(ctx, req)
		if err != nil {
			s.log.Debug("handled", "method", method, "id", fmt.Sprint(id), "dur", time.Since(start), "err", err)
		} else {
			s.log.Debug("handled", "method", method, "id", fmt.Sprint(id), "dur", time.Since(start))
		}
		return res, err
	}
}

// lifecycleMiddleware enforces the LSP lifecycle: before initialize every
// request fails with ServerNotInitialized (-32002) and notifications other
// than exit are dropped; a second initialize is an InvalidRequest; after
// shutdown every request fails with InvalidRequest.
func (s *Server) lifecycleMiddleware(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		method := req.Method()
		if method == protocol.MethodExit {
			return next(ctx, req)
		}
		switch s.state.Load() {
		case stateNew:
			if method == protocol.MethodInitialize {
				return next(ctx, req)
			}
			if req.IsCall() {
				return nil, jsonrpc2.NewError(jsonrpc2.ServerNotInitialized, "server not initialized")
			}
			return nil, nil
		case stateShutdown:
			if req.IsCall() {
				return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "server is shut down")
			}
			return nil, nil
		default:
			if method == protocol.MethodInitialize {
				return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "server already initialized")
			}
			return next(ctx, req)
		}
	}
}

// docQueue serialises the notifications of each document. Every document
// notification takes a ticket in wire order (on the read loop) and runs once
// the previous notification of its document is done; a request waits for
// the notifications that arrived before it, then reads its snapshot.
type docQueue struct {
	mu    sync.Mutex
	tails map[uri.URI]chan struct{}
}

func newDocQueue() *docQueue { return &docQueue{tails: make(map[uri.URI]chan struct{})} }

var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// enqueue returns the channel to wait on and the channel to close when done.
func (q *docQueue) enqueue(u uri.URI) (prev, done chan struct{}) {
	q.mu.Lock()
	defer q.mu.Unlock()
	prev = q.tails[u]
	if prev == nil {
		prev = closedChan
	}
	done = make(chan struct{})
	q.tails[u] = done
	return prev, done
}

func (q *docQueue) finish(u uri.URI, done chan struct{}) {
	close(done)
	q.mu.Lock()
	if q.tails[u] == done {
		delete(q.tails, u)
	}
	q.mu.Unlock()
}

func (q *docQueue) tail(u uri.URI) chan struct{} {
	q.mu.Lock()
	defer q.mu.Unlock()
	if t := q.tails[u]; t != nil {
		return t
	}
	return closedChan
}

// orderMiddleware implements per-document ordering and releases the read
// loop (jsonrpc2.Async) for everything that may take time, so cancellation
// notifications are read while a request runs. initialize, shutdown and
// notifications without a document run inline, in wire order.
func (s *Server) orderMiddleware(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		method := req.Method()
		switch method {
		case protocol.MethodInitialize, protocol.MethodShutdown, protocol.MethodExit, protocol.MethodInitialized:
			return next(ctx, req)
		}
		u := paramsURI(req.Params())
		if !req.IsCall() {
			if u == "" {
				return next(ctx, req)
			}
			prev, done := s.queue.enqueue(u)
			defer s.queue.finish(u, done)
			jsonrpc2.Async(ctx)
			<-prev
			return next(ctx, req)
		}
		prev := closedChan
		if u != "" {
			prev = s.queue.tail(u)
		}
		jsonrpc2.Async(ctx)
		select {
		case <-prev:
		case <-ctx.Done():
			return nil, protocol.ErrRequestCancelled
		}
		return next(ctx, req)
	}
}

// paramsURI extracts params.textDocument.uri without decoding the rest of
// the params (a didOpen may carry megabytes of text).
func paramsURI(params []byte) uri.URI {
	if len(params) == 0 {
		return ""
	}
	dec := jsontext.NewDecoder(bytes.NewReader(params))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return ""
	}
	for dec.PeekKind() == '"' {
		key, err := dec.ReadToken()
		if err != nil {
			return ""
		}
		if key.String() != "textDocument" {
			if dec.SkipValue() != nil {
				return ""
			}
			continue
		}
		if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
			return ""
		}
		for dec.PeekKind() == '"' {
			k, err := dec.ReadToken()
			if err != nil {
				return ""
			}
			if k.String() == "uri" {
				v, err := dec.ReadToken()
				if err != nil || v.Kind() != '"' {
					return ""
				}
				return uri.URI(v.String())
			}
			if dec.SkipValue() != nil {
				return ""
			}
		}
		return ""
	}
	return ""
}
