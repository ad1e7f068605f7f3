// Static checks of the extension manifest, language configuration and generated grammar.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

const root = path.join(__dirname, '..', '..');
const pkg = require(path.join(root, 'package.json'));
const langConfig = require(path.join(root, 'language-configuration.json'));

test('package.json contributes the spell language, grammar and commands', () => {
  assert.equal(pkg.name, 'spell-vscode');
  assert.equal(pkg.publisher, 'spell-go');
  assert.equal(pkg.license, 'MIT');
  assert.ok(pkg.repository && pkg.repository.url);
  assert.equal(pkg.engines.vscode, '^1.82.0');
  assert.deepEqual(pkg.activationEvents, ['onLanguage:spell']);
  const lang = pkg.contributes.languages.find((l) => l.id === 'spell');
  assert.deepEqual(lang.extensions, ['.spl']);
  assert.ok(lang.aliases.includes('Spell'));
  assert.equal(lang.configuration, './language-configuration.json');
  const grammar = pkg.contributes.grammars.find((g) => g.language === 'spell');
  assert.equal(grammar.scopeName, 'source.spell');
  assert.equal(grammar.path, './syntaxes/spell.tmLanguage.json');
  const commands = Object.fromEntries(pkg.contributes.commands.map((c) => [c.command, `${c.category}: ${c.title}`]));
  assert.equal(commands['spell.runFile'], 'Spell: Run File');
  assert.equal(commands['spell.restartServer'], 'Spell: Restart Server');
  assert.ok(fs.existsSync(path.join(root, 'LICENSE')));
});

test('settings and their defaults', () => {
  const p = pkg.contributes.configuration.properties;
  assert.equal(p['spell.server.path'].default, 'spell-lsp');
  assert.equal(p['spell.lint.enable'].default, true);
  assert.equal(p['spell.run.path'].default, 'spell');
  assert.equal(p['spell.run.args'].type, 'array');
  assert.deepEqual(p['spell.trace.server'].enum, ['off', 'messages', 'verbose']);
  const scopes = pkg.contributes.semanticTokenScopes.find((s) => s.language === 'spell').scopes;
  assert.ok(scopes['*.effect']);
  assert.ok(scopes['function.defaultLibrary.inert']);
  assert.ok(pkg.contributes.configurationDefaults['[spell]']['editor.wordSeparators']);
});

test('language configuration', () => {
  assert.equal(langConfig.comments.lineComment, ';');
  const closing = Object.fromEntries(langConfig.autoClosingPairs.map((p) => [p.open, p]));
  for (const [o, c] of [['(', ')'], ['[', ']'], ['{', '}'], ['"', '"']]) {
    assert.equal(closing[o].close, c);
  }
  assert.deepEqual(closing['"'].notIn, ['string']);
  const words = '(!call-now +\' ->> a?b* <= :ns/kw %1 x.y &rest io/ls a_b=c)'.match(new RegExp(langConfig.wordPattern, 'g'));
  assert.deepEqual(words, ['!call-now', "+'", '->>', 'a?b*', '<=', ':ns/kw', '%1', 'x.y', '&rest', 'io/ls', 'a_b=c']);
  // word separators must not split symbols either
  const seps = pkg.contributes.configurationDefaults['[spell]']['editor.wordSeparators'];
  for (const ch of "!?*+-_<>=&.'%/:") assert.ok(!seps.includes(ch), `separator ${ch}`);
});

test('syntaxes/spell.tmLanguage.json is generated from scripts/gen-grammar.mjs', () => {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'gen-grammar.mjs'), '--check'], { stdio: 'pipe' });
});
