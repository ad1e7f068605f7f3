// Package spellio implements the io effect namespace of the SPE runtime
// (effects.md §1, §11): workspace files confined to one os.Root, numbered
// line reads, atomic writes, native grep and glob, read-only git through an
// argv, and shell/argv processes in their own process group with timeouts
// and output caps.
//
// Namespace builds the map the runtime binds as the symbol io while eval
// runs. Only the members of the granted subsets are present; every member
// call goes through Config.Hook so the runtime can count, trace and replay
// effects.
package spellio

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
)

// Subsets is the profile's grant of io subsets (effects.md §1.1).
type Subsets struct {
	Read, Write, Exec bool
}

// EffectHook wraps every member call. ctx is the calling evaluation's
// context (the runtime finds the running turn there), name the full member
// name ("io/read-file"), args the evaluated arguments. The hook decides
// whether to call run (execute the effect) or to return a recorded result
// instead.
type EffectHook func(ctx context.Context, name string, args []value.Value, run func() (value.Value, error)) (value.Value, error)

// Config configures one io namespace.
type Config struct {
	// Root is the absolute workspace root; every path is confined to it.
	Root string
	// Subsets selects the members present in the namespace.
	Subsets Subsets
	// ShTimeout is the profile's default process timeout (:sandbox
	// :sh-timeout-sec). Precedence: the call's {:timeout}, then the
	// environment variable SPELL_SH_TIMEOUT (seconds), then ShTimeout, then
	// 30 s.
	ShTimeout time.Duration
	// EnvAllow lists variable names exempted from the secret rule
	// (:sandbox :env-allow, effects.md §11.2).
	EnvAllow []string
	// Ctx bounds every process and long walk; cancelling it kills running
	// process groups. nil means context.Background().
	Ctx context.Context
	// Hook, when non-nil, wraps every member call.
	Hook EffectHook

	// TempDir is the run's private temp directory (io/temp-file, and the
	// only allowed location besides Root). Empty: Temp's, else one is
	// created under os.TempDir() on first use; the runtime should pass its
	// own and remove it when the run ends.
	TempDir string
	// Temp, when TempDir is empty, is the run's temp directory shared by
	// its io namespaces (its agents' and workers'), created on the first
	// use by any of them; the runtime removes it (Temp.Dir) at the end.
	Temp *Temp
	// Environ is the environment io/env reads and processes inherit
	// (before secret filtering). nil means secret.Environ().
	Environ []string
	// Send binds io/watch-send to the agent handle it names, when it is
	// called (on the caller's runner): it checks the handle (an unknown
	// handle fails the call) and returns the function that later delivers
	// the message {:from :watch-send :body body} from the watcher's
	// goroutine. nil: io/watch-send fails with a clear error.
	Send func(handle value.Value) (deliver func(body value.Value) error, err error)
	// Procs tracks the process groups of running commands and those that
	// finished commands left running (background processes); the runtime
	// calls Procs.KillAll when the run ends. nil: a tracker of the
	// namespace's own, which nothing kills.
	Procs *Procs
}

// DefaultShTimeout is the process timeout when nothing else is configured.
const DefaultShTimeout = 30 * time.Second

// maxOutput caps one stream of a process, grep/glob output and file
// content read by one call (effects.md §1.5: 16 MiB; excess dropped,
// :truncated true).
const maxOutput = 16 << 20

// ns is the state shared by the members of one namespace; forCall copies
// it with cfg.Ctx the calling evaluation's context. The context and the
// processes are cfg's, not fields of their own: ns stays in a size class
// start-up uses anyway (issue 11: a new class costs page faults).
type ns struct {
	cfg   Config
	space *space
}

type memberFn func(n *ns, c *eval.Call, args []value.Value) (value.Value, error)

// member returns the implementation of each catalogued io member (short
// name), nil for any other name. A switch, not a map: no work at every
// start of spell (issue 11, start-up).
func member(short string) memberFn {
	switch short {
	// io-read
	case "slurp":
		return (*ns).slurp
	case "slurp-bytes":
		return (*ns).slurpBytes
	case "read-file":
		return (*ns).readFile
	case "read-lines":
		return (*ns).readLines
	case "grep":
		return (*ns).grep
	case "glob":
		return (*ns).glob
	case "git":
		return (*ns).git
	case "exists?":
		return (*ns).exists
	case "directory?":
		return (*ns).isDirectory
	case "ls":
		return (*ns).ls
	case "cwd":
		return (*ns).cwd
	case "stat":
		return (*ns).stat
	case "env":
		return (*ns).env
	// io-write
	case "write-file":
		return (*ns).writeFile
	case "spit":
		return (*ns).spit
	case "str-replace":
		return (*ns).strReplace
	case "replace-lines":
		return (*ns).replaceLines
	case "mkdir":
		return (*ns).mkdir
	case "mkdirs":
		return (*ns).mkdirs
	case "delete":
		return (*ns).delete
	case "copy":
		return (*ns).copyFile
	case "move":
		return (*ns).move
	case "temp-file":
		return (*ns).tempFile
	// io-exec
	case "sh":
		return (*ns).sh
	case "sh-test":
		return (*ns).shTest
	case "exec":
		return (*ns).exec
	case "watch-send":
		return (*ns).watchSend
	}
	return nil
}

