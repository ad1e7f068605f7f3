#!/usr/bin/env node
// Generates contributes.semanticTokenScopes in package.json: how the language server's semantic
// tokens (legend: lsp/semantic.go) map to TextMate scopes, so that in Dark+ and Light+
//   * special forms (`keyword`), macros (`macro`) and builtins (`function`) have three colours,
//     the same ones the TextMate grammar gives them (keyword.control / keyword.other.macro /
//     support.function);
//   * `effect` tokens are bold (scope `strong`: fontStyle only, the type keeps its colour);
//   * `inert` tokens look like comments. VS Code picks each style property from the matching
//     selector with the highest score (type 100, language 10, each modifier 100), so `inert` is
//     listed for every type and modifier combination the server sends; otherwise
//     `function.defaultLibrary` (210) would tie with `*.inert`.
//
//   node scripts/gen-scopes.mjs           rewrite package.json
//   node scripts/gen-scopes.mjs --check   exit 1 if package.json is stale (unit test)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'package.json');

const TYPES = ['namespace', 'function', 'macro', 'keyword', 'variable', 'parameter', 'string', 'number', 'regexp', 'comment', 'enumMember'];
const INERT = 'comment.block.inert.spell';

const scopes = {
  keyword: ['keyword.control.spell'],
  'keyword.defaultLibrary': ['keyword.control.spell'],
  macro: ['keyword.other.macro.spell'],
  'macro.defaultLibrary': ['keyword.other.macro.spell'],
  function: ['entity.name.function.spell'],
  'function.defaultLibrary': ['support.function.builtin.spell'],
  namespace: ['entity.name.namespace.spell'],
  enumMember: ['constant.other.keyword.spell'],
  '*.effect': ['strong'],
};
for (const t of TYPES) {
  for (const mods of [[], ['definition'], ['defaultLibrary'], ['definition', 'defaultLibrary']]) {
    scopes[[t, ...mods, 'inert'].join('.')] = [INERT];
  }
}

const pkg = JSON.parse(readFileSync(file, 'utf8'));
pkg.contributes.semanticTokenScopes = [{ language: 'spell', scopes }];
const text = JSON.stringify(pkg, null, 2) + '\n';
if (process.argv.includes('--check')) {
  if (readFileSync(file, 'utf8') !== text) {
    console.error('package.json semanticTokenScopes are stale: run node scripts/gen-scopes.mjs');
    process.exit(1);
  }
} else {
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}
