#!/usr/bin/env node
// The scripted check in a real VS Code: code-server (VS Code in the browser) with the packaged
// extension and the real spell-lsp, driven by headless Chromium through puppeteer-core. It types
// in the editor, checks the text, and takes the README screenshots.
//
// Not part of CI: code-server's npm package builds native modules at install time and needs
// libkrb5-dev, libsecret-1-dev, libxkbfile-dev, ripgrep and a C++ toolchain; Chromium comes from
// apt. Install by hand (see README "Screenshots"), then:
//
//   CODE_SERVER=/path/to/code-server/out/node/entry.js PUPPETEER_CORE=/path/to/node_modules/puppeteer-core \
//   CHROMIUM=/usr/bin/chromium SPELL_LSP=… SPELL=… VSIX=/tmp/spell.vsix node scripts/code-server-check.mjs
//
// Exit status 0 when every check passed. Screenshots go to docs/.
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = (k) => {
  const v = process.env[k];
  if (!v) {
    console.error(`code-server-check: set ${k}`);
    process.exit(2);
  }
  return v;
};
const CODE_SERVER = env('CODE_SERVER');
const puppeteer = createRequire(import.meta.url)(env('PUPPETEER_CORE'));
const CHROMIUM = env('CHROMIUM');
const SPELL_LSP = env('SPELL_LSP');
const SPELL = env('SPELL');
const VSIX = env('VSIX');
const PORT = Number(process.env.PORT ?? 18543);

const tmp = mkdtempSync(join(tmpdir(), 'spell-code-server-'));
const userData = join(tmp, 'user');
const extensions = join(tmp, 'extensions');
const ws = join(tmp, 'workspace');
mkdirSync(join(userData, 'User'), { recursive: true });
mkdirSync(ws, { recursive: true });
copyFileSync(join(root, 'docs', 'agent.spl'), join(ws, 'agent.spl'));
writeFileSync(join(ws, 'scratch.spl'), '');
const settings = (theme) =>
  JSON.stringify(
    {
      'workbench.colorTheme': theme,
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
      'editor.fontSize': 14,
      'editor.minimap.enabled': false,
      'window.commandCenter': false,
      'workbench.tips.enabled': false,
      'chat.commandCenter.enabled': false,
      'spell.server.path': SPELL_LSP,
      'spell.run.path': SPELL,
      'extensions.ignoreRecommendations': true,
      'telemetry.telemetryLevel': 'off',
    },
    null,
    2,
  );
writeFileSync(join(userData, 'User', 'settings.json'), settings('Default Dark+'));

const cs = (args, opts = {}) =>
  spawn(process.execPath, [CODE_SERVER, '--user-data-dir', userData, '--extensions-dir', extensions, ...args], opts);

