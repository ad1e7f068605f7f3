// Honest colours (issue 13 item 4): resolves the extension's semanticTokenScopes and TextMate
// grammar against the real Dark+ and Light+ themes (test/themes/*.json, copied from VS Code's
// theme-defaults extension, MIT) the way VS Code does:
//   semantic tokens — every default rule whose selector matches (score: type 100 − level,
//   language 10, each modifier 100) contributes the style of its first resolving scope; each
//   property (foreground, bold) comes from the highest score, ties to the later rule
//   (colorThemeData.ts getTokenStyle/resolveScopes, tokenClassificationRegistry.ts);
//   TextMate — each property from the innermost scope of the token that sets it.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.join(__dirname, '..', '..');
const pkg = require(path.join(root, 'package.json'));

function loadTheme(name) {
  const t = JSON.parse(fs.readFileSync(path.join(root, 'test', 'themes', name), 'utf8'));
  const base = t.include ? loadTheme(path.basename(t.include)) : [];
  return [...base, ...t.tokenColors];
}
const THEMES = { 'Dark+': loadTheme('dark_plus.json'), 'Light+': loadTheme('light_plus.json') };

/** The theme's style for one scope: {foreground, fontStyle} of the best-matching rules. */
function scopeStyle(rules, scope) {
  let fg;
  let fs_;
  let fgScore = -1;
  let fsScore = -1;
  for (const r of rules) {
    const sels = Array.isArray(r.scope) ? r.scope : String(r.scope ?? '').split(',');
    for (const raw of sels) {
      const sel = raw.trim();
      if (!sel || sel.includes(' ')) continue; // parent selectors never match a lone scope
      if (scope !== sel && !scope.startsWith(sel + '.')) continue;
      const score = sel.split('.').length;
      if (r.settings.foreground && score >= fgScore) {
        fg = r.settings.foreground.toUpperCase();
        fgScore = score;
      }
      if (typeof r.settings.fontStyle === 'string' && score >= fsScore) {
        fs_ = r.settings.fontStyle;
        fsScore = score;
      }
    }
  }
  return fg === undefined && fs_ === undefined ? undefined : { foreground: fg, fontStyle: fs_ };
}

// VS Code's own defaults for the legend's types (tokenClassificationRegistry.ts), before ours.
const BUILTIN = [
  ['comment', ['comment']], ['string', ['string']], ['keyword', ['keyword.control']],
  ['number', ['constant.numeric']], ['regexp', ['constant.regexp']], ['namespace', ['entity.name.namespace']],
  ['function', ['entity.name.function', 'support.function']], ['macro', ['entity.name.function.preprocessor']],
  ['variable', ['variable.other.readwrite', 'entity.name.variable']], ['parameter', ['variable.parameter']],
  ['enumMember', ['variable.other.enummember']], ['function.defaultLibrary', ['support.function']],
  ['variable.defaultLibrary', ['support.variable', 'support.other.variable']],
];

function selectorScore(selector, language, type, mods) {
  const [typeMods, lang] = selector.split(':');
  const [selType, ...selMods] = typeMods.split('.');
  let score = 0;
  if (lang !== undefined) {
    if (lang !== language) return -1;
    score += 10;
  }
  if (selType !== '*') {
    if (selType !== type) return -1;
    score += 100;
  }
  for (const m of selMods) if (!mods.includes(m)) return -1;
  return score + selMods.length * 100;
}

/** The style of a semantic token (type, modifiers) in a theme. */
function semanticStyle(rules, type, mods, withExtension = true) {
  const defaults = BUILTIN.map(([sel, scopes]) => [sel, scopes]);
  if (withExtension) {
    for (const entry of pkg.contributes.semanticTokenScopes) {
      for (const [sel, scopes] of Object.entries(entry.scopes)) defaults.push([`${sel}:${entry.language}`, scopes]);
    }
  }
  const out = { foreground: undefined, bold: false };
  const score = { foreground: -1, bold: -1 };
  for (const [sel, scopes] of defaults) {
    const s = selectorScore(sel, 'spell', type, mods);
    if (s < 0) continue;
    let style;
    for (const scope of scopes) if ((style = scopeStyle(rules, scope))) break;
    if (!style) continue;
    if (style.foreground && score.foreground <= s) {
      out.foreground = style.foreground;
      score.foreground = s;
    }
    if (style.fontStyle !== undefined && score.bold <= s) {
      out.bold = style.fontStyle.includes('bold');
      score.bold = s;
    }
  }
  return out;
}

