// Package eval owns the Spell language: lowering of syntax trees to values
// (with a side table of source spans), the evaluator (special forms,
// built-in macros, dynamic scope, destructuring, user macros, recur), the
// effect boundary (the `eval` builtin and the Effects interface the SPE
// runtime implements), edit time (apply-edits, edit-reopen, reopen,
// serialize-prefix), the builtin implementations paired by name with the
// catalog's table, the strings/math/builtins documentation namespaces, and
// resource limits (steps, nesting depth, output size, cancellation).
//
// Values live in eval/value; the docs and arities of every name live in
// eval/catalog. Errors are values (*Error), never panics.
package eval
