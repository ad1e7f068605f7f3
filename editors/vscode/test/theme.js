// Resolves semantic token styles and TextMate scope stacks against VS Code's Dark+ and Light+
// themes (test/themes/*.json, copied from VS Code's theme-defaults extension, MIT) the way VS
// Code does; shared by test/unit/colours.test.js and test/e2e/lsp.test.js.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
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


module.exports = { THEMES, semanticStyle, textmateStyle, scopeStyle };