/** The style of a TextMate token with the given scope stack (outermost first). */
function textmateStyle(rules, scopes) {
  const out = { foreground: undefined, bold: false };
  let fgSet = false;
  let fsSet = false;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const s = scopeStyle(rules, scopes[i]);
    if (!s) continue;
    if (!fgSet && s.foreground) {
      out.foreground = s.foreground;
      fgSet = true;
    }
    if (!fsSet && s.fontStyle !== undefined) {
      out.bold = s.fontStyle.includes('bold');
      fsSet = true;
    }
  }
  return out;
}

const DL = ['defaultLibrary'];

test('semanticTokenScopes in package.json are generated by scripts/gen-scopes.mjs', () => {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'gen-scopes.mjs'), '--check'], { stdio: 'pipe' });
});

for (const [name, rules] of Object.entries(THEMES)) {
  test(`${name}: special forms, macros and builtins have three colours; effect is bold; inert looks like a comment`, () => {
    const kw = semanticStyle(rules, 'keyword', DL);
    const mac = semanticStyle(rules, 'macro', DL);
    const fn = semanticStyle(rules, 'function', DL);
    const userFn = semanticStyle(rules, 'function', ['definition']);
    assert.ok(kw.foreground && mac.foreground && fn.foreground);
    assert.notEqual(kw.foreground, mac.foreground, 'keyword vs macro');
    assert.notEqual(mac.foreground, fn.foreground, 'macro vs function');
    assert.notEqual(kw.foreground, fn.foreground, 'keyword vs function');
    assert.equal(userFn.foreground, fn.foreground, 'user functions and builtins share a colour');
    for (const s of [kw, mac, fn]) assert.equal(s.bold, false);
    // effect: bold, colour of its type
    const effFn = semanticStyle(rules, 'function', [...DL, 'effect']);
    const effMac = semanticStyle(rules, 'macro', [...DL, 'effect']);
    assert.deepEqual(effFn, { foreground: fn.foreground, bold: true });
    assert.deepEqual(effMac, { foreground: mac.foreground, bold: true });
    // inert: the comment colour for every type and modifier combination the server sends
    const comment = semanticStyle(rules, 'comment', []).foreground;
    for (const type of ['namespace', 'function', 'macro', 'keyword', 'variable', 'parameter', 'string', 'number', 'regexp', 'enumMember']) {
      for (const mods of [[], DL, ['definition'], ['effect'], [...DL, 'effect']]) {
        const live = semanticStyle(rules, type, mods);
        const inert = semanticStyle(rules, type, [...mods, 'inert']);
        assert.equal(inert.foreground, comment, `${type}.${mods.join('.')}.inert`);
        if (type !== 'comment') assert.notEqual(live.foreground, comment, `${type}.${mods.join('.')} is not comment-coloured`);
      }
    }
  });

  test(`${name}: without the extension's scopes, special forms, macros and builtins collide (the bug this fixes)`, () => {
    const mac = semanticStyle(rules, 'macro', DL, false);
    const eff = semanticStyle(rules, 'function', [...DL, 'effect'], false);
    assert.equal(eff.bold, false); // effect invisible
    assert.ok(mac.foreground);
  });
}

test('the TextMate grammar gives the same colours and boldness as the semantic tokens', async () => {
  const { tokenize } = await import(path.join(root, 'scripts', 'tokenize.mjs'));
  const src = '(do (if x (when y (map inc z)) (!call-now r (io/read-file "a"))))';
  const lines = await tokenize(src);
  const at = (text) => {
    const t = lines[0].find((tok) => tok.text === text);
    assert.ok(t, `no token ${text}`);
    return t.scopes;
  };
  const cases = [
    ['do', 'keyword', DL],
    ['if', 'keyword', DL],
    ['when', 'macro', DL],
    ['map', 'function', DL],
    ['!call-now', 'macro', [...DL, 'effect']],
    ['read-file', 'function', [...DL, 'effect']],
    ['io', 'namespace', []],
  ];
  for (const [name, rules] of Object.entries(THEMES)) {
    for (const [text, type, mods] of cases) {
      assert.deepEqual(textmateStyle(rules, at(text)), semanticStyle(rules, type, mods), `${name}: ${text} (${type} ${mods.join(' ')})`);
    }
  }
});
