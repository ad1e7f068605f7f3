package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/web/webconf"
)

// webCallCommand is the hidden command `spell web-call` of NetBinary: one
// web/ call of a run that spell runs (webProxy). It reads a webRequest on
// stdin and writes a webResponse on stdout.
func webCallCommand() *cmdline.Command {
	return &cmdline.Command{
		Name:   "web-call",
		Hidden: true,
		Usage:  "one web/ call for spell (internal)",
		Action: func(ctx context.Context, c *cmdline.Command) error {
			if netParts == nil || netParts.Effects.Web == nil {
				return execNet(c, "spell web-call", "web/")
			}
			var req webRequest
			if err := json.NewDecoder(c.Root().Reader).Decode(&req); err != nil {
				return &exitError{code: 2, msg: "spell web-call: " + err.Error()}
			}
			resp := serveWeb(ctx, netParts.Effects.Web, req)
			enc := json.NewEncoder(c.Root().Writer)
			enc.SetEscapeHTML(false)
			return enc.Encode(resp)
		},
	}
}

// webRequest is one web/ call: the member's name, its arguments in
// readable form (pr-str) and the namespace's settings.
type webRequest struct {
	Member          string   `json:"member"`
	Args            []string `json:"args"`
	UserDir         string   `json:"user_dir"`
	ProjectDir      string   `json:"project_dir"`
	AllowPrivateNet bool     `json:"allow_private_net"`
	Version         string   `json:"version"`
	SerperKey       string   `json:"serper_key,omitempty"`
}

// webResponse is the call's value in readable form, or its error.
type webResponse struct {
	Value *string `json:"value,omitempty"`
	Error *string `json:"error,omitempty"`
}

// serveWeb makes the call of req with the web/ implementation open.
func serveWeb(ctx context.Context, open func(spe.WebSetup) (*value.Map, error), req webRequest) webResponse {
	fail := func(err error) webResponse { msg := err.Error(); return webResponse{Error: &msg} }
	getenv := func(k string) string {
		if k == webconf.SerperKeyEnv {
			return req.SerperKey
		}
		return ""
	}
	ns, err := open(spe.WebSetup{UserDir: req.UserDir, ProjectDir: req.ProjectDir, AllowPrivateNet: req.AllowPrivateNet, Getenv: getenv, Version: req.Version})
	if err != nil {
		return fail(err)
	}
	m, _ := ns.Get(value.Kw(strings.TrimPrefix(req.Member, "web/")))
	b, ok := m.(*eval.Builtin)
	if !ok {
		return fail(fmt.Errorf("%s: no such member", req.Member))
	}
	args := make([]value.Value, len(req.Args))
	for i, a := range req.Args {
		if args[i], err = eval.ReadString(a); err != nil {
			return fail(fmt.Errorf("%s: argument %d: %w", req.Member, i+1, err))
		}
	}
	v, err := b.Fn(nil, args)
	if err != nil {
		return fail(err)
	}
	s := value.PrStr(v)
	return webResponse{Value: &s}
}

// webProxy is spell's web/ namespace: web.edn is read (and its errors
// reported) when the run opens, as NetBinary reads it; each member call
// goes through the run's hook to `NetBinary web-call`, which makes it.
func webProxy(s spe.WebSetup) (*value.Map, error) {
	build, err := webProxyOpen(s)
	if err != nil {
		return nil, err
	}
	return build(), nil
}

// webProxyOpen is webProxy in two steps (spe.NetEffects.WebOpen): web.edn
// is read now from the directories that exist (each call reads it again
// from both), the map built when a program first uses web/. The
// calls' request is made with the map: every run opens web/, few use it,
// and a closure holding s alone (80 bytes) is of a size class a start
// already uses, one holding the request too (192) is not (issue 11,
// start-up).
func webProxyOpen(s spe.WebSetup) (func() *value.Map, error) {
	if _, err := webconf.LoadSettings(s.Existing.User, s.Existing.Project); err != nil {
		return nil, err
	}
	return func() *value.Map { return webProxyMap(s) }, nil
}

func webProxyMap(s spe.WebSetup) *value.Map {
	req := webRequest{UserDir: s.UserDir, ProjectDir: s.ProjectDir, AllowPrivateNet: s.AllowPrivateNet, Version: s.Version}
	if s.Getenv != nil {
		req.SerperKey = s.Getenv(webconf.SerperKeyEnv)
	}
	m, _ := webconf.Shape(func(e catalog.Entry) (*eval.Builtin, error) {
		name := e.Name
		b := eval.NewFn(name, func(c *eval.Call, args []value.Value) (value.Value, error) {
			ctx := context.Background()
			if c != nil && c.In != nil && c.In.Context() != nil {
				ctx = c.In.Context()
			}
			run := func() (value.Value, error) { return webCall(ctx, req, name, args) }
			if s.Hook != nil {
				return s.Hook(ctx, name, args, run)
			}
			return run()
		})
		b.Min, b.Max = e.MinArgs, e.MaxArgs
		return b, nil
	})
	return m // the member function above fails for none
}

// errWebCall is the cause of a web/ call that NetBinary could not answer.
var errWebCall = errors.New("web/ call failed")

// webCall makes one web/ call in NetBinary.
func webCall(ctx context.Context, req webRequest, name string, args []value.Value) (value.Value, error) {
	path, err := findSibling(NetBinary)
	if err != nil {
		return nil, errors.New(notInstalled(name))
	}
	req.Member = name
	for _, a := range args {
		req.Args = append(req.Args, value.PrStr(a))
	}
	in, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, path, "web-call")
	cmd.Stdin = bytes.NewReader(in)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	// The child gets this process's environment: the secrets Protect
	// moved out stay out (the Serper key travels in the request).
	cmd.Env = os.Environ()
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var resp webResponse
	if err := json.NewDecoder(&out).Decode(&resp); err != nil && !errors.Is(err, io.EOF) || resp.Value == nil && resp.Error == nil {
		msg := strings.TrimSpace(errOut.String())
		if msg == "" && runErr != nil {
			msg = runErr.Error()
		}
		return nil, fmt.Errorf("%s: %w: %s", name, errWebCall, msg)
	}
	if resp.Error != nil {
		return nil, errors.New(*resp.Error)
	}
	return eval.ReadString(*resp.Value)
}
