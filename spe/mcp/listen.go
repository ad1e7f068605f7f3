package spellmcp

import (
	"context"
	"fmt"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/spell-go/spell/eval/value"
)

// Sender binds mcp/listen-send's handle to the run's coordinator: it
// checks the handle at the call and returns the function that later
// delivers one message body to it (from :mcp-listen, effects.md §3.2).
type Sender func(handle value.Value) (func(body value.Value) error, error)

// Server notifications an agent can listen to (effects.md §10).
const (
	notifyToolsChanged     = "notifications/tools/list_changed"
	notifyPromptsChanged   = "notifications/prompts/list_changed"
	notifyResourcesChanged = "notifications/resources/list_changed"
	notifyResourceUpdated  = "notifications/resources/updated"
)

// listenFilter is the parsed filter of mcp/listen-send: which list
// changes and which resource URIs.
type listenFilter struct {
	listChanged map[string]bool // "tools" "prompts" "resources"
	uris        []string
}

func (f listenFilter) matches(method, uri string) bool {
	switch method {
	case notifyToolsChanged:
		return f.listChanged["tools"]
	case notifyPromptsChanged:
		return f.listChanged["prompts"]
	case notifyResourcesChanged:
		return f.listChanged["resources"]
	case notifyResourceUpdated:
		for _, u := range f.uris {
			if u == uri {
				return true
			}
		}
	}
	return false
}

type listener struct {
	filter listenFilter
	send   func(value.Value) error
}

// acks records what the server has acknowledged on its
// subscriptions/listen streams: the SDK sends the listen request without
// waiting, and a notification sent before the acknowledgement is lost,
// so Listen returns only once the server has agreed.
type acks struct {
	listChanged map[string]bool
	uris        map[string]bool
	changed     chan struct{} // closed and replaced on every ack
}

const notifySubscriptionsAck = "notifications/subscriptions/acknowledged"

// ackMiddleware observes the server's acknowledgements.
func (c *Conn) ackMiddleware(next sdk.MethodHandler) sdk.MethodHandler {
	return func(ctx context.Context, method string, req sdk.Request) (sdk.Result, error) {
		if method == notifySubscriptionsAck {
			if p, ok := req.GetParams().(*sdk.SubscriptionsAcknowledgedParams); ok && p != nil {
				c.acked(p.Notifications)
			}
		}
		return next(ctx, method, req)
	}
}

func (c *Conn) acked(n sdk.NotificationSubscriptions) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := &c.acks
	if a.listChanged == nil {
		a.listChanged, a.uris = map[string]bool{}, map[string]bool{}
	}
	a.listChanged["tools"] = a.listChanged["tools"] || n.ToolsListChanged
	a.listChanged["prompts"] = a.listChanged["prompts"] || n.PromptsListChanged
	a.listChanged["resources"] = a.listChanged["resources"] || n.ResourcesListChanged
	for _, u := range n.ResourceSubscriptions {
		a.uris[u] = true
	}
	if a.changed != nil {
		close(a.changed)
	}
	a.changed = make(chan struct{})
}

// awaitAcks waits until the server has acknowledged everything f selects.
func (c *Conn) awaitAcks(ctx context.Context, f listenFilter) error {
	for {
		c.mu.Lock()
		missing := ""
		for _, k := range listChangedKinds {
			if f.listChanged[k] && !c.acks.listChanged[k] {
				missing = k + " list changes"
			}
		}
		for _, u := range f.uris {
			if !c.acks.uris[u] {
				missing = "resource " + u
			}
		}
		if c.acks.changed == nil {
			c.acks.changed = make(chan struct{})
		}
		wait := c.acks.changed
		c.mu.Unlock()
		if missing == "" {
			return nil
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return fmt.Errorf("%w: %s did not acknowledge the subscription to %s", ErrTimeout, c.Alias, missing)
		}
	}
}

var listChangedKinds = []string{"prompts", "resources", "tools"}

// parseListenFilter reads a filter: a resource URI string, or a map with
// :resources (a vector of URIs) and :list-changed (a vector of :tools,
// :prompts, :resources); keys may be keywords or strings.
func parseListenFilter(v value.Value) (listenFilter, error) {
	f := listenFilter{listChanged: map[string]bool{}}
	bad := func(msg string) (listenFilter, error) {
		return listenFilter{}, &ArgumentError{Msg: "mcp/listen-send: " + msg + `; the filter is a resource URI or {:resources ["uri" …] :list-changed [:tools :prompts :resources]}`, Cause: ErrArguments}
	}
	if s, ok := v.(string); ok {
		f.uris = []string{s}
		return f, nil
	}
	m, ok := v.(*value.Map)
	if !ok {
		return bad("the filter must be a string or a map")
	}
	var err error
	m.Range(func(k, x value.Value) bool {
		key, _ := nameOf(k)
		switch key {
		case "resources":
			items, ok := seqItems(x)
			if !ok {
				_, err = bad(":resources must be a vector of URI strings")
				return false
			}
			for _, it := range items {
				u, ok := it.(string)
				if !ok || u == "" {
					_, err = bad(":resources must be a vector of URI strings")
					return false
				}
				f.uris = append(f.uris, u)
			}
		case "list-changed":
			items, ok := seqItems(x)
			if !ok {
				_, err = bad(":list-changed must be a vector")
				return false
			}
			for _, it := range items {
				kind, _ := nameOf(it)
				switch kind {
				case "tools", "prompts", "resources":
					f.listChanged[kind] = true
				default:
					_, err = bad(fmt.Sprintf(":list-changed takes :tools, :prompts or :resources, not %s", value.PrStr(it)))
					return false
				}
			}
		default:
			_, err = bad(fmt.Sprintf("unknown filter key %s", value.PrStr(k)))
			return false
		}
		return true
	})
	if err != nil {
		return listenFilter{}, err
	}
	if len(f.uris) == 0 && len(f.listChanged) == 0 {
		return bad("the filter selects no notification")
	}
	return f, nil
}

