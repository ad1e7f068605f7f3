#!/usr/bin/env node
// A fake `spell` CLI for the unit tests. It appends {argv, stdin, cwd} to $FAKE_SPELL_LOG (one
// JSON line per call) and behaves as $FAKE_SPELL_MODE says:
//   reply    print $FAKE_SPELL_REPLY on stdout, exit $FAKE_SPELL_EXIT (default 0)
//   loop     never finish (an endless evaluation)
//   garbage  print something that is not JSON, exit 0
//   crash    print a Go-like panic on stderr, exit 2
//   run      print the output and error of a failing program and a trace directory
'use strict';
const fs = require('fs');

const chunks = [];
if (process.env.FAKE_SPELL_MODE === 'run') {
  // spell run leaves stdin to the program (the terminal stays interactive): do not wait for it.
  main();
} else {
  process.stdin.on('data', (c) => chunks.push(c));
  process.stdin.on('end', main);
}

function main() {
  const stdin = Buffer.concat(chunks).toString('utf8');
  if (process.env.FAKE_SPELL_LOG) {
    fs.appendFileSync(process.env.FAKE_SPELL_LOG, JSON.stringify({ argv: process.argv.slice(2), stdin, cwd: process.cwd() }) + '\n');
  }
  const exit = Number(process.env.FAKE_SPELL_EXIT || 0);
  switch (process.env.FAKE_SPELL_MODE || 'reply') {
    case 'reply':
      process.stdout.write(process.env.FAKE_SPELL_REPLY || '');
      process.exitCode = exit;
      return;
    case 'loop':
      setInterval(() => {}, 1000);
      return;
    case 'garbage':
      process.stdout.write('usage: something else entirely\n');
      return;
    case 'crash':
      process.stderr.write('panic: runtime error: index out of range\n');
      process.exitCode = 2;
      return;
    case 'run':
      process.stdout.write('hello from the program\n');
      process.stderr.write('agent.spl:3:5: error: Unbound symbol: lenght\n');
      process.stderr.write(`Trace: ${process.env.FAKE_SPELL_TRACE || '/tmp/spell-runs/20261206-010203-abcdef'}\n`);
      process.exitCode = exit;
      process.stdin.destroy();
      return;
  }
}