// Namespace builds the io namespace map for cfg: each granted member under
// its keyword, plus :short-docs, :docs {:guide …} and :detail {member …}.
func Namespace(cfg Config) (*value.Map, error) {
	build, err := Open(cfg)
	if err != nil {
		return nil, err
	}
	return build(), nil
}

// Open checks cfg and opens the workspace root, reporting the errors
// Namespace reports, and returns the function that builds the namespace
// map, for a runtime that builds it when a program first uses io (issue
// 11, start-up).
func Open(cfg Config) (build func() *value.Map, err error) {
	if cfg.Root == "" || !filepath.IsAbs(cfg.Root) {
		return nil, fmt.Errorf("io: workspace root must be an absolute path, got %q", cfg.Root)
	}
	if cfg.Ctx == nil {
		cfg.Ctx = context.Background()
	}
	sp, err := newSpace(cfg.Root, cfg.TempDir, cfg.Temp)
	if err != nil {
		return nil, err
	}
	if cfg.Procs == nil {
		cfg.Procs = NewProcs()
	}
	// Every catalogued member has an implementation
	// (TestCatalogedMembersImplemented): Open does not walk the catalogue
	// (issue 11, start-up).
	n := &ns{cfg: cfg, space: sp}
	return n.namespace, nil
}

// namespace builds the map of Namespace.
func (n *ns) namespace() *value.Map {
	var kvs, detail []value.Value
	for e := range catalog.Members("io") {
		if e.Kind != catalog.EffectMember || !n.granted(e.Subset) {
			continue
		}
		short := strings.TrimPrefix(e.Name, "io/")
		kvs = append(kvs, value.Kw(short), n.builtin(*e, member(short)))
		text := e.Doc
		if e.Detail != "" {
			text += "\n" + e.Detail
		}
		detail = append(detail, value.Kw(short), text)
	}
	kvs = append(kvs,
		value.Kw("short-docs"), shortDocs,
		value.Kw("docs"), value.NewMap(value.Kw("guide"), guide(n.cfg.Subsets)),
		value.Kw("detail"), value.NewMap(detail...))
	return value.NewMap(kvs...)
}

func (n *ns) granted(subset string) bool {
	switch subset {
	case "read":
		return n.cfg.Subsets.Read
	case "write":
		return n.cfg.Subsets.Write
	case "exec":
		return n.cfg.Subsets.Exec
	}
	return false
}

// builtin makes the evaluator function of one member; every call goes
// through the hook.
func (n *ns) builtin(e catalog.Entry, impl memberFn) *eval.Builtin {
	name := e.Name
	b := eval.NewFn(name, func(c *eval.Call, args []value.Value) (value.Value, error) {
		cn := n.forCall(c)
		return n.through(c, name, args, func() (value.Value, error) { return impl(cn, c, args) })
	})
	b.Min, b.Max = e.MinArgs, e.MaxArgs
	return b
}

// forCall returns the namespace state for one call: its context is the
// evaluation's (so --timeout, Ctrl-C and run shutdown reach running
// processes and reads) joined with Config.Ctx.
func (n *ns) forCall(c *eval.Call) *ns {
	if c == nil || c.In == nil {
		return n
	}
	cctx := c.In.Context()
	if cctx == nil || cctx.Done() == nil {
		return n
	}
	cn := *n
	if n.cfg.Ctx.Done() == nil {
		cn.cfg.Ctx = cctx
		return &cn
	}
	ctx, cancel := context.WithCancel(cctx)
	stop := context.AfterFunc(n.cfg.Ctx, cancel)
	context.AfterFunc(ctx, func() { stop() })
	cn.cfg.Ctx = ctx
	return &cn
}

// through runs one effect of the evaluation c through the hook.
func (n *ns) through(c *eval.Call, name string, args []value.Value, run func() (value.Value, error)) (value.Value, error) {
	if n.cfg.Hook != nil {
		return n.cfg.Hook(c.In.Context(), name, args, run)
	}
	return run()
}

const shortDocs = "Workspace files and processes: read, write and exec subsets granted by the profile."

