#!/usr/bin/env node
// Tokenizes Spell source with the extension's TextMate grammar, using the same engine as VS Code
// (vscode-textmate + vscode-oniguruma). Library for the colour tests; as a command it prints one
// line per token: `line:col 'text' scope scope …` (handy when writing grammar tests).
//
//   node scripts/tokenize.mjs FILE.spl
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function loadGrammar() {
  const oniguruma = require('vscode-oniguruma');
  const textmate = require('vscode-textmate');
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'source.spell') return null;
      const path = join(root, 'syntaxes', 'spell.tmLanguage.json');
      return textmate.parseRawGrammar(readFileSync(path, 'utf8'), path);
    },
  });
  const grammar = await registry.loadGrammar('source.spell');
  return { grammar, INITIAL: textmate.INITIAL };
}

/** Returns [[{text, scopes}]] — one array of tokens per line. */
export async function tokenize(source) {
  const { grammar, INITIAL } = await loadGrammar();
  let state = INITIAL;
  return source.split(/\r?\n/).map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node scripts/tokenize.mjs FILE.spl');
    process.exit(2);
  }
  const lines = await tokenize(readFileSync(file, 'utf8'));
  lines.forEach((tokens, i) => {
    let col = 0;
    for (const t of tokens) {
      if (t.text.trim() !== '') {
        console.log(`${i + 1}:${col} ${JSON.stringify(t.text)} ${t.scopes.slice(1).join(' ')}`);
      }
      col += t.text.length;
    }
  });
}
