// Lisp indentation on Enter (out/indent.js) agrees with the formatter: every line of the
// formatter's golden outputs (format/testdata/*.golden) and of the repository's fmt-clean .spl
// files has exactly the indentation indentAt computes for it. Plus the editing cases of issue 13.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { indentAt, reindentLine } = require('../../out/indent.js');
const { parse } = require('../../out/sexp.js');

const repo = path.join(__dirname, '..', '..', '..', '..');

function formattedFiles() {
  const files = [];
  const golden = path.join(repo, 'format', 'testdata');
  for (const f of fs.readdirSync(golden)) if (f.endsWith('.golden')) files.push(path.join(golden, f));
  for (const f of ['editors/vscode/docs/agent.spl', 'examples/programs/wrapper.spl', 'examples/programs/fib.spl', 'examples/programs/edit-markers.spl', 'bench/fib.spl']) {
    files.push(path.join(repo, f));
  }
  return files;
}

test('indentAt reproduces the formatter on its golden files and the shipped .spl files', () => {
  const files = formattedFiles();
  assert.ok(files.length > 10, `only ${files.length} files`);
  let checked = 0;
  const wrong = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const tree = parse(text);
    let start = 0;
    text.split('\n').forEach((line, i) => {
      const lineStart = start;
      start += line.length + 1;
      if (line.trim() === '') return;
      const want = indentAt(text, lineStart, tree);
      if (want === undefined) return; // inside a string
      const have = line.length - line.trimStart().length;
      checked++;
      if (want !== have) wrong.push(`${path.relative(repo, file)}:${i + 1}: want ${have}, computed ${want}: ${line}`);
    });
  }
  assert.deepEqual(wrong, []);
  assert.ok(checked > 200, `only ${checked} lines checked`);
});

/** Text with `|` where the new line starts; returns the indentation computed for it. */
function indentOf(marked) {
  const at = marked.indexOf('|');
  return indentAt(marked.slice(0, at) + marked.slice(at + 1), at);
}

test('Enter inside forms', () => {
  // issue 13: `(let [x 1` Enter — with auto-closed brackets the new line holds `])`
  assert.equal(indentOf('(let [x 1\n|])'), 6);
  assert.equal(indentOf('(let [x 1\n|'), 6); // without auto-closing (unbalanced buffer)
  assert.equal(indentOf('(let [x 1]\n|)'), 2);
  assert.equal(indentOf('(defn f [x]\n|)'), 2);
  assert.equal(indentOf('(foo a\n|)'), 5);
  assert.equal(indentOf('(foo\n|)'), 1);
  assert.equal(indentOf('{:a 1\n|}'), 1);
  assert.equal(indentOf('#{1\n|}'), 2);
  assert.equal(indentOf('(quine completion (eval (do\n|)))'), 2);
  assert.equal(indentOf('  (when x\n|'), 4);
  assert.equal(indentOf('(a "x\n|y")'), undefined); // inside a string: leave it
  assert.equal(indentOf('(a) ; (\n|'), 0);
});

test('reindentLine replaces only the leading whitespace', () => {
  const text = '(let [x 1\n])';
  assert.deepEqual(reindentLine(text, 10), { start: 10, end: 10, text: '      ' });
  assert.equal(reindentLine('(a\n b)', 3), undefined);
  assert.deepEqual(reindentLine('(a\n\t\tb)', 3), { start: 3, end: 5, text: ' ' });
});