// guide is the :docs :guide text, listing only the granted subsets.
func guide(s Subsets) string {
	var b strings.Builder
	b.WriteString("IO — files and processes of the workspace, usable only inside eval (the quoted trailing expression).\n\n")
	if s.Read {
		b.WriteString("  read   slurp slurp-bytes read-file read-lines grep glob git exists? directory? ls cwd stat env\n")
	}
	if s.Write {
		b.WriteString("  write  write-file spit str-replace replace-lines mkdir mkdirs delete copy move temp-file\n")
	}
	if s.Exec {
		b.WriteString("  exec   sh sh-test exec watch-send\n")
	}
	b.WriteString("\nMost calls return an envelope {:ok :out :err :truncated} (:exit too for processes, grep and glob); " +
		"a failed operation is an envelope with :ok false, a misused call (wrong argument types, unknown options) is an error. " +
		"exists? directory? cwd env return plain values.\n" +
		"Paths are relative to the workspace root; absolute paths, .. and symlinks may not leave it. " +
		"Lines are 1-based, ranges half-open [start, end): (io/read-file \"a.go\" 10 20) shows lines 10-19 numbered, " +
		"(io/read-lines \"a.go\" 10 20) returns them as a numbered line vector. " +
		"Edit with (io/str-replace p old new) (old must occur once unless {:all true}) or (io/replace-lines p start end text).\n")
	if s.Exec {
		b.WriteString("Processes run in the workspace root with secrets removed from the environment and a timeout " +
			"({:timeout seconds}, default 30); a shell can still reach anything your user can — only container mode confines it.\n")
	}
	b.WriteString("Example: '(!call-now files (io/glob \"*.go\" \"src\"))")
	return b.String()
}

// ---- results ----

// envelope builds {:ok :out :err :truncated}.
func envelope(ok bool, out, errMsg value.Value, truncated bool) *value.Map {
	return value.NewMap(value.Kw("ok"), ok, value.Kw("out"), out, value.Kw("err"), errMsg, value.Kw("truncated"), truncated)
}

// procEnvelope builds {:ok :out :err :exit :truncated}.
func procEnvelope(ok bool, out, errMsg, exit value.Value, truncated bool) *value.Map {
	return value.NewMap(value.Kw("ok"), ok, value.Kw("out"), out, value.Kw("err"), errMsg, value.Kw("exit"), exit, value.Kw("truncated"), truncated)
}

func success(out value.Value) (value.Value, error) { return envelope(true, out, nil, false), nil }

// failure is an operation failure: it becomes an envelope with :ok false
// (or a plain error for members returning raw values).
type failure struct{ msg string }

func (f *failure) Error() string { return f.msg }

func failf(format string, args ...any) error { return &failure{msg: fmt.Sprintf(format, args...)} }

// asEnvelope turns a failure into an :ok false envelope and passes other
// errors (misuse, limits) through.
func asEnvelope(v value.Value, err error) (value.Value, error) {
	var f *failure
	if errors.As(err, &f) {
		return envelope(false, nil, f.msg, false), nil
	}
	return v, err
}

// ---- argument helpers ----

func argString(what string, v value.Value) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s must be a string, got %s: %s", what, value.TypeName(v), value.PrStr(v))
	}
	return s, nil
}

func argPath(v value.Value) (string, error) {
	s, err := argString("path", v)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", errors.New("path must not be empty")
	}
	return s, nil
}

func argInt(what string, v value.Value) (int64, error) {
	i, ok := value.ToInt64(v)
	if !ok {
		return 0, fmt.Errorf("%s must be an integer, got %s: %s", what, value.TypeName(v), value.PrStr(v))
	}
	return i, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func optBool(opts map[string]value.Value, key string) (bool, error) {
	v, ok := opts[key]
	if !ok || v == nil {
		return false, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("option :%s must be a boolean, got %s", key, value.PrStr(v))
	}
	return b, nil
}

// cappedBuffer keeps the first max bytes written and counts the rest.
type cappedBuffer struct {
	mu        sync.Mutex
	buf       []byte
	max       int
	truncated bool
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	room := b.max - len(b.buf)
	if room >= len(p) {
		b.buf = append(b.buf, p...)
	} else {
		if room > 0 {
			b.buf = append(b.buf, p[:room]...)
		}
		b.truncated = true
	}
	return len(p), nil
}

func (b *cappedBuffer) result() (string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return fixUTF8(string(b.buf)), b.truncated
}

// fixUTF8 replaces every invalid byte with U+FFFD (one per byte, as Go's
// string-to-runes conversion does).
func fixUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteString("\uFFFD")
			i++
			continue
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

// AbsentReason explains why io/<member> is missing from the io namespace
// map m, for the evaluator's `Namespace lookup failed: io/write-file (write
// access is not granted to this agent)` (effects.md §1.1); see
// catalog.AbsentReason.
func AbsentReason(m *value.Map, member string) (reason string, ok bool) {
	return catalog.AbsentReason("io", member, func(x string) bool { return m.Contains(value.Kw(x)) })
}
