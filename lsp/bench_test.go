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

func p95(lat []time.Duration) float64 {
	if len(lat) == 0 {
		return 0
	}
	slices.Sort(lat)
	return float64(lat[(len(lat)*95)/100]) / float64(time.Millisecond)
}

const benchURI = uri.URI("file:///bench/big.spl")

func benchSession(b *testing.B) (*session, string) {
	s := newSession(b, sessionOpts{})
	text := bigProgram(10000)
	s.open(benchURI, text)
	s.waitDiags(benchURI, 1)
	return s, text
}

// BenchmarkDiagnosticsAfterEdit measures an incremental edit of a 10,000
// line file until its diagnostics are published (debounce disabled).
func BenchmarkDiagnosticsAfterEdit(b *testing.B) {
	s, _ := benchSession(b)
	var lat []time.Duration
	version := int32(1)
	for b.Loop() {
		version++
		line := uint32(100 + int(version)%9000)
		t0 := time.Now()
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
		lat = append(lat, time.Since(t0))
	}
	b.ReportMetric(p95(lat), "p95-ms")
}

// BenchmarkCompletion measures completion requests at the start of symbols
// of a 10,000 line file, over the protocol.
func BenchmarkCompletion(b *testing.B) {
	s, _ := benchSession(b)
	var lat []time.Duration
	i := 0
	for b.Loop() {
		i++
		line := uint32(3 + (i*37)%9000)
		t0 := time.Now()
		_, err := s.server.Completion(s.ctx, &protocol.CompletionParams{TextDocumentPositionParams: posParams(benchURI, protocol.Position{Line: line, Character: 6})})
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.ReportMetric(p95(lat), "p95-ms")
}

// BenchmarkHover measures hover requests over the protocol on a 10,000
// line file.
func BenchmarkHover(b *testing.B) {
	s, _ := benchSession(b)
	var lat []time.Duration
	i := 0
	for b.Loop() {
		i++
		line := uint32(3 + (i*37)%9000)
		t0 := time.Now()
		_, err := s.server.Hover(s.ctx, &protocol.HoverParams{TextDocumentPositionParams: posParams(benchURI, protocol.Position{Line: line, Character: 5})})
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.ReportMetric(p95(lat), "p95-ms")
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