execFileSync(process.execPath, [CODE_SERVER, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', VSIX], {
  stdio: 'inherit',
});
const server = cs(['--auth', 'none', '--bind-addr', `127.0.0.1:${PORT}`, '--disable-telemetry', '--disable-workspace-trust', ws], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
let serverLog = '';
server.stdout.on('data', (d) => (serverLog += d));
server.stderr.on('data', (d) => (serverLog += d));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

let browser;
try {
  // wait for code-server to listen (hang guard: 120 s)
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${PORT}/healthz`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (i > 240) throw new Error(`code-server did not start:\n${serverLog}`);
    await sleep(500);
  }
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--window-size=1280,800'],
    defaultViewport: { width: 1280, height: 800 },
  });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(ws)}`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
  await sleep(5000);

  // open a file by double-clicking its row in the Explorer, then focus the editor text
  const openFile = async (name) => {
    const row = await page.waitForFunction(
      (n) => [...document.querySelectorAll('.explorer-folders-view .monaco-list-row')].find((r) => r.textContent.trim() === n),
      { timeout: 60_000 },
      name,
    );
    await row.asElement().click({ count: 2 });
    await page.waitForFunction(
      (n) => document.querySelector('.tab.active')?.textContent.includes(n) && document.querySelector('.editor-instance .view-lines'),
      { timeout: 60_000 },
      name,
    );
    await sleep(1500);
    await page.click('.editor-instance .view-lines');
    await sleep(500);
  };
  const editorText = () =>
    page.evaluate(() => {
      const lines = [...document.querySelectorAll('.editor-instance .view-lines .view-line')];
      lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
      return lines.map((l) => l.textContent.replace(/\u00a0/g, ' ')).join('\n');
    });
  const key = async (combo) => {
    const parts = combo.split('+');
    for (const k of parts.slice(0, -1)) await page.keyboard.down(k);
    await page.keyboard.press(parts[parts.length - 1]);
    for (const k of parts.slice(0, -1).reverse()) await page.keyboard.up(k);
    await sleep(600);
  };

  // the server has answered once its code lens ("Run | Test") is shown; semantic tokens come
  // with it. Then the cursor goes to the end so no line or bracket is highlighted.
  const serverShot = async (file) => {
    await page.waitForFunction(() => document.querySelector('.editor-instance .codelens-decoration'), { timeout: 120_000 });
    await sleep(3000);
    await key('Control+End');
    await page.screenshot({ path: file });
  };

  // 1. the demo file with the server's colours (Dark+)
  await openFile('agent.spl');
  await serverShot(join(root, 'docs', 'screenshot-dark.png'));
  const problems = await page.evaluate(() => document.querySelector('.statusbar-item[id$="problems"]')?.textContent?.trim() ?? '');
  check(/^0\s+0/.test(problems), `no problems in the demo file: ${JSON.stringify(problems)}`);

  // 2. Enter and over-typing: (let [x 1 Enter y 2]
  await openFile('scratch.spl');
  await page.keyboard.type('(let [x 1');
  await page.keyboard.press('Enter');
  await sleep(1500); // on-type formatting
  await page.keyboard.type('y 2]');
  await sleep(800);
  let text = await editorText();
  check(text === '(let [x 1\n      y 2])', `Enter + over-typing: ${JSON.stringify(text)}`);

  // 3. paredit: slurp and barf on "(a b) c" with the cursor on b
  await key('Control+a');
  await page.keyboard.type('(a b');
  await key('End');
  await page.keyboard.type(' c');
  await sleep(500);
  text = await editorText();
  check(text === '(a b) c', `typed "(a b) c": ${JSON.stringify(text)}`);
  await key('Home');
  await key('ArrowRight');
  await key('ArrowRight');
  await key('ArrowRight');
  await key('Control+Alt+.');
  text = await editorText();
  check(text === '(a b c)', `slurp forward: ${JSON.stringify(text)}`);
  await key('Control+Alt+,');
  text = await editorText();
  check(text === '(a b) c', `barf forward: ${JSON.stringify(text)}`);
  await key('Control+Alt+Shift+P');
  text = await editorText();
  check(text === '(a (b)) c', `wrap in parens: ${JSON.stringify(text)}`);
  await key('Control+z');
  text = await editorText();
  check(text === '(a b) c', `one undo step: ${JSON.stringify(text)}`);
  await page.screenshot({ path: join(tmp, 'scratch.png') });

  // 4. Light+ (settings are re-read when the window reloads)
  await key('Control+a');
  await key('Delete');
  await key('Control+s');
  writeFileSync(join(userData, 'User', 'settings.json'), settings('Default Light+'));
  await sleep(2000);
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
  await sleep(4000);
  await openFile('agent.spl');
  await serverShot(join(root, 'docs', 'screenshot-light.png'));
} catch (err) {
  failures.push(String(err && err.stack ? err.stack : err));
  console.error(err);
} finally {
  if (browser) await browser.close();
  server.kill();
}
console.log(failures.length === 0 ? 'code-server-check: all checks passed' : `code-server-check: ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);
