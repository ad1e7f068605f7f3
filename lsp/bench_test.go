package lsp

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/spell-go/spell/bench/cputime"
)

// bigProgram returns a wrapper program of about n lines.
func bigProgram(n int) string {
	var b strings.Builder
	b.WriteString("(quine completion (eval (do\n  (quine prompt \"Summarise the repository.\")\n")
	for i := 0; i*8+3 < n; i++ {
		fmt.Fprintf(&b, `  (defn step-%d [xs n]
    (let [total (reduce + 0 xs)
          label (str "step " n " — ü 😀")]
      (if (> total %d)
        (strings/join ", " [label total])
        (map inc xs))))
  (def value-%d (step-%d [1 2 3] %d))
  (think "Plan %d: look at value-%d.")
`, i, i, i, i, i, i, i)
	}
	b.WriteString("  '(!call-now files (io/ls \".\")))))\n")
	return b.String()
}

// latencies collects the duration of each request of a benchmark and
// reports its percentiles. Run with at least 100 iterations so that p95 is
// meaningful, e.g.
//
//	go test ./lsp -run '^$' -bench 'LSP10k' -benchtime 200x
//
// Besides the wall-clock percentiles (which a loaded machine inflates) it
// reports cpu-ms/op: the CPU time of the whole process (server, in-process
// client, garbage collector) per request, which load does not change much.
type latencies struct {
	b    *testing.B
	lat  []time.Duration
	cpu0 time.Duration
}

func newLatencies(b *testing.B) *latencies {
	b.ReportAllocs()
	return &latencies{b: b, lat: make([]time.Duration, 0, 256), cpu0: cputime.Process()}
}

// time runs one request and records its duration.
func (l *latencies) time(f func() error) {
	t0 := time.Now()
	if err := f(); err != nil {
		l.b.Fatal(err)
	}
	l.lat = append(l.lat, time.Since(t0))
}

// report adds p50-ms, p95-ms and max-ms to the benchmark's result.
func (l *latencies) report() {
	if len(l.lat) < 100 {
		l.b.Logf("only %d samples: run with -benchtime 100x or more for a meaningful p95", len(l.lat))
	}
	l.b.ReportMetric(percentile(l.lat, 50), "p50-ms")
	l.b.ReportMetric(percentile(l.lat, 95), "p95-ms")
	l.b.ReportMetric(percentile(l.lat, 100), "max-ms")
	if n := len(l.lat); n > 0 && l.cpu0 > 0 {
		l.b.ReportMetric(float64(cputime.Process()-l.cpu0)/float64(n)/float64(time.Millisecond), "cpu-ms/op")
	}
}

// percentile returns the p-th percentile (nearest rank) of lat in ms.
func percentile(lat []time.Duration, p int) float64 {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100 // nearest rank, 1-based
	i = min(max(i, 1), len(s)) - 1
	return float64(s[i]) / float64(time.Millisecond)
}

func p95(lat []time.Duration) float64 { return percentile(lat, 95) }

const benchURI = uri.URI("file:///bench/big.spl")

func benchSession(b *testing.B) (*session, string) {
	s := newSession(b, sessionOpts{})
	text := bigProgram(10000)
	s.open(benchURI, text)
	s.waitDiags(benchURI, 1)
	return s, text
}

// positionOf returns the position of the i-th (0-based) occurrence of sub
// in text plus delta bytes; text before it on its line must be ASCII.
func positionOf(b *testing.B, text, sub string, i, delta int) protocol.Position {
	off := -1
	for k := 0; k <= i; k++ {
		j := strings.Index(text[off+1:], sub)
		if j < 0 {
			b.Fatalf("%q occurs fewer than %d times", sub, i+1)
		}
		off += 1 + j
	}
	off += delta
	line := strings.Count(text[:off], "\n")
	col := off - (strings.LastIndexByte(text[:off], '\n') + 1)
	return protocol.Position{Line: uint32(line), Character: uint32(col)}
}

// The LSP10k benchmarks measure each request kind on the 10,000 line
// wrapper program (issue 11: p95 <= 30 ms). Requests other than didChange
// run on an analysed, unchanged document; didChange measures an edit until
// its diagnostics are published (debounce disabled).