// Listen subscribes to the notifications filter selects and forwards each
// to send as {:server alias :notification {"method" … "params" …}}. The
// grant must allow :subscriptions and each resource URI; a list change
// needs the server's listChanged capability. Resource subscriptions go
// through the SDK (subscriptions/listen); list changes were opted in at
// connect, when the grant allows subscriptions.
func (c *Conn) Listen(ctx context.Context, filter value.Value, send func(value.Value) error) (value.Value, error) {
	if !c.Grant.Subscriptions {
		return nil, c.deny("subscriptions")
	}
	f, err := parseListenFilter(filter)
	if err != nil {
		return nil, err
	}
	for _, u := range f.uris {
		if !c.Grant.Resources.Allows(u) {
			return nil, c.deny("resource " + u)
		}
	}
	caps := c.Caps
	for _, kind := range listChangedKinds {
		if !f.listChanged[kind] {
			continue
		}
		has := false
		switch kind {
		case "tools":
			has = caps.Tools != nil && caps.Tools.ListChanged
		case "prompts":
			has = caps.Prompts != nil && caps.Prompts.ListChanged
		case "resources":
			has = caps.Resources != nil && caps.Resources.ListChanged
		}
		if !has {
			return failure(fmt.Errorf("%w: %s does not announce %s list changes", ErrUnsupported, c.Alias, kind)), nil
		}
	}
	if len(f.uris) > 0 && (caps.Resources == nil || !caps.Resources.Subscribe) {
		return failure(fmt.Errorf("%w: %s does not support resource subscriptions", ErrUnsupported, c.Alias)), nil
	}
	cctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	for _, u := range f.uris {
		if err := c.cs.Subscribe(cctx, &sdk.SubscribeParams{URI: u}); err != nil {
			return failure(c.wrap(cctx, "subscriptions/listen", err)), nil
		}
	}
	if err := c.awaitAcks(cctx, f); err != nil {
		return failure(err), nil
	}
	c.mu.Lock()
	c.listeners = append(c.listeners, listener{filter: f, send: send})
	c.mu.Unlock()
	var kinds []value.Value
	for _, k := range listChangedKinds {
		if f.listChanged[k] {
			kinds = append(kinds, k)
		}
	}
	uris := make([]value.Value, len(f.uris))
	for i, u := range f.uris {
		uris[i] = u
	}
	return envelope(true, value.NewMap("mcp/server", c.Alias, "mcp/operation", "subscriptions/listen",
		"resources", value.NewVector(uris), "listChanged", value.NewVector(kinds)), nil), nil
}

// notify forwards one server notification to the listeners whose filter
// selects it. It runs on the SDK's reader goroutine; delivery goes
// through the coordinator, which takes its own lock. A closed run drops
// the message (send fails).
func (c *Conn) notify(method string, params any) {
	uri := ""
	if p, ok := params.(*sdk.ResourceUpdatedNotificationParams); ok && p != nil {
		uri = p.URI
	}
	c.mu.Lock()
	var targets []func(value.Value) error
	for _, l := range c.listeners {
		if l.filter.matches(method, uri) {
			targets = append(targets, l.send)
		}
	}
	c.mu.Unlock()
	if len(targets) == 0 {
		return
	}
	p, err := c.toSpell(params)
	var body value.Value
	if err != nil {
		body = value.NewMap(value.Kw("server"), c.Alias, value.Kw("error"), c.red.Redact(fmt.Sprintf("%s: %v", method, err)))
	} else {
		body = value.NewMap(value.Kw("server"), c.Alias, value.Kw("notification"), value.NewMap("method", method, "params", p))
	}
	for _, send := range targets {
		_ = send(body)
	}
}

// notifyFailure tells every listener that the connection failed: its
// notifications stop ({:server alias :error msg}).
func (c *Conn) notifyFailure(err error) {
	c.mu.Lock()
	ls := c.listeners
	c.listeners = nil
	c.mu.Unlock()
	if len(ls) == 0 {
		return
	}
	body := value.NewMap(value.Kw("server"), c.Alias, value.Kw("error"), c.red.Redact(err.Error()))
	for _, l := range ls {
		_ = l.send(body)
	}
}

// listenOptions are the client's notification handlers: installed only
// when the grant allows subscriptions (the SDK then opts in to list
// changes the server announces).
func (c *Conn) listenOptions(o *sdk.ClientOptions) bool {
	if !c.Grant.Subscriptions {
		return false
	}
	o.ToolListChangedHandler = func(_ context.Context, r *sdk.ToolListChangedRequest) { c.notify(notifyToolsChanged, r.Params) }
	o.PromptListChangedHandler = func(_ context.Context, r *sdk.PromptListChangedRequest) { c.notify(notifyPromptsChanged, r.Params) }
	o.ResourceListChangedHandler = func(_ context.Context, r *sdk.ResourceListChangedRequest) {
		c.notify(notifyResourcesChanged, r.Params)
	}
	o.ResourceUpdatedHandler = func(_ context.Context, r *sdk.ResourceUpdatedNotificationRequest) {
		c.notify(notifyResourceUpdated, r.Params)
	}
	return true
}

// seqItems reads a vector or list.
func seqItems(v value.Value) ([]value.Value, bool) {
	switch x := v.(type) {
	case *value.Vector:
		return x.Slice(), true
	case *value.List:
		return x.Slice(), true
	}
	return nil, false
}
