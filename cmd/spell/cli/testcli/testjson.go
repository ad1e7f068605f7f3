package testcli

import (
	"bytes"
	"encoding/json"
	"io"
	"regexp"
	"strconv"
)

// testJSON is the `spell test --json` object: each script's result, with
// the line of the failing command so editors can show it as a diagnostic.
type testJSON struct {
	Scripts []testScriptJSON `json:"scripts"`
	Passed  int              `json:"passed"`
	Failed  int              `json:"failed"`
}

type testScriptJSON struct {
	Path     string       `json:"path"`
	Passed   bool         `json:"passed"`
	Elapsed  float64      `json:"elapsed_s"`
	Failure  *testFailure `json:"failure"`
	Log      string       `json:"log"`
	SkipNote string       `json:"skip,omitempty"`
}

type testFailure struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// testscript ends a failing script's log with "FAIL: FILE:LINE: MESSAGE".
var testFailLine = regexp.MustCompile(`(?m)^FAIL: .*?:(\d+): (.*)$`)

func (t *testJSON) add(path string, failed bool, res *scriptResult) {
	res.mu.Lock()
	log, skip := res.buf.String(), res.skip
	res.mu.Unlock()
	s := testScriptJSON{Path: path, Passed: !failed, Elapsed: res.elapsed.Seconds(), Log: log, SkipNote: skip}
	if failed {
		f := &testFailure{Message: lastLine(log)}
		if m := testFailLine.FindAllStringSubmatch(log, -1); len(m) > 0 {
			last := m[len(m)-1]
			f.Line, _ = strconv.Atoi(last[1])
			f.Message = last[2]
		}
		s.Failure = f
	}
	t.Scripts = append(t.Scripts, s)
}

func (t *testJSON) write(w io.Writer) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(t)
	_, _ = w.Write(b.Bytes())
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := bytes.Split(bytes.TrimRight([]byte(s), "\n"), []byte("\n"))
	return string(lines[len(lines)-1])
}