// BenchmarkLSP10kDidChangeDiagnostics measures an incremental edit of a
// 10,000 line file until its diagnostics are published.
func BenchmarkLSP10kDidChangeDiagnostics(b *testing.B) {
	s, _ := benchSession(b)
	l := newLatencies(b)
	version := int32(1)
	for b.Loop() {
		version++
		line := uint32(100 + int(version)%9000)
		l.time(func() error {
			err := s.server.DidChange(s.ctx, &protocol.DidChangeTextDocumentParams{
				TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: docID(benchURI), Version: version},
				ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangePartial{
					Range: protocol.Range{Start: protocol.Position{Line: line, Character: 2}, End: protocol.Position{Line: line, Character: 2}},
					Text:  " ",
				}},
			})
			s.waitDiags(benchURI, version)
			return err
		})
	}
	l.report()
}

// BenchmarkLSP10kCompletion measures completion requests inside symbols of
// a 10,000 line file.
func BenchmarkLSP10kCompletion(b *testing.B) {
	s, _ := benchSession(b)
	l := newLatencies(b)
	i := 0
	for b.Loop() {
		i++
		line := uint32(3 + (i*37)%9000)
		l.time(func() error {
			_, err := s.server.Completion(s.ctx, &protocol.CompletionParams{TextDocumentPositionParams: posParams(benchURI, protocol.Position{Line: line, Character: 6})})
			return err
		})
	}
	l.report()
}

// BenchmarkLSP10kHover measures hover requests on a 10,000 line file,
// alternately on a call of a user function and on a builtin.
func BenchmarkLSP10kHover(b *testing.B) {
	s, text := benchSession(b)
	const blocks = 10000 / 8
	l := newLatencies(b)
	i := 0
	for b.Loop() {
		i++
		k := (i * 37) % (blocks - 1)
		pos := positionOf(b, text, fmt.Sprintf("(step-%d [1 2 3]", k), 0, 2)
		if i%2 == 1 {
			pos = positionOf(b, text, "(reduce + 0 xs)", k, 2)
		}
		l.time(func() error {
			h, err := s.server.Hover(s.ctx, &protocol.HoverParams{TextDocumentPositionParams: posParams(benchURI, pos)})
			if err == nil && h == nil {
				err = fmt.Errorf("no hover at %v", pos)
			}
			return err
		})
	}
	l.report()
}

// BenchmarkLSP10kSemanticTokensFull measures full semantic tokens of a
// 10,000 line file.
func BenchmarkLSP10kSemanticTokensFull(b *testing.B) {
	s, _ := benchSession(b)
	l := newLatencies(b)
	for b.Loop() {
		l.time(func() error {
			t, err := s.server.SemanticTokensFull(s.ctx, &protocol.SemanticTokensParams{TextDocument: docID(benchURI)})
			if err == nil && (t == nil || len(t.Data) == 0) {
				err = fmt.Errorf("no semantic tokens")
			}
			return err
		})
	}
	l.report()
}

// BenchmarkLSP10kSemanticTokensDelta measures what an editor asks after
// each edit: an edit (its analysis done, untimed) then a full/delta
// request naming the previous result.
func BenchmarkLSP10kSemanticTokensDelta(b *testing.B) {
	s, _ := benchSession(b)
	st, err := s.server.SemanticTokensFull(s.ctx, &protocol.SemanticTokensParams{TextDocument: docID(benchURI)})
	if err != nil || st.ResultID == nil {
		b.Fatal(err)
	}
	prev := *st.ResultID
	version := int32(1)
	var lat []time.Duration
	cpu := time.Duration(0)
	for b.Loop() {
		version++
		line := uint32(100 + int(version)%9000)
		err := s.server.DidChange(s.ctx, &protocol.DidChangeTextDocumentParams{
			TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: docID(benchURI), Version: version},
			ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangePartial{
				Range: protocol.Range{Start: protocol.Position{Line: line, Character: 2}, End: protocol.Position{Line: line, Character: 2}},
				Text:  " ",
			}},
		})
		if err != nil {
			b.Fatal(err)
		}
		s.waitDiags(benchURI, version)
		c0, t0 := cputime.Process(), time.Now()
		res, err := s.server.SemanticTokensFullDelta(s.ctx, &protocol.SemanticTokensDeltaParams{TextDocument: docID(benchURI), PreviousResultID: prev})
		lat = append(lat, time.Since(t0))
		cpu += cputime.Process() - c0
		d, ok := res.(*protocol.SemanticTokensDelta)
		if err != nil || !ok || d.ResultID == nil {
			b.Fatalf("delta: %v %T", err, res)
		}
		prev = *d.ResultID
	}
	l := &latencies{b: b, lat: lat}
	l.report()
	b.ReportMetric(float64(cpu)/float64(len(lat))/float64(time.Millisecond), "cpu-ms/op")
}

