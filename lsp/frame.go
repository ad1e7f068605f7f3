package lsp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"

	"go.lsp.dev/jsonrpc2"
)

// This file is the server's base-protocol framing (Content-Length headers).
// It replaces jsonrpc2's header stream on the reading side because that one
// ends the connection, silently, on the first broken frame, and allocates
// whatever length a header declares (up to 1 GiB).
//
// Policy (tooling.md §6 is silent; chosen here):
//   - A header block that cannot be used — no Content-Length, a value that is
//     not a decimal number (abc, -5), zero, one above the message size limit,
//     a header line longer than 4 KiB — is logged on stderr with the reason,
//     answered with a ParseError (-32700, id null) and skipped: the reader
//     resynchronises on the next "Content-Length:" in the input. The body of
//     the broken frame is discarded as it is scanned, never buffered.
//   - A body that is not a JSON-RPC message is logged and answered with
//     ParseError (-32700) or InvalidRequest (-32600), id null.
//   - The input ending inside a frame (a truncated header or body) is logged
//     and ends the server with exit code 1, as any end of input before exit.

// DefaultMaxMessageSize is the largest frame body the server reads (64 MiB).
const DefaultMaxMessageSize = 64 << 20

// maxHeaderLine bounds one header line.
const maxHeaderLine = 4096

// errBrokenFrame reports a header block the reader skipped.
var errBrokenFrame = errors.New("invalid frame header")

// frameStream implements jsonrpc2.Stream with LSP header framing and the
// recovery policy above.
type frameStream struct {
	in      *bufio.Reader
	out     io.Writer
	closer  io.Closer
	log     *slog.Logger
	maxBody int
	onWrite func(body []byte) // called after each message is written

	wmu sync.Mutex
}

func newFrameStream(rwc io.ReadWriteCloser, maxBody int, log *slog.Logger) *frameStream {
	if maxBody <= 0 {
		maxBody = DefaultMaxMessageSize
	}
	return &frameStream{in: bufio.NewReaderSize(rwc, maxHeaderLine), out: rwc, closer: rwc, log: log, maxBody: maxBody}
}

// Read returns the next JSON-RPC message. Broken frames and malformed bodies
// are answered and skipped; only the end of the input (or a read error) ends
// it.
func (s *frameStream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	resync := false
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		body, n, err := s.readFrame(resync)
		resync = false
		if errors.Is(err, errBrokenFrame) {
			s.log.Error("skipping a broken frame; resynchronising on the next Content-Length header", "reason", err)
			resync = true
			if werr := s.reply(ctx, jsonrpc2.ParseError, err.Error()); werr != nil {
				return nil, 0, werr
			}
			continue
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				s.log.Error("input ended inside a frame", "err", err)
			}
			return nil, 0, err
		}
		msg, err := jsonrpc2.DecodeMessage(body)
		if err == nil {
			return msg, n, nil
		}
		code := jsonrpc2.ParseError
		if errors.Is(err, jsonrpc2.ErrInvalidRequest) {
			code = jsonrpc2.InvalidRequest
		}
		s.log.Error("malformed message", "code", int64(code), "err", err)
		if werr := s.reply(ctx, code, "malformed message: "+err.Error()); werr != nil {
			return nil, 0, werr
		}
	}
}

// reply answers a message that could not be read (id null).
func (s *frameStream) reply(ctx context.Context, code jsonrpc2.Code, msg string) error {
	_, err := s.Write(ctx, jsonrpc2.NewResponse(jsonrpc2.ID{}, nil, jsonrpc2.NewError(code, msg)))
	return err
}

// readFrame reads one header block and its body. With resync set, input is
// skipped up to the next "Content-Length:" first.
func (s *frameStream) readFrame(resync bool) ([]byte, int64, error) {
	var consumed int64
	length := -1
	var bad error
	first := true
	if resync {
		skipped, err := s.skipToHeader()
		consumed += skipped
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, 0, io.EOF // nothing usable followed: a clean end
			}
			return nil, 0, err
		}
		// skipToHeader consumed "Content-Length:"; the rest of the line is
		// its value. The input ending here ends inside a header, not at a
		// frame boundary.
		line, err := s.headerLine()
		if errors.Is(err, io.EOF) {
			return nil, 0, fmt.Errorf("header: %w", io.ErrUnexpectedEOF)
		}
		if err != nil {
			return nil, 0, err
		}
		consumed += int64(len(line))
		_, value, _ := cutHeader(append([]byte{':'}, trimLine(line)...))
		length, bad = s.parseLength(value)
		first = false
	}
	for {
		line, err := s.headerLine()
		if err != nil {
			if errors.Is(err, io.EOF) && first {
				return nil, 0, io.EOF
			}
			if errors.Is(err, io.EOF) {
				return nil, 0, fmt.Errorf("header: %w", io.ErrUnexpectedEOF)
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				return nil, 0, fmt.Errorf("%w: header line longer than %d bytes", errBrokenFrame, maxHeaderLine)
			}
			return nil, 0, err
		}
		first = false
		consumed += int64(len(line))
		l := trimLine(line)
		if len(l) == 0 {
			break
		}
		name, value, ok := cutHeader(l)
		if !ok {
			if bad == nil {
				bad = fmt.Errorf("%w: header line %s has no colon", errBrokenFrame, clipHeader(l))
			}
			continue
		}
		if asciiEqualFold(name, "content-length") {
			length, bad = s.parseLength(value)
		}
	}
	if bad != nil {
		return nil, 0, bad
	}
	if length < 0 {
		return nil, 0, fmt.Errorf("%w: no Content-Length", errBrokenFrame)
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(s.in, body); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, 0, fmt.Errorf("body shorter than Content-Length %d: %w", length, io.ErrUnexpectedEOF)
		}
		return nil, 0, err
	}
	return body, consumed + int64(length), nil
}

