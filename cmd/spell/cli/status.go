package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/spell-go/spell/spe"
)

// statusLine draws `turn N · depth D · tokens T · $C · 12.3s` in place on
// a terminal while a model call is pending, and erases it before any other
// output (runtime.md §12.2). It draws nothing when stderr is not a
// terminal, so captured output (tests, CI) stays clean.
type statusLine struct {
	mu      sync.Mutex
	w       io.Writer
	start   time.Time
	info    spe.ProgressInfo
	pending bool
	stop    chan struct{}
	shown   bool
	tty     int8 // 1 w is a terminal, -1 not, 0 not checked yet
}

// newStatusLine returns nil unless w is a file. Whether it is a terminal
// is checked at the first model call: a run that calls no model does not
// stat it (issue 11, start-up); on any other file the line draws nothing.
func newStatusLine(w io.Writer) *statusLine {
	if _, ok := w.(*os.File); !ok {
		return nil
	}
	return &statusLine{w: w, start: time.Now()}
}

// update is the runtime's progress callback.
func (s *statusLine) update(pending bool, p spe.ProgressInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tty == 0 && pending {
		s.tty = -1
		if st, err := s.w.(*os.File).Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			s.tty = 1
		}
	}
	if s.tty <= 0 {
		return // not a terminal, or nothing drawn yet
	}
	s.info, s.pending = p, pending
	if pending && s.stop == nil {
		s.stop = make(chan struct{})
		go s.loop(s.stop)
	}
	if !pending {
		if s.stop != nil {
			close(s.stop)
			s.stop = nil
		}
		s.eraseLocked()
	}
}

func (s *statusLine) loop(stop chan struct{}) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		s.mu.Lock()
		if s.pending {
			p := s.info
			fmt.Fprintf(s.w, "\r\x1b[Kturn %d · depth %d · tokens %d · $%.4f · %.1fs", p.Turn, p.Depth, p.Tokens, p.Cost, time.Since(s.start).Seconds())
			s.shown = true
		}
		s.mu.Unlock()
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

func (s *statusLine) eraseLocked() {
	if s.shown {
		fmt.Fprint(s.w, "\r\x1b[K")
		s.shown = false
	}
}

// close erases the line and stops drawing.
func (s *statusLine) close() {
	if s == nil {
		return
	}
	s.update(false, s.info)
}
