#!/usr/bin/env node
// Generates syntaxes/spell.tmLanguage.json (the committed TextMate grammar).
//
//   node scripts/gen-grammar.mjs           write the grammar
//   node scripts/gen-grammar.mjs --check   exit 1 if the committed file is stale
//
// The grammar follows language.md §1.2 (lexical syntax), §5.2/§5.3 (special forms and built-in
// macros), §6 (effect namespaces) and §9 (core builtins). Keep the word lists in sync with the
// spec; the unit test runs --check so the JSON never drifts from this source.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'syntaxes', 'spell.tmLanguage.json');

const esc = (w) => w.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const alt = (words) => [...words].sort((a, b) => b.length - a.length || a.localeCompare(b)).map(esc).join('|');

// ---------------------------------------------------------------------------------------------
// Character classes (language.md §1.2: a symbol is a maximal run of characters other than
// whitespace, ()[]{}", ;, @, ^, `, ~ and \).
const SC = String.raw`[^\s,()\[\]{}";@^` + '`' + String.raw`~\\]`; // symbol constituent
const NOT_SC = String.raw`[\s,()\[\]{}";@^` + '`' + String.raw`~\\]`;
const SS = String.raw`[^\s,()\[\]{}";@^` + '`' + String.raw`~\\'#:0-9/]`; // symbol start (no digit, quote, dispatch, colon)
const END = `(?!${SC})`; // token boundary (also matches at end of line)
const HEAD = String.raw`(?<=\()[\s,]*`; // first position of a list (same line)
const SYM = `${SS}${SC}*`;

// ---------------------------------------------------------------------------------------------
// Word lists.
const CONTROL = [
  // special forms (§5.2)
  'quote', 'def', 'persist', 'do', 'if', 'let', 'fn', 'fn*', 'quine', 'reopen', 'reopen-eval',
  'loop', 'recur', 'for', 'try', 'catch',
  // Spell forms: eval (host function in every program's initial environment) and the edit
  // markers / thinking macros that shape a turn
  'eval', 'think', 'rethink', 'prune',
];
const MACROS = [
  // built-in macros (§5.3) other than the control-like ones above and the `!` helpers
  'when', 'defn', 'and', 'or', 'cond', 'if-let', 'when-let', 'if-some', 'when-some', 'case',
  'as->', 'cond->', 'cond->>', 'some->', 'some->>', '->', '->>', 'future', 'blocking/plet',
  'define', 'defmacro', 'first-line', 'print',
];
const BUILTINS = `* *' + +' - -' / < <= = > >= abs any? apply apply-macro assoc assoc-in bigdec bigint
bit-and bit-and-not bit-clear bit-flip bit-not bit-or bit-set bit-shift-left bit-shift-right
bit-test bit-xor boolean boolean? butlast cat coll? comp compare complement compmacro concat conj
cons constantly contains? context-forms count dec dec' dedupe denominator describe-fn disj dissoc
distinct distinct? double drop drop-last drop-while edit-reopen empty? even? every-pred every?
ex-cause ex-data ex-info ex-message false? ffirst filter find find-first first flatten float fn?
fnil format frequencies future* gensym get get-in group-by identity inc inc' int int? integer?
interleave interpose into juxt keep keep-indexed key keys keyword keyword? last list list* list?
long map map-indexed map? mapcat max max-key memoize merge merge-with min min-key mod name
namespace neg-int? neg? next nil? not not-any? not-empty not-every? not= nth number? numerator
odd? parse-boolean parse-number partial partition partition-all partition-by peek pop pos-int?
pos? pr-str quot rand rand-int rand-nth random-sample random-uuid range ratio? rational?
rationalize re-find re-matches re-seq read-string reduce reduce-kv reduced reductions rem remove
repeat repeatedly rest reverse second select-keys seq seq? sequential? serialize
serialize-prefix set set? shuffle some some-fn some? sort sort-by sorted-map sorted-map-by
sorted-set sorted-set-by spell-eval split-at split-with str string? strip-parens subs subvec
symbol symbol? take take-last take-nth take-while throw tree-seq true? type
unsigned-bit-shift-right update update-in update-keys update-vals val vals vec vector vector?
zero? zipmap`.split(/\s+/).filter(Boolean);
// effect builtins without a `!` (the `!` ones are matched by the turn-helper rule)
const EFFECT_BUILTINS = ['leaf-llm', 'receive'];
// core (pure) namespaces and effect namespaces (§6.1, effects.md)
const CORE_NS = ['strings', 'math', 'builtins', 'skills'];
const EFFECT_NS = ['io', 'web', 'agents', 'globals', 'workers', 'patterns', 'feedback', 'blocking'];

