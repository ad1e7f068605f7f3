// Package lint owns the analysis model shared by `spell lint` and the
// language server, and the linter rules of tooling.md §4.
//
// # Analysis model
//
// Analyze runs one resolver pass over a parsed file (syntax.File); it never
// evaluates code. The result, an *Analysis, records:
//
//   - Scopes: one per binding form (let, loop, for, fn, #(), catch, if-let,
//     when-let, as->, blocking/plet), nested like the source;
//   - Bindings: every name a form binds, with its kind (def, defn, define,
//     persist, defmacro, quine name, let/loop/for/if-let/when-let bindings
//     including destructured names, fn and #() parameters, catch symbols);
//   - References: every symbol evaluated as code, with the binding it
//     resolves to lexically or, because Spell scope is dynamic (language.md
//     §5.5), the list of candidate bindings it may denote at run time (every
//     definition of the name in the file; inside a function body also every
//     local binding of that name anywhere);
//   - Calls: every list evaluated as a call or form, with its resolved head,
//     argument count and the arity it expects (catalogue builtins, special
//     forms, macros, user defn/fn);
//   - effect positions: each reference and call carries a Mode saying
//     whether it is evaluated purely, inside the trailing expression via
//     eval (effects available) or inside a function body whose caller is
//     not known statically;
//   - the completion wrapper (quine NAME inert… (eval (do …))), its body and
//     trailing expression;
//   - quoted regions, which are data and are never analysed as code (except
//     the wrapper's trailing expression and the quoted argument of eval,
//     which eval runs as code).
//
// Offsets are byte offsets into File.Src; the language server converts them
// with the file's LineTable. BindingAt, ReferenceAt, ReferencesOf,
// DefinitionsOf, ScopeAt, VisibleAt and Symbols answer the questions of
// tooling.md §5 (definition, references, highlight, completion, document
// symbols).
//
// # Rules
//
// Lint runs the rules of the Rules table over a file and its analysis and
// returns Diagnostics with levels, messages, related locations and
// mechanical fixes. Levels come from each rule's default, overridden by a
// Config (.spell/lint.edn merged over $XDG_CONFIG_HOME/spell/lint.edn, see
// LoadConfig). A `#_:spell/ignore` discard before a form suppresses every
// rule inside it; `#_{:spell/ignore [:rule …]}` only the listed rules.
//
// The package imports syntax, eval (for ReadEDN), eval/catalog (the table of
// every name) and spe/profile (which effect namespaces an agent knows).
package lint