// parseLength validates a Content-Length value.
func (s *frameStream) parseLength(value []byte) (int, error) {
	n, err := strconv.ParseInt(string(value), 10, 64)
	switch {
	case err != nil && errors.Is(err, strconv.ErrRange):
		return -1, fmt.Errorf("%w: Content-Length %s is larger than the limit of %d bytes", errBrokenFrame, clipHeader(value), s.maxBody)
	case err != nil || len(value) == 0 || value[0] == '+':
		return -1, fmt.Errorf("%w: Content-Length %s is not a number", errBrokenFrame, clipHeader(value))
	case n < 0:
		return -1, fmt.Errorf("%w: Content-Length %d is negative", errBrokenFrame, n)
	case n == 0:
		return -1, fmt.Errorf("%w: Content-Length is 0", errBrokenFrame)
	case n > int64(s.maxBody):
		return -1, fmt.Errorf("%w: Content-Length %d is larger than the limit of %d bytes", errBrokenFrame, n, s.maxBody)
	}
	return int(n), nil
}

// headerLine reads one line including its '\n'.
func (s *frameStream) headerLine() ([]byte, error) {
	line, err := s.in.ReadSlice('\n')
	if err == nil {
		return line, nil
	}
	if errors.Is(err, io.EOF) && len(line) > 0 {
		return nil, fmt.Errorf("header: %w", io.ErrUnexpectedEOF)
	}
	if errors.Is(err, bufio.ErrBufferFull) {
		// Drop the rest of the overlong line so the next read starts fresh.
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = s.in.ReadSlice('\n')
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		return nil, bufio.ErrBufferFull
	}
	return nil, err
}

const contentLengthKey = "content-length:"

// skipToHeader discards input up to and including the next
// "Content-Length:" (ASCII case-insensitive) and reports how many bytes it
// consumed.
func (s *frameStream) skipToHeader() (int64, error) {
	var n int64
	k := 0
	for {
		c, err := s.in.ReadByte()
		if err != nil {
			return n, err
		}
		n++
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		switch {
		case c == contentLengthKey[k]:
			k++
			if k == len(contentLengthKey) {
				return n, nil
			}
		case c == contentLengthKey[0]:
			k = 1 // "c" does not recur in the key, so a restart is exact
		default:
			k = 0
		}
	}
}

// Write frames msg and writes it with one Write call.
func (s *frameStream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	body, err := jsonrpc2.EncodeMessage(msg)
	if err != nil {
		return 0, err
	}
	buf := make([]byte, 0, len(body)+32)
	buf = append(buf, "Content-Length: "...)
	buf = strconv.AppendInt(buf, int64(len(body)), 10)
	buf = append(buf, "\r\n\r\n"...)
	buf = append(buf, body...)
	s.wmu.Lock()
	n, err := s.out.Write(buf)
	s.wmu.Unlock()
	if s.onWrite != nil {
		s.onWrite(body)
	}
	return int64(n), err
}

// Close closes the underlying stream.
func (s *frameStream) Close() error { return s.closer.Close() }

func trimLine(line []byte) []byte {
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line
}

func cutHeader(line []byte) (name, value []byte, ok bool) {
	for i, c := range line {
		if c == ':' {
			name, value = line[:i], line[i+1:]
			for len(value) > 0 && (value[0] == ' ' || value[0] == '\t') {
				value = value[1:]
			}
			for len(value) > 0 && (value[len(value)-1] == ' ' || value[len(value)-1] == '\t') {
				value = value[:len(value)-1]
			}
			return name, value, true
		}
	}
	return nil, nil, false
}

func asciiEqualFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// clipHeader shortens a header value for a message and replaces bytes
// other than printable ASCII with '?'.
func clipHeader(b []byte) string {
	const max = 40
	out := make([]byte, 0, max+3)
	for i, c := range b {
		if i == max {
			return string(out) + "…"
		}
		if c < ' ' || c > '~' {
			c = '?'
		}
		out = append(out, c)
	}
	return string(out)
}
