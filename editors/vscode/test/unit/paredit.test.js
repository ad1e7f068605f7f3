// Paredit commands on strings (out/paredit.js, out/sexp.js). `|` marks the cursor before and
// after the command; `<`…`>` marks a selection.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const p = require('../../out/paredit.js');
const sexp = require('../../out/sexp.js');

function split(marked) {
  const at = marked.indexOf('|');
  assert.ok(at >= 0, `no cursor in ${marked}`);
  return { text: marked.slice(0, at) + marked.slice(at + 1), offset: at };
}

/** Runs cmd on `before` (with |) and checks the text and cursor against `after` (or undefined). */
function check(cmd, before, after) {
  const { text, offset } = split(before);
  const r = cmd(text, offset);
  if (after === undefined) {
    assert.equal(r, undefined, `${before}: expected no change`);
    return;
  }
  assert.ok(r, `${before}: command did not apply`);
  const out = p.applyEdits(text, r.edits);
  const got = out.slice(0, r.cursor) + '|' + out.slice(r.cursor);
  assert.equal(got, after, before);
  return r;
}

test('slurp forward', () => {
  check(p.slurpForward, '(a |b) c', '(a |b c)');
  check(p.slurpForward, '(a |b) (c d) e', '(a |b (c d)) e');
  check(p.slurpForward, '[(|) x]', '[(|x)]');
  check(p.slurpForward, '(let [x 1|] y)', '(let [x 1| y])');
  check(p.slurpForward, "(f |a) 'b", "(f |a 'b)");
  check(p.slurpForward, '(f |a) "s)"', '(f |a "s)")');
  check(p.slurpForward, '(f |a) ; c\n  b', '(f |a ; c\n  b)');
  check(p.slurpForward, '(a |b)', undefined); // nothing to slurp
  check(p.slurpForward, '(a |b', undefined); // unclosed: no closer to move
  check(p.slurpForward, '|a b', undefined); // top level
});

test('barf forward', () => {
  check(p.barfForward, '(a |b c)', '(a |b) c');
  check(p.barfForward, '(a b |c)', '(a b) |c');
  check(p.barfForward, '(|a)', '(|) a');
  check(p.barfForward, '[x 1 |y 2]', '[x 1 |y] 2');
  check(p.barfForward, '(|)', undefined);
});

test('slurp and barf backward', () => {
  check(p.slurpBackward, 'a (|b)', '(a |b)');
  check(p.slurpBackward, "a '(|b)", "'(a |b)");
  check(p.slurpBackward, '(|b)', undefined);
  check(p.barfBackward, '(a |b c)', 'a (|b c)');
  check(p.barfBackward, '(|a)', '|a ()');
});

test('raise', () => {
  check(p.raise, '(a (b |c) d)', '(a |c d)');
  check(p.raise, '(if x |(f y) z)', '|(f y)');
  check(p.raise, '(f (g |"s" 1))', '(f |"s")');
  check(p.raise, '|a', undefined);
});

test('splice', () => {
  check(p.splice, '(a (b |c) d)', '(a b |c d)');
  check(p.splice, '[|]', '|');
  check(p.splice, '(a "(|b)")', 'a "(|b)"'); // a string's parens are not forms
  check(p.splice, '|a', undefined);
});

test('wrap the form at the cursor or the selection', () => {
  const w = (marked, open, close) => {
    const { text, offset } = split(marked);
    const r = p.wrap(text, offset, offset, open, close);
    const out = p.applyEdits(text, r.edits);
    return out.slice(0, r.cursor) + '|' + out.slice(r.cursor);
  };
  assert.equal(w('(a |b c)', '(', ')'), '(a (|b) c)');
  assert.equal(w('(a b|)', '[', ']'), '(a [|b])');
  assert.equal(w("(a |'(b c))", '(', ')'), "(a (|'(b c)))");
  assert.equal(w('(a |)', '(', ')'), '(a (|))');
  const r = p.wrap('x y z', 2, 5, '{', '}');
  assert.equal(p.applyEdits('x y z', r.edits), 'x {y z}');
  assert.equal(r.cursor, 3);
});

test('kill to end of form', () => {
  const r = check(p.killToEnd, '(a |b (c d) e)', '(a |)');
  assert.equal(r.killed, 'b (c d) e');
  check(p.killToEnd, '(str "ab|cd" x)', '(str "ab|" x)');
  check(p.killToEnd, '(a b|)', undefined);
  check(p.killToEnd, '(a |b', '(a |'); // unclosed: to the end of the text
  check(p.killToEnd, '|(a b) c', '| c'); // top level: the form at the cursor
});

test('expand selection (client fallback): atom, inside, form, up to the top level', () => {
  const text = '(a (b cd) e)';
  let sel = { start: 7, end: 7 }; // inside "cd"
  const seen = [];
  for (;;) {
    const next = p.expandSelection(text, sel.start, sel.end);
    if (!next) break;
    seen.push(text.slice(next.start, next.end));
    sel = next;
  }
  assert.deepEqual(seen, ['cd', 'b cd', '(b cd)', 'a (b cd) e', '(a (b cd) e)']);
});

test('edits keep the brackets balanced on every command and position', () => {
  const text = "(defn f [x & {:keys [a]}]\n  (let [y #{1 2} z '(3 \"(\" \\) )]\n    (when x #(inc %) (g y z))))\n";
  const cmds = [p.slurpForward, p.barfForward, p.slurpBackward, p.barfBackward, p.raise, p.splice, p.killToEnd];
  const balance = (s) => {
    const t = sexp.parse(s);
    let ok = true;
    const walk = (fs) => fs.forEach((f) => {
      if (f.innerStart !== undefined && f.close === undefined) ok = false;
      walk(f.children);
    });
    walk(t.forms);
    return ok;
  };
  assert.ok(balance(text));
  for (const cmd of cmds) {
    for (let i = 0; i <= text.length; i++) {
      const r = cmd(text, i);
      if (!r) continue;
      const out = p.applyEdits(text, r.edits);
      assert.ok(balance(out), `${cmd.name} at ${i}: ${JSON.stringify(out)}`);
      assert.ok(r.cursor >= 0 && r.cursor <= out.length, `${cmd.name} at ${i}: cursor ${r.cursor}`);
    }
  }
});

test('the reader: strings, regexes, characters, comments, prefixes and unbalanced text', () => {
  const t = sexp.parse('(a "x)" #"\\)" \\) ; )\n #_ (b) ^:k c) ]) (d');
  assert.equal(t.forms.length, 2);
  const [a, d] = t.forms;
  assert.equal(a.kind, 'list');
  assert.deepEqual(a.children.map((f) => f.kind), ['atom', 'string', 'regex', 'atom', 'discard', 'prefixed']);
  assert.equal(d.close, undefined);
  assert.equal(d.end, t.text.length);
  // an outer closer closes the unclosed inner collection
  const u = sexp.parse('(a [b c)');
  assert.equal(u.forms[0].close, 7);
  assert.equal(u.forms[0].children[1].close, undefined);
});
