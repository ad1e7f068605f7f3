#!/usr/bin/env node
// Renders a Spell file to HTML with the extension's TextMate grammar and a Dark+-like palette
// (used by scripts/screenshot.sh for the README screenshot).
//
//   node scripts/render-html.mjs docs/agent.spl > /tmp/agent.html
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { tokenize } from './tokenize.mjs';

// scope prefix → CSS. The innermost scope of a token that matches a prefix wins; among the
// prefixes matching one scope, the longest wins (TextMate theme semantics, simplified).
const THEME = {
  'comment': 'color:#6A9955;font-style:italic',
  'comment.block.discard': 'color:#6A9955;font-style:italic;opacity:.75',
  'string': 'color:#CE9178',
  'string.regexp': 'color:#D16969',
  'constant.character.escape': 'color:#D7BA7D',
  'constant.character': 'color:#D7BA7D',
  'constant.numeric': 'color:#B5CEA8',
  'constant.language': 'color:#569CD6',
  'constant.other.keyword': 'color:#4FC1FF',
  'keyword.control': 'color:#C586C0',
  'keyword.operator': 'color:#C586C0',
  'keyword.other.turn': 'color:#FF9E64;font-weight:bold',
  'keyword.other.macro': 'color:#569CD6',
  'entity.name.function': 'color:#DCDCAA',
  'entity.name.variable': 'color:#9CDCFE',
  'entity.name.type': 'color:#4EC9B0;font-weight:bold',
  'entity.name.namespace': 'color:#4EC9B0',
  'support.function.effect': 'color:#FF9E64',
  'support.function': 'color:#DCDCAA',
  'variable': 'color:#9CDCFE',
  'punctuation.section': 'color:#808080',
  'punctuation.separator': 'color:#808080',
  'invalid': 'color:#F44747;text-decoration:underline wavy',
};

function styleFor(scopes) {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i];
    let best;
    for (const prefix of Object.keys(THEME)) {
      if ((scope === prefix || scope.startsWith(prefix + '.')) && (!best || prefix.length > best.length)) {
        best = prefix;
      }
    }
    if (best) return THEME[best];
  }
  return '';
}

const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/render-html.mjs FILE.spl');
  process.exit(2);
}
const source = readFileSync(file, 'utf8').replace(/\n$/, '');
const lines = await tokenize(source);
const body = lines
  .map((tokens, i) => {
    const code = tokens
      .map((t) => {
        const css = styleFor(t.scopes);
        const title = t.scopes.slice(1).join(' ');
        return css ? `<span style="${css}" title="${title}">${escapeHtml(t.text)}</span>` : escapeHtml(t.text);
      })
      .join('');
    return `<div class="line"><span class="ln">${i + 1}</span><span class="code">${code}</span></div>`;
  })
  .join('');

process.stdout.write(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(basename(file))}</title>
<style>
  html, body { margin: 0; background: #1E1E1E; }
  .tabs { background: #252526; height: 35px; display: flex; }
  .tab { background: #1E1E1E; color: #FFFFFF; font: 13px system-ui, sans-serif; padding: 9px 16px;
         border-top: 1px solid #C586C0; }
  .tab .lang { color: #808080; margin-left: 8px; }
  pre { margin: 0; padding: 8px 0; color: #D4D4D4;
        font: 14px/20px "DejaVu Sans Mono", "Liberation Mono", monospace; }
  .ln { display: inline-block; width: 44px; padding-right: 16px; text-align: right; color: #858585; }
  .line { white-space: pre; }
</style></head>
<body><div class="tabs"><div class="tab">${escapeHtml(basename(file))}<span class="lang">Spell</span></div></div>
<pre>${body}</pre></body></html>
`);
