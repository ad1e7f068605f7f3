// Package replay is the replay provider (`--model replay:PATH`,
// runtime.md §13): the n-th call of handle h returns the transcript entry
// `h/n.completion`. It needs no key and makes no network access.
package replay

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/transcript"
)

// ActualDirName is the folder, beside the transcript, where the actual
// prompts are written when SPELL_UPDATE=1 (tooling.md §8).
const ActualDirName = ".spell-actual"

// Provider serves completions from a transcript. It is safe for
// concurrent use by several handles.
type Provider struct {
	T *transcript.Transcript
	// Strict: a prompt that differs from its `.prompt` entry is an error
	// (else a warning), and Finish fails on unused completions.
	Strict bool
	// Update (SPELL_UPDATE=1): write every actual prompt to
	// ActualDir/<handle>/<n>.prompt. Prompt mismatches are then warnings
	// even in strict mode, so the run goes on and every prompt is written.
	Update bool
	// ActualDir defaults to <dir of the transcript>/.spell-actual.
	ActualDir string
	// Sleep waits for a `.delay` entry; nil waits in real time honouring
	// ctx. A deterministic scheduler replaces it (virtual time).
	Sleep func(ctx context.Context, d time.Duration) error
	// OnWarning, when set, is called with each warning as it happens.
	OnWarning func(msg string)

	mu       sync.Mutex
	warnings []string
}

// Open loads the transcript at path (a txtar file or a directory). Update
// is taken from the environment variable SPELL_UPDATE ("1").
func Open(path string, strict bool) (*Provider, error) {
	t, err := transcript.Load(path)
	if err != nil {
		return nil, &provider.Error{Provider: "replay", Msg: err.Error(), Err: err}
	}
	return New(t, strict), nil
}

// New returns a replay provider over a loaded transcript.
func New(t *transcript.Transcript, strict bool) *Provider {
	return &Provider{T: t, Strict: strict, Update: os.Getenv("SPELL_UPDATE") == "1"}
}

// Name is "replay".
func (p *Provider) Name() string { return "replay" }

// Complete returns the completion of call req.CallNumber of req.Handle.
func (p *Provider) Complete(ctx context.Context, req *provider.Request) (*provider.Response, error) {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return nil, &provider.Error{Provider: "replay", Msg: err.Error(), Err: err}
	}
	h, n := req.Handle, req.CallNumber
	id := fmt.Sprintf("%s/%d", h, n)
	if p.Update {
		if err := transcript.WriteDirEntry(p.actualDir(), h, n, transcript.KindPrompt, req.Prefix); err != nil {
			return nil, &provider.Error{Provider: "replay", Msg: "writing actual prompt: " + err.Error(), Err: err}
		}
	}
	completion, ok := p.T.Completion(h, n)
	if !ok {
		return nil, &provider.Error{Provider: "replay",
			Msg: fmt.Sprintf("no completion for %s; the prompt was:\n%s", id, req.Prefix)}
	}
	if want, ok := p.T.Prompt(h, n); ok && want != req.Prefix {
		d := string(diff.Diff(id+".prompt (transcript)", []byte(want), id+".prompt (actual)", []byte(req.Prefix)))
		msg := fmt.Sprintf("prompt mismatch for %s:\n%s", id, strings.TrimRight(d, "\n"))
		if p.Strict && !p.Update {
			return nil, &provider.Error{Provider: "replay", Msg: msg}
		}
		p.warn("replay: " + msg)
	}
	if d, ok := p.T.Delay(h, n); ok && d > 0 {
		sleep := p.Sleep
		if sleep == nil {
			sleep = provider.SystemClock{}.Sleep
		}
		if err := sleep(ctx, d); err != nil {
			return nil, &provider.Error{Provider: "replay", Msg: err.Error(), Err: err}
		}
	}
	p.T.MarkUsed(h, n)
	return &provider.Response{
		Suffix:         completion,
		StopReason:     "end_turn",
		EffectiveModel: "replay",
		Attempts:       1,
		Latency:        time.Since(start),
	}, nil
}

// Finish checks that every completion was served: in strict mode unused
// entries are an error `replay: unused entries: main/3.completion, …`;
// otherwise they become a warning (see Warnings).
func (p *Provider) Finish() error {
	unused := p.T.Unused()
	if len(unused) == 0 {
		return nil
	}
	msg := "unused entries: " + strings.Join(unused, ", ")
	if p.Strict {
		return &provider.Error{Provider: "replay", Msg: msg}
	}
	p.warn("replay: " + msg)
	return nil
}

// Warnings returns the warnings so far (prompt mismatches outside strict
// mode, unused entries reported by a non-strict Finish).
func (p *Provider) Warnings() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.warnings...)
}

func (p *Provider) warn(msg string) {
	p.mu.Lock()
	p.warnings = append(p.warnings, msg)
	f := p.OnWarning
	p.mu.Unlock()
	if f != nil {
		f(msg)
	}
}

func (p *Provider) actualDir() string {
	if p.ActualDir != "" {
		return p.ActualDir
	}
	return filepath.Join(p.T.Dir(), ActualDirName)
}

// MarkUsed records that the completion of handle's n-th call was served
// some other way (a resumed run serves recorded turns from its trace), so
// Finish does not report it as unused.
func (p *Provider) MarkUsed(handle string, n int) { p.T.MarkUsed(handle, n) }
