// Package human is the human provider (`--model human`, alias `user`,
// runtime.md §8.5): it prints the call to a writer (stderr) and reads the
// suffix from a reader (stdin) until a line containing only `.` or the end
// of input. Usage and cost are zero.
package human

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spell-go/spell/spe/provider"
)

// Provider is the human provider. Calls are served one at a time.
type Provider struct {
	Out     io.Writer
	Verbose bool // also print the system prompt

	in    io.Reader
	once  sync.Once
	lines chan line
	mu    sync.Mutex // one call at a time
	eof   bool
}

type line struct {
	text string
	err  error // io.EOF or a read error; text is then a final partial line
}

// New returns a human provider reading from in and printing to out.
func New(in io.Reader, out io.Writer, verbose bool) *Provider {
	return &Provider{in: in, Out: out, Verbose: verbose}
}

// Name is "human".
func (p *Provider) Name() string { return "human" }

// start reads input lines in one goroutine so a call can stop waiting when
// its context ends without losing the lines that arrive later.
func (p *Provider) start() {
	p.once.Do(func() {
		p.lines = make(chan line)
		go func() {
			br := bufio.NewReader(p.in)
			for {
				s, err := br.ReadString('\n')
				if err != nil {
					p.lines <- line{s, err}
					close(p.lines)
					return
				}
				p.lines <- line{s, nil}
			}
		}()
	})
}

// Complete prints the header, (with Verbose) the system prompt, and the
// prefix, then reads the suffix.
func (p *Provider) Complete(ctx context.Context, req *provider.Request) (*provider.Response, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	start := time.Now()
	var b strings.Builder
	fmt.Fprintf(&b, "=== model call %s/%d (%s) ===\n", req.Handle, req.CallNumber, req.Kind)
	if p.Verbose && req.System != "" {
		b.WriteString("--- system prompt ---\n")
		b.WriteString(req.System)
		if !strings.HasSuffix(req.System, "\n") {
			b.WriteByte('\n')
		}
	}
	b.WriteString("--- prefix ---\n")
	b.WriteString(req.Prefix)
	b.WriteString("\n--- type the suffix; end with a line holding only \".\" or end of input ---\n")
	if _, err := io.WriteString(p.Out, b.String()); err != nil {
		return nil, &provider.Error{Provider: "human", Msg: err.Error(), Err: err}
	}
	if p.eof {
		return nil, &provider.Error{Provider: "human", Msg: "end of input"}
	}
	p.start()
	var got []string
	for {
		select {
		case <-ctx.Done():
			return nil, &provider.Error{Provider: "human", Msg: ctx.Err().Error(), Err: ctx.Err()}
		case l, ok := <-p.lines:
			if !ok {
				p.eof = true
				return p.finish(got, start, true)
			}
			text := strings.TrimSuffix(strings.TrimSuffix(l.text, "\n"), "\r")
			if l.err != nil {
				if l.err != io.EOF {
					return nil, &provider.Error{Provider: "human", Msg: l.err.Error(), Err: l.err}
				}
				if l.text != "" && text != "." {
					got = append(got, text)
				}
				p.eof = true
				return p.finish(got, start, true)
			}
			if text == "." {
				return p.finish(got, start, false)
			}
			got = append(got, text)
		}
	}
}

func (p *Provider) finish(got []string, start time.Time, eof bool) (*provider.Response, error) {
	if eof && len(got) == 0 {
		// Nothing typed before the end of input: the run cannot go on.
		return nil, &provider.Error{Provider: "human", Msg: "end of input"}
	}
	return &provider.Response{
		Suffix:         strings.Join(got, "\n"),
		StopReason:     "end_turn",
		EffectiveModel: "human",
		Attempts:       1,
		Latency:        time.Since(start),
	}, nil
}
