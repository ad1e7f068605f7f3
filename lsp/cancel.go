package lsp

import (
	"context"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// requestContext is the context handlers receive: cancellation comes from
// a context derived from the connection (never from jsonrpc2's pooled
// per-request context, which is recycled when the handler returns and must
// not be watched by context goroutines), values come from the request
// context first (jsonrpc2.Async needs its release token).
type requestContext struct {
	context.Context
	req context.Context
}

func (c requestContext) Value(key any) any {
	if v := c.req.Value(key); v != nil {
		return v
	}
	return c.Context.Value(key)
}

// canceller tracks the in-flight calls by id.
type canceller struct {
	mu       sync.Mutex
	inflight map[jsonrpc2.ID]context.CancelFunc
}

// cancelMiddleware gives every call a cancellable context and honours
// $/cancelRequest with numeric or string ids. A cancelled call answers
// RequestCancelled (-32800).
func (s *Server) cancelMiddleware(next jsonrpc2.Handler) jsonrpc2.Handler {
	c := &canceller{inflight: map[jsonrpc2.ID]context.CancelFunc{}}
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		if req.Method() == protocol.MethodCancelRequest {
			var p protocol.CancelParams
			if err := protocol.Unmarshal(req.Params(), &p); err != nil {
				return nil, nil
			}
			var id jsonrpc2.ID
			switch v := p.ID.(type) {
			case protocol.Integer:
				id = jsonrpc2.NewNumberID(int64(v))
			case protocol.String:
				id = jsonrpc2.NewStringID(string(v))
			default:
				return nil, nil
			}
			c.mu.Lock()
			cancel := c.inflight[id]
			c.mu.Unlock()
			if cancel != nil {
				cancel()
			}
			return nil, nil
		}
		base, cancel := context.WithCancel(jsonrpc2.DetachContext(ctx))
		defer cancel()
		if req.IsCall() {
			id := req.ID()
			c.mu.Lock()
			c.inflight[id] = cancel
			c.mu.Unlock()
			defer func() {
				c.mu.Lock()
				delete(c.inflight, id)
				c.mu.Unlock()
			}()
		}
		res, err := next(requestContext{Context: base, req: ctx}, req)
		if req.IsCall() && base.Err() != nil && s.ctx.Err() == nil {
			return nil, protocol.ErrRequestCancelled
		}
		return res, err
	}
}
