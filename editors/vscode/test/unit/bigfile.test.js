// Big files (issue 13 "a 5 MB file"): above sexp.WINDOW_FROM characters the paredit commands and
// Enter read only the top-level forms around the cursor. The windowed answers equal the answers
// computed on the whole text, also next to multi-line strings and comments full of brackets.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const p = require('../../out/paredit.js');
const { parse, topLevelWindow, WINDOW_FROM } = require('../../out/sexp.js');
const { indentAt, reindentLine } = require('../../out/indent.js');

const agent = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'agent.spl'), 'utf8');
const tricky = [
  '(def s "a string',
  '(with a paren at column 0',
  '; and a semicolon")',
  '(defn f [x] ; a comment with ( and [',
  '  (str \\( x \\" #"re(" \\;))',
  "#_ (ignored (form)) '(quoted [form])",
  '(let [m {:a 1',
  '         :b #{2 3}}]',
  '  (when (seq m)',
  '    (map inc [1 2])))',
  '',
].join('\n');

let big = '';
while (big.length < WINDOW_FROM * 2) big += agent + tricky;
big = Buffer.from(big).toString(); // a flat string, as VS Code's getText() returns

test('the window starts a line at depth 0 and covers the forms around the cursor', () => {
  const tree = parse(big);
  const last = tree.forms[tree.forms.length - 2];
  const at = last.start + 5;
  const w = topLevelWindow(big, at);
  assert.ok(w.start === 0 || big[w.start - 1] === '\n');
  assert.ok(w.start <= tree.forms[tree.forms.length - 3].start, 'includes the previous top-level form');
  assert.equal(w.end, big.length);
  assert.ok(w.end - w.start < 5000, `window of ${w.end - w.start} chars`);
});

test('windowed commands answer like the whole-text commands', () => {
  const tree = parse(big);
  // offsets inside the last few top-level forms (every 7th character), and around the strings
  const from = tree.forms[tree.forms.length - 6].start;
  const offsets = [];
  for (let i = from; i < big.length; i += 7) offsets.push(i);
  const names = ['slurpForward', 'barfForward', 'slurpBackward', 'barfBackward', 'raise', 'splice', 'killToEnd'];
  let applied = 0;
  for (const name of names) {
    for (const off of offsets.filter((_, k) => k % names.length === names.indexOf(name))) {
      const got = p[name](big, off);
      const want = p.whole[name](big, off);
      assert.deepEqual(got, want, `${name} at ${off}`);
      if (got) applied++;
    }
  }
  assert.ok(applied > 20, `only ${applied} commands applied`);
  for (const off of offsets.slice(0, 40)) {
    assert.deepEqual(p.expandSelection(big, off, off), p.whole.expandSelection(big, off, off), `expand at ${off}`);
  }
});

test('windowed Enter indentation equals the whole-text indentation on every line', () => {
  const tree = parse(big);
  const from = tree.forms[tree.forms.length - 8].start;
  let lineStart = big.lastIndexOf('\n', from) + 1;
  let checked = 0;
  while (lineStart < big.length) {
    const want = indentAt(big, lineStart, tree);
    const e = reindentLine(big, lineStart);
    let have = lineStart;
    while (big[have] === ' ') have++;
    const got = e ? e.text.length : want === undefined ? undefined : have - lineStart;
    assert.equal(got, want, `line at ${lineStart}: ${JSON.stringify(big.slice(lineStart, big.indexOf('\n', lineStart)))}`);
    checked++;
    const nl = big.indexOf('\n', lineStart);
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  assert.ok(checked > 30);
});