// ---------------------------------------------------------------------------------------------
const punct = (name) => ({ 0: { name } });
// Effects (`!` helpers, effect builtins, effect-namespace members) are bold: an outer scope that
// themes style with fontStyle bold, under the scope that gives the colour.
const BOLD = 'markup.bold.effect.spell';

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Spell',
  scopeName: 'source.spell',
  fileTypes: ['spl'],
  firstLineMatch: String.raw`^#!.*\bspell\b`,
  patterns: [{ include: '#forms' }],
  repository: {
    forms: {
      patterns: [
        { include: '#comment' },
        { include: '#shebang' },
        { include: '#discard' },
        { include: '#regex' },
        { include: '#string' },
        { include: '#character' },
        { include: '#symbolic-number' },
        { include: '#unsupported' },
        { include: '#set' },
        { include: '#anonymous-fn' },
        { include: '#namespaced-map' },
        { include: '#list' },
        { include: '#vector' },
        { include: '#map' },
        { include: '#quote' },
        { include: '#metadata' },
        { include: '#unmatched-closer' },
        { include: '#number' },
        { include: '#keyword' },
        { include: '#constant' },
        { include: '#turn-helper' },
        { include: '#anonymous-param' },
        { include: '#variadic' },
        { include: '#qualified-symbol' },
        { include: '#builtin-ref' },
        { include: '#symbol' },
      ],
    },

    // ---- trivia ------------------------------------------------------------------------------
    comment: {
      match: String.raw`(;+).*$`,
      name: 'comment.line.semicolon.spell',
      captures: { 1: { name: 'punctuation.definition.comment.spell' } },
    },
    shebang: {
      match: String.raw`(#!).*$`,
      name: 'comment.line.shebang.spell',
      captures: { 1: { name: 'punctuation.definition.comment.spell' } },
    },
    // `#_ form`: the discard region runs from `#_` to the end of the next complete form. A nested
    // `#_ x` is trivia inside it (the outer discard then takes the form after it:
    // `#_ #_ a b c` discards a and b), which works because a discard also swallows the
    // whitespace that follows its form.
    discard: {
      name: 'comment.block.discard.spell',
      begin: '#_',
      beginCaptures: punct('punctuation.definition.comment.discard.spell'),
      end: String.raw`(?!\G)(?<=[^\s,])[\s,]*`,
      patterns: [
        { include: '#discard-comment' },
        { include: '#discard' },
        { include: '#discard-string' },
        { include: '#discard-balanced' },
        { include: '#discard-character' },
        { include: '#discard-atom' },
      ],
    },
    'discard-comment': { match: String.raw`;.*$\n?` },
    'discard-string': {
      begin: String.raw`#?"`,
      end: '"',
      patterns: [{ match: String.raw`\\.` }],
    },
    'discard-character': { match: String.raw`\\.${SC}*` },
    'discard-atom': { match: String.raw`['@^~` + '`' + String.raw`]*(?:#[^\s,()\[\]{}";_]*)?${SC}+` },
    'discard-balanced': {
      begin: String.raw`['@^~` + '`' + String.raw`]*(?:#:?[^\s,()\[\]{}";_]*)?[(\[{]`,
      end: String.raw`[)\]}]`,
      patterns: [
        { include: '#discard-comment' },
        { include: '#discard-string' },
        { include: '#discard-balanced' },
        { include: '#discard-character' },
      ],
    },

    // ---- literals ----------------------------------------------------------------------------
    string: {
      name: 'string.quoted.double.spell',
      begin: '"',
      beginCaptures: punct('punctuation.definition.string.begin.spell'),
      end: '"',
      endCaptures: punct('punctuation.definition.string.end.spell'),
      patterns: [
        {
          match: String.raw`\\(?:[tbnrf\\"]|u[0-9a-fA-F]{4}|[0-3][0-7]{0,2}|[4-7][0-7]?)`,
          name: 'constant.character.escape.spell',
        },
        { match: String.raw`\\.?`, name: 'invalid.illegal.escape.spell' },
      ],
    },
    // `#"…"`: verbatim RE2 text; only `\"` does not end the literal.
    regex: {
      name: 'string.regexp.spell',
      begin: '#"',
      beginCaptures: punct('punctuation.definition.string.begin.spell'),
      end: '"',
      endCaptures: punct('punctuation.definition.string.end.spell'),
      patterns: [{ match: String.raw`\\.`, name: 'constant.character.escape.regexp.spell' }],
    },
    character: {
      patterns: [
        {
          match: String.raw`\\(?:newline|space|tab|backspace|formfeed|return|u[0-9a-fA-F]{4}|o[0-3]?[0-7]{1,2}|.)${END}`,
          name: 'constant.character.spell',
        },
        { match: String.raw`\\.${SC}*`, name: 'invalid.illegal.character.spell' },
      ],
    },
    'symbolic-number': {
      match: String.raw`##(?:Inf|-Inf|NaN)${END}`,
      name: 'constant.numeric.symbolic.spell',
    },
    number: {
      patterns: [
        { match: String.raw`[+-]?0[xX][0-9a-fA-F]+N?${END}`, name: 'constant.numeric.hex.spell' },
        { match: String.raw`[+-]?(?:[2-9]|[12][0-9]|3[0-6])[rR][0-9a-zA-Z]+N?${END}`, name: 'constant.numeric.radix.spell' },
        { match: String.raw`[+-]?[0-9]+/[0-9]+${END}`, name: 'constant.numeric.ratio.spell' },
        { match: String.raw`[+-]?[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?M${END}`, name: 'constant.numeric.bigdecimal.spell' },
        { match: String.raw`[+-]?[0-9]+(?:\.[0-9]*(?:[eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+)${END}`, name: 'constant.numeric.float.spell' },
        { match: String.raw`[+-]?0[0-7]+N?${END}`, name: 'constant.numeric.octal.spell' },
        { match: String.raw`[+-]?(?:0|[1-9][0-9]*)N${END}`, name: 'constant.numeric.bigint.spell' },
        { match: String.raw`[+-]?(?:0|[1-9][0-9]*)${END}`, name: 'constant.numeric.integer.spell' },
        { match: String.raw`[+-]?[0-9]${SC}*`, name: 'invalid.illegal.number.spell' },
      ],
    },
    keyword: {
      patterns: [
        { match: String.raw`::${SC}*`, name: 'invalid.illegal.keyword.spell' },
        {
          match: String.raw`(:)${SC}+`,
          name: 'constant.other.keyword.spell',
          captures: { 1: { name: 'punctuation.definition.keyword.spell' } },
        },
      ],
    },
    constant: {
      match: String.raw`(?:nil|true|false)${END}`,
      name: 'constant.language.spell',
    },

    // ---- reader forms ------------------------------------------------------------------------
    unsupported: {
      // rejected by the reader (D8): syntax-quote, unquote, deref, var, read-eval, reader
      // conditionals, tagged literals, `#::{`, unknown `##` values
      match: String.raw`#'|#=|#\?@?|#::|#[A-Za-z]${SC}*|##${SC}*|~@?|@|` + '`',
      name: 'invalid.illegal.reader-form.spell',
    },
    quote: { match: "'", name: 'keyword.operator.quote.spell' },
    metadata: { match: String.raw`\^`, name: 'keyword.operator.metadata.spell' },
    'unmatched-closer': { match: String.raw`[)\]}]`, name: 'invalid.illegal.unmatched-delimiter.spell' },
    list: {
      name: 'meta.list.spell',
      begin: String.raw`\(`,
      beginCaptures: punct('punctuation.section.list.begin.spell'),
      end: String.raw`\)`,
      endCaptures: punct('punctuation.section.list.end.spell'),
      patterns: [{ include: '#head' }, { include: '#forms' }],
    },
    'anonymous-fn': {
      name: 'meta.function.anonymous.spell',
      begin: String.raw`#\(`,
      beginCaptures: punct('punctuation.section.function.begin.spell'),
      end: String.raw`\)`,
      endCaptures: punct('punctuation.section.function.end.spell'),
      patterns: [{ include: '#head' }, { include: '#forms' }],
    },
    vector: {
      name: 'meta.vector.spell',
      begin: String.raw`\[`,
      beginCaptures: punct('punctuation.section.vector.begin.spell'),
      end: String.raw`\]`,
      endCaptures: punct('punctuation.section.vector.end.spell'),
      patterns: [{ include: '#forms' }],
    },
    map: {
      name: 'meta.map.spell',
      begin: String.raw`\{`,
      beginCaptures: punct('punctuation.section.map.begin.spell'),
      end: String.raw`\}`,
      endCaptures: punct('punctuation.section.map.end.spell'),
      patterns: [{ include: '#forms' }],
    },
    'namespaced-map': {
      name: 'meta.map.namespaced.spell',
      begin: String.raw`(#:)(${SYM})(\{)`,
      beginCaptures: {
        1: { name: 'punctuation.section.map.namespace.spell' },
        2: { name: 'entity.name.namespace.spell' },
        3: { name: 'punctuation.section.map.begin.spell' },
      },
      end: String.raw`\}`,
      endCaptures: punct('punctuation.section.map.end.spell'),
      patterns: [{ include: '#forms' }],
    },
    set: {
      name: 'meta.set.spell',
      begin: String.raw`#\{`,
      beginCaptures: punct('punctuation.section.set.begin.spell'),
      end: String.raw`\}`,
      endCaptures: punct('punctuation.section.set.end.spell'),
      patterns: [{ include: '#forms' }],
    },

    // ---- the head of a list ------------------------------------------------------------------
    head: {
      patterns: [
        {
          // (defn name …), (defmacro name …)
          name: 'meta.definition.function.spell',
          match: String.raw`${HEAD}(defn|defmacro)[\s,]+(${SYM})${END}`,
          captures: {
            1: { name: 'keyword.other.macro.spell' },
            2: { name: 'entity.name.function.spell' },
          },
        },
        {
          // (def name …), (persist name …)
          name: 'meta.definition.variable.spell',
          match: String.raw`${HEAD}(def|persist)[\s,]+(${SYM})${END}`,
          captures: {
            1: { name: 'keyword.control.spell' },
            2: { name: 'entity.name.variable.spell' },
          },
        },
        {
          // (define name …)
          name: 'meta.definition.variable.spell',
          match: String.raw`${HEAD}(define)[\s,]+(${SYM})${END}`,
          captures: {
            1: { name: 'keyword.other.macro.spell' },
            2: { name: 'entity.name.variable.spell' },
          },
        },
        {
          // (quine completion …): the quine name is bound to the whole form
          name: 'meta.definition.quine.spell',
          match: String.raw`${HEAD}(quine)[\s,]+(${SYM})${END}`,
          captures: {
            1: { name: 'keyword.control.spell' },
            2: { name: 'entity.name.type.quine.spell' },
          },
        },
        {
          match: String.raw`${HEAD}(${alt(CONTROL)})${END}`,
          captures: { 1: { name: 'keyword.control.spell' } },
        },
        {
          match: String.raw`${HEAD}(${alt(MACROS)})${END}`,
          captures: { 1: { name: 'keyword.other.macro.spell' } },
        },
        {
          match: String.raw`${HEAD}(${alt(EFFECT_BUILTINS)})${END}`,
          captures: { 1: { name: `${BOLD} support.function.effect.spell` } },
        },
        {
          match: String.raw`${HEAD}(${alt(BUILTINS)})${END}`,
          captures: { 1: { name: 'support.function.builtin.spell' } },
        },
      ],
    },

    // ---- symbols -----------------------------------------------------------------------------
    // `!call-now`, `!llm-self`, …: turn-producing helpers and `!` effect builtins
    // (the outer markup.bold scope makes effects bold, as the server's `effect` modifier does)
    'turn-helper': { match: `!${SC}*`, name: `${BOLD} keyword.other.turn.spell` },
    'anonymous-param': { match: String.raw`%(?:&|[1-9][0-9]*)?${END}`, name: 'variable.parameter.anonymous.spell' },
    variadic: { match: `&${END}`, name: 'keyword.operator.variadic.spell' },
    'qualified-symbol': {
      patterns: [
        {
          name: 'meta.symbol.qualified.spell',
          match: String.raw`(${alt(EFFECT_NS)})(/)([^\s,()\[\]{}";@^` + '`' + String.raw`~\\/]${SC}*)`,
          captures: {
            1: { name: `${BOLD} entity.name.namespace.spell` },
            2: { name: 'punctuation.separator.namespace.spell' },
            3: { name: `${BOLD} support.function.effect.spell` },
          },
        },
        {
          name: 'meta.symbol.qualified.spell',
          match: String.raw`(${alt(CORE_NS)})(/)([^\s,()\[\]{}";@^` + '`' + String.raw`~\\/]${SC}*)`,
          captures: {
            1: { name: 'entity.name.namespace.spell' },
            2: { name: 'punctuation.separator.namespace.spell' },
            3: { name: 'support.function.spell' },
          },
        },
        {
          name: 'meta.symbol.qualified.spell',
          match: String.raw`(${SS}[^\s,()\[\]{}";@^` + '`' + String.raw`~\\/]*)(/)([^\s,()\[\]{}";@^` + '`' + String.raw`~\\/]${SC}*)`,
          captures: {
            1: { name: 'entity.name.namespace.spell' },
            2: { name: 'punctuation.separator.namespace.spell' },
            3: { name: 'variable.other.member.spell' },
          },
        },
      ],
    },
    // a builtin named outside the head (`(map inc xs)`): a function value, as the server says
    'builtin-ref': {
      patterns: [
        { match: `(?<!${SC})(?:${alt(EFFECT_BUILTINS)})${END}`, name: `${BOLD} support.function.effect.spell` },
        { match: `(?<!${SC})(?:${alt(BUILTINS)})${END}`, name: 'support.function.builtin.spell' },
      ],
    },
    symbol: {
      patterns: [
        { match: `${SYM}|/${SC}*`, name: 'meta.symbol.spell' },
        // anything else that reaches here (a stray `#`, `:` …) is not valid Spell
        { match: String.raw`[#:]${SC}*`, name: 'invalid.illegal.token.spell' },
      ],
    },
  },
};

const text = JSON.stringify(grammar, null, 2) + '\n';
if (process.argv.includes('--check')) {
  const current = readFileSync(out, 'utf8');
  if (current !== text) {
    console.error(`${out} is stale: run node scripts/gen-grammar.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
}
