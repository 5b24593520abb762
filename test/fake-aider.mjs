#!/usr/bin/env node
// A stand-in for aider (0.86) in the parts the `aider` preset relies on (docs/aider.md), for tests
// on machines without Python's aider. Like aider it parses its flags (an unknown one is an error,
// exit 2), takes --file files into the chat (a git-ignored one only with --add-gitignore-files)
// and --read files read-only, runs the commands of a --load file (`/code MSG` sends MSG and then
// says it is "only supported in interactive mode"), never commits with --no-auto-commits, and when
// it waits for input after a model request runs --notifications-command through `sh -c` with its
// terminal as stdin and the output captured. Its prompt is `> `; it takes a bracketed paste as one
// message and Enter sends. The "model" is scripted by environment variables:
//   FAKE_AIDER_RECORD=FILE        NDJSON: the start (argv, chat and read-only files' text), each
//                                 message, each notification (its exit code)
//   FAKE_AIDER_HANDOFF_TURN=N     the turn (1-based) whose reply updates the handoff (0: never)
//   FAKE_AIDER_EDIT=PATH          every turn appends a line to PATH (the agent's work)
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const VERSION = '0.86.3.dev';
// Aider's flags that take a value, and those that take none (a --no-X form exists for each of these).
const VALUE_FLAGS = new Set(['file', 'read', 'load', 'notifications-command', 'chat-history-file', 'input-history-file', 'model', 'edit-format', 'message', 'encoding']);
const BOOL_FLAGS = new Set(['notifications', 'auto-commits', 'dirty-commits', 'gitignore', 'add-gitignore-files', 'restore-chat-history', 'yes-always', 'pretty', 'stream', 'fancy-input', 'check-update', 'show-release-notes', 'analytics']);

function parseArgs(argv) {
  const opts = { file: [], read: [], positional: [], bool: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      opts.positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (VALUE_FLAGS.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) usage(`argument --${name}: expected one argument`);
      if (name === 'file' || name === 'read') opts[name].push(value);
      else opts[name] = value;
    } else if (BOOL_FLAGS.has(name)) opts.bool[name] = true;
    else if (name.startsWith('no-') && BOOL_FLAGS.has(name.slice(3))) opts.bool[name.slice(3)] = false;
    else usage(`unrecognized arguments: ${arg}`);
  }
  return opts;
}

function usage(message) {
  process.stderr.write(`usage: aider [-h] [--file FILE] [--read FILE] [--load LOAD_FILE] ...\naider: error: ${message}\n`);
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));
const out = (text) => process.stdout.write(text.replaceAll('\n', '\r\n'));
const record = (event) => {
  if (process.env.FAKE_AIDER_RECORD) fs.appendFileSync(process.env.FAKE_AIDER_RECORD, `${JSON.stringify({ ...event, at: Date.now() })}\n`);
};
const chatHistory = opts['chat-history-file'] ?? '.aider.chat.history.md';
const history = (text) => fs.appendFileSync(chatHistory, `${text}\n`);

