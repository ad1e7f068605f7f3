package lsp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
)

// rwBuffer is an in-memory stream: reads come from in, writes go to out.
type rwBuffer struct {
	in  io.Reader
	out bytes.Buffer
}

func (b *rwBuffer) Read(p []byte) (int, error)  { return b.in.Read(p) }
func (b *rwBuffer) Write(p []byte) (int, error) { return b.out.Write(p) }
func (b *rwBuffer) Close() error                { return nil }

func lspFrame(body string) string {
	return "Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
}

// readAll reads messages until the stream ends and returns them with the
// terminating error. The number of reads is bounded by the input size.
func readAll(t testing.TB, input []byte, maxBody int) ([]jsonrpc2.Message, *rwBuffer, error) {
	rw := &rwBuffer{in: bytes.NewReader(input)}
	s := newFrameStream(rw, maxBody, slog.New(slog.DiscardHandler))
	var msgs []jsonrpc2.Message
	for i := 0; ; i++ {
		if i > len(input)+1 {
			t.Fatalf("more messages than input bytes")
		}
		m, _, err := s.Read(context.Background())
		if err != nil {
			return msgs, rw, err
		}
		msgs = append(msgs, m)
	}
}

// checkReplies checks that everything the stream wrote back is a sequence
// of well-formed frames holding error responses with id null.
func checkReplies(t testing.TB, out []byte) int {
	r := bufio.NewReader(bytes.NewReader(out))
	n := 0
	for {
		body, err := readFrame(r)
		if errors.Is(err, io.EOF) && body == "" {
			return n
		}
		if err != nil {
			t.Fatalf("reply %d is not a frame: %v in %q", n, err, out)
		}
		if !strings.HasPrefix(body, `{"jsonrpc":"2.0","id":null,"error":{"code":-32`) {
			t.Fatalf("reply %d = %s", n, body)
		}
		n++
	}
}

func TestFrameResync(t *testing.T) {
	exit := `{"jsonrpc":"2.0","method":"exit"}`
	in := "Content-Length: abc\r\n\r\n{\"x\":1}" + lspFrame(`{bad json`) + "content-LENGTH:  -3\r\n\r\n" + lspFrame(exit)
	msgs, rw, err := readAll(t, []byte(in), 0)
	if !errors.Is(err, io.EOF) {
		t.Fatalf("err = %v, want EOF", err)
	}
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1 (exit)", len(msgs))
	}
	if n := checkReplies(t, rw.out.Bytes()); n != 3 {
		t.Fatalf("%d error replies, want 3:\n%s", n, rw.out.String())
	}
}

func TestFrameLimit(t *testing.T) {
	body := `{"jsonrpc":"2.0","method":"exit","params":{"pad":"` + strings.Repeat("x", 200) + `"}}`
	msgs, rw, _ := readAll(t, []byte(lspFrame(body)+lspFrame(`{"jsonrpc":"2.0","method":"exit"}`)), 100)
	if len(msgs) != 1 || checkReplies(t, rw.out.Bytes()) != 1 {
		t.Fatalf("messages %d, replies %q", len(msgs), rw.out.String())
	}
	if !strings.Contains(rw.out.String(), "larger than the limit of 100 bytes") {
		t.Fatalf("reply does not give the limit: %s", rw.out.String())
	}
}

// FuzzFrameStream: arbitrary input never panics or loops, every reply is a
// well-formed frame, and a well-formed frame after input that ends at a
// header boundary is still read.
func FuzzFrameStream(f *testing.F) {
	for _, s := range []string{
		lspFrame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`),
		"Content-Length: abc\r\n\r\n{}",
		"Content-Length: -5\r\n\r\n{}",
		"Content-Length: 99999999999999999999\r\n\r\n{}",
		"Content-Length: 10\r\n\r\n{\"a\"",
		"Content-Type: x\r\n\r\n",
		lspFrame(`{not json`),
		lspFrame(`[]`),
		"\r\n\r\n",
		"content-length:5\n\n12345",
		"Content-Length 3\r\n\r\nabc",
		"X: " + strings.Repeat("y", 5000) + "\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	exit := lspFrame(`{"jsonrpc":"2.0","method":"exit"}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		msgs, rw, err := readAll(t, data, 1<<16)
		if err == nil {
			t.Fatal("stream ended without error")
		}
		checkReplies(t, rw.out.Bytes())
		for _, m := range msgs {
			if _, err := jsonrpc2.EncodeMessage(m); err != nil {
				t.Fatalf("decoded message does not encode: %v", err)
			}
		}
		// Input that ended cleanly (at a frame boundary, or while skipping
		// a broken frame) followed by a good frame: the good frame is read.
		if errors.Is(err, io.EOF) {
			msgs2, _, _ := readAll(t, append(append([]byte(nil), data...), exit...), 1<<16)
			if len(msgs2) != len(msgs)+1 {
				t.Fatalf("good frame after clean input not read: %d then %d messages", len(msgs), len(msgs2))
			}
			if r, ok := msgs2[len(msgs)].(*jsonrpc2.Notification); !ok || r.Method() != "exit" {
				t.Fatalf("last message = %#v, want exit", msgs2[len(msgs)])
			}
		}
	})
}
