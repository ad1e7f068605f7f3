// Package syntax owns Spell's one lossless concrete syntax tree: the scanner,
// the strict parser with error recovery, the completion-mode reader (the
// repair pipeline used for model turns and `spell run`), number and string
// literal decoding, positions (line, code-point column, UTF-16 column), and
// the printer that gives the input back byte for byte.
//
// Every byte of the input belongs either to a node or to trivia (whitespace,
// commas, `;` and `#!` comments, `#_` discards). Trivia is not stored per
// token: the leading trivia of a token is the gap between the end of the
// previous token and its start, so a tree costs only a few words per node;
// Trivia decomposes such a gap on demand. Discarded forms are parsed like any
// other form and kept in File.Discards.
//
// The package imports nothing of ours; the formatter, the evaluator (which
// lowers nodes to values), the linter and the language server all read this
// tree.
package syntax