function gitIgnored(file) {
  try {
    execFileSync('git', ['check-ignore', '-q', '--', file], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// ─── Start: banner, chat files, read-only files ──────────────────────────────────────────────
out(`Aider v${VERSION} (stand-in)\nMain model: stand-in with diff edit format\nGit repo: .git\n`);
history(`\n# aider chat started at ${new Date().toISOString()}\n`);
const chat = [];
for (const file of [...opts.positional, ...opts.file]) {
  if (gitIgnored(file) && !opts.bool['add-gitignore-files']) out(`Skipping ${file} that matches gitignore spec.\n`);
  else chat.push(file);
}
const readOnly = {};
for (const file of opts.read) {
  if (fs.existsSync(file)) readOnly[file] = fs.readFileSync(file, 'utf8');
  else out(`Error: Read-only file ${file} does not exist. Skipping.\n`);
}
record({
  type: 'start',
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  chat: Object.fromEntries(chat.map((f) => [f, fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : ''])),
  readOnly,
  secret: Boolean(process.env.SUPERVISE_HOOK_SECRET),
});

// ─── The "model" ─────────────────────────────────────────────────────────────────────────────
let turns = 0;
let bellOnNextInput = false;

function turn(message) {
  turns++;
  bellOnNextInput = true; // aider's io.llm_started()
  record({ type: 'message', turn: turns, text: message });
  history(`#### ${message}\n`);
  out(`\nWorking on it (turn ${turns}).\n`);
  if (process.env.FAKE_AIDER_EDIT) {
    fs.appendFileSync(process.env.FAKE_AIDER_EDIT, `turn ${turns}\n`);
    out(`Applied edit to ${process.env.FAKE_AIDER_EDIT}\n`);
  }
  const handoff = chat.find((f) => /HANDOFF\.md$/.test(f));
  if (handoff && Number(process.env.FAKE_AIDER_HANDOFF_TURN ?? 0) === turns) {
    const text = fs.readFileSync(handoff, 'utf8')
      .replace('## Completed\n', '## Completed\n- [x] Logout endpoint revokes the refresh token\n')
      .replace('## Key Decisions\n', '## Key Decisions\n- Revoked tokens live in a denylist table until they expire\n');
    fs.writeFileSync(handoff, text);
    out(`Applied edit to ${handoff}\n`);
  }
  if (opts.bool['auto-commits'] !== false) out('Commit 0000000 stand-in: aider would commit here\n');
  out(`Tokens: 1.2k sent, 80 received.\n`);
}

// aider's io.ring_bell(): once after a model request, when it first waits for input.
function ringBell() {
  if (!bellOnNextInput || !opts.bool.notifications) return;
  bellOnNextInput = false;
  const command = opts['notifications-command'];
  if (!command) return void out('\x07');
  const r = spawnSync('sh', ['-c', command], { stdio: ['inherit', 'pipe', 'pipe'] });
  record({ type: 'notify', status: r.status, stderr: r.stderr.toString() });
  if (r.status !== 0 && r.stderr.length) out(`Failed to run notifications command: ${r.stderr}\n`);
}

function runCommand(line) {
  const [word, ...rest] = line.split(' ');
  const args = rest.join(' ');
  if (word === '/exit' || word === '/quit') quit();
  if (word === '/code' || word === '/ask') {
    if (args.trim()) turn(args);
    return 'switch'; // aider raises SwitchCoder after the message ran
  }
  out(`Invalid command: ${word}\n`);
}

if (opts.load) {
  for (const raw of fs.readFileSync(opts.load, 'utf8').split('\n')) {
    const cmd = raw.trim();
    if (!cmd || cmd.startsWith('#')) continue;
    out(`\nExecuting: ${cmd}\n`);
    if (!cmd.startsWith('/')) out(`Invalid command: ${cmd.split(' ')[0]}\n`);
    else if (runCommand(cmd) === 'switch') out(`Command '${cmd}' is only supported in interactive mode, skipping.\n`);
  }
}

// ─── The prompt ──────────────────────────────────────────────────────────────────────────────
let buffer = '';
let pasting = false;
let pending = '';

function prompt() {
  out(`${'─'.repeat(40)}\n`);
  ringBell();
  const files = chat.join(' ');
  out(`${files ? `${files}\n` : ''}${opts.read.length ? `Readonly: ${opts.read.map((f) => path.basename(f)).join(' ')}\n` : ''}`);
  process.stdout.write('\x1b[?2004h> ');
}

function submit() {
  const line = buffer;
  buffer = '';
  process.stdout.write('\x1b[?2004l\r\n');
  if (line.startsWith('/')) runCommand(line.trim());
  else if (line.trim()) turn(line);
  prompt();
}

function quit() {
  process.stdout.write('\x1b[?2004l\r\n');
  record({ type: 'exit', turns });
  process.exit(0);
}

function onInput(chunk) {
  pending += chunk;
  for (;;) {
    if (pasting) {
      const end = pending.indexOf('\x1b[201~');
      if (end < 0) return;
      buffer += pending.slice(0, end).replace(/\r\n?/g, '\n');
      process.stdout.write(pending.slice(0, end).replace(/\r?\n/g, '\r\n'));
      pending = pending.slice(end + 6);
      pasting = false;
      continue;
    }
    if (pending.startsWith('\x1b[200~')) {
      pending = pending.slice(6);
      pasting = true;
      continue;
    }
    if (pending === '' || (pending.startsWith('\x1b') && pending.length < 6)) return;
    const ch = pending[0];
    pending = pending.slice(1);
    if (ch === '\r' || ch === '\n') submit();
    else if (ch === '\x04' && buffer === '') quit();
    else if (ch === '\x7f') buffer = buffer.slice(0, -1);
    else if (ch >= ' ' || ch === '\t') {
      buffer += ch;
      process.stdout.write(ch);
    }
  }
}

process.on('SIGHUP', () => process.exit(129));
if (process.stdin.isTTY) process.stdin.setRawMode(true);
process.stdin.setEncoding('utf8');
process.stdin.on('data', onInput);
process.stdin.on('end', quit);
prompt();
