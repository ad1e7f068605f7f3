package eval

import (
	"regexp"
	"sync"
)

// LazyRegexp is a regular expression compiled at its first use. A
// package-level LazyRegexp{Expr: `…`} is static data, so nothing runs at
// start: a sync.OnceValue called at package level is made at every start
// of spell (issue 11, start-up).
type LazyRegexp struct {
	Expr string
	once sync.Once
	re   *regexp.Regexp
}

// Get returns the compiled expression (Expr is a constant of the
// program: it must compile).
func (l *LazyRegexp) Get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.Expr) })
	return l.re
}