// BenchmarkLSP10kFormatting measures whole-document formatting of a
// 10,000 line file.
func BenchmarkLSP10kFormatting(b *testing.B) {
	s, _ := benchSession(b)
	l := newLatencies(b)
	for b.Loop() {
		l.time(func() error {
			_, err := s.server.Formatting(s.ctx, &protocol.DocumentFormattingParams{TextDocument: docID(benchURI)})
			return err
		})
	}
	l.report()
}

// BenchmarkLSP10kDocumentSymbol measures the outline of a 10,000 line file.
func BenchmarkLSP10kDocumentSymbol(b *testing.B) {
	s, _ := benchSession(b)
	l := newLatencies(b)
	for b.Loop() {
		l.time(func() error {
			r, err := s.server.DocumentSymbol(s.ctx, &protocol.DocumentSymbolParams{TextDocument: docID(benchURI)})
			if err == nil && r == nil {
				err = fmt.Errorf("no document symbols")
			}
			return err
		})
	}
	l.report()
}

// BenchmarkLSP10kDefinition measures go to definition of calls of user
// functions spread over a 10,000 line file.
func BenchmarkLSP10kDefinition(b *testing.B) {
	s, text := benchSession(b)
	const blocks = 10000 / 8
	l := newLatencies(b)
	i := 0
	for b.Loop() {
		i++
		k := (i * 37) % (blocks - 1)
		pos := positionOf(b, text, fmt.Sprintf("(step-%d [1 2 3]", k), 0, 2)
		l.time(func() error {
			r, err := s.server.Definition(s.ctx, &protocol.DefinitionParams{TextDocumentPositionParams: posParams(benchURI, pos)})
			if err == nil && r == nil {
				err = fmt.Errorf("no definition of step-%d at %v", k, pos)
			}
			return err
		})
	}
	l.report()
}

// BenchmarkServerMemory reports the live heap of a server holding the
// analysed 10,000 line file.
func BenchmarkServerMemory(b *testing.B) {
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		s, _ := benchSession(b)
		_, _ = s.server.Hover(s.ctx, &protocol.HoverParams{TextDocumentPositionParams: posParams(benchURI, protocol.Position{Line: 3, Character: 5})})
		_, _ = s.server.SemanticTokensFull(s.ctx, &protocol.SemanticTokensParams{TextDocument: docID(benchURI)})
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "heap-MB")
		b.ReportMetric(float64(after.Sys)/(1<<20), "sys-MB")
		s.close()
	}
}

// BenchmarkEditBurst1MB: one op is 1,000 quick single-character edits
// (typing on one line) of a 1 MB document, sent over the protocol without
// waiting, followed by a hover on a user definition, which needs the
// analysis of the latest version. Reports the hover latency after the
// burst (hover-ms: from sending the hover to its answer), the analyses and
// parses per op, and the heap in use after the op. Default debounce.
func BenchmarkEditBurst1MB(b *testing.B) {
	s := newSession(b, sessionOpts{debounce: defaultDebounce})
	text := bigProgram(28500)
	if len(text) < 1<<20-50000 || len(text) > 1<<20+50000 {
		b.Fatalf("document is %d bytes, want about 1 MB", len(text))
	}
	s.open(benchURI, text)
	s.waitDiags(benchURI, 1)
	srv := s.serverSide()
	a0, p0 := srv.store.analyses.Load(), srv.store.parses.Load()
	var hover []time.Duration
	var peak uint64
	version := int32(1)
	line := uint32(1)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		line = (line + 997) % 28000
		version = s.typeChars(benchURI, version, 1000, line, 0)
		t0 := time.Now()
		h, err := s.server.Hover(s.ctx, &protocol.HoverParams{TextDocumentPositionParams: posParams(benchURI, protocol.Position{Line: 2, Character: 9})})
		if err != nil || h == nil {
			b.Fatalf("hover: %v %v", h, err)
		}
		hover = append(hover, time.Since(t0))
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	b.StopTimer()
	s.waitDiags(benchURI, version)
	n := float64(b.N)
	b.ReportMetric(p95(hover), "hover-p95-ms")
	b.ReportMetric(float64(srv.store.analyses.Load()-a0)/n, "analyses/op")
	b.ReportMetric(float64(srv.store.parses.Load()-p0)/n, "parses/op")
	b.ReportMetric(float64(peak)/(1<<20), "heap-inuse-MB")
}
