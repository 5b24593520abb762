#!/usr/bin/env node
// A stand-in for Claude Code (and for any CLI agent) that the tests drive by flags and that
// powers `supervise demo`. It ships in the package and runs without a build step, so it is one
// file with node: imports only; the sections below are what would otherwise be modules.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

// ─── Options ────────────────────────────────────────────────────────────────────────────────

const HANDOFF_MODES = ['update', 'skip', 'invalid', 'after-block', 'skip-always'];
const REVIEW_MODES = ['fix-once', 'pass', 'never', 'none'];

/** Our own flags: `--fake-<name>`, or env FAKE_AGENT_<NAME> (flags win). */
const FLAGS = {
  record: { type: 'value', arg: 'FILE', help: 'write a JSON record of the start to FILE, events to FILE.events (NDJSON), and append one line per start to FILE.starts' },
  handoff: { type: 'value', arg: 'MODE', def: 'update', help: `what to do to HANDOFF.md before stopping: ${HANDOFF_MODES.join('|')}` },
  edit: { type: 'list', arg: 'PATH', help: 'create or append a line to PATH (repeatable; env: comma-separated)' },
  work: { type: 'int', arg: 'MS', def: 300, help: 'simulated work time, with a spinner and log lines' },
  'resume-work': { type: 'int', arg: 'MS', help: 'when resumed (--resume, or SUPERVISE_RESUMED=1): work MS, then finish without --fake-interactive, --fake-ask or --fake-confirm' },
  ask: { type: 'bool', help: 'ask a permission question before finishing and wait for a line' },
  confirm: { type: 'bool', help: 'after the work, ask "Apply the change? [Y/n]" and wait for a line (Enter alone means yes); the answer is recorded' },
  commit: { type: 'bool', help: 'after updating HANDOFF.md, `git add -A && git commit` in its folder, as agents usually do; the files committed are recorded' },
  'notify-ms': { type: 'int', arg: 'MS', def: 200, help: 'delay before the permission_prompt Notification hook' },
  interactive: { type: 'bool', help: 'after the work, stay at a `> ` prompt echoing lines; /exit ends' },
  'idle-notify-ms': { type: 'int', arg: 'MS', def: 0, help: 'when idle at the prompt, call Notification idle_prompt after MS (0: never)' },
  exit: { type: 'int', arg: 'CODE', def: 0, help: 'exit code at the end' },
  signal: { type: 'signal', arg: 'SIG', help: 'kill itself with SIG at the end (e.g. SIGKILL)' },
  'signal-after': { type: 'int', arg: 'MS', help: 'kill itself with --fake-signal (default SIGKILL) MS after start' },
  osc: { type: 'bool', help: 'emit OSC 52 clipboard, OSC 0 title and a DA query early on' },
  flood: { type: 'int', arg: 'BYTES', def: 0, help: 'write BYTES of coloured log lines before the work' },
  rate: { type: 'int', arg: 'BPS', def: 0, help: 'flood rate in bytes per second, written every 34 ms as an Ink app draws (0: as fast as possible)' },
  'spinner-hz': { type: 'int', arg: 'N', help: 'spinner frequency (default 10); during a flood only when given' },
  demo: { type: 'bool', help: 'demo mode: a realistic ~30 s coding session' },
  speed: { type: 'number', arg: 'X', def: 1, help: 'demo pacing multiplier (2 = twice as fast)' },
  name: { type: 'value', arg: 'NAME', help: 'agent name (default: SUPERVISE_AGENT, else "fake")' },
  'ignore-hup': { type: 'bool', help: 'ignore SIGHUP, as a process started under nohup does' },
  silent: { type: 'bool', help: 'never write to the terminal (so a hung-up terminal never fails a write)' },
  skills: { type: 'bool', help: 'follow chain steps: read SUPERVISE_SKILL and SUPERVISE_ROUND, edit work-<agent>.txt in build and fix, write the step into Current State (review: a verdict)' },
  review: { type: 'value', arg: 'MODE', def: 'fix-once', help: `with --fake-skills, what review writes: ${REVIEW_MODES.join('|')} (fix-once: "- Verdict: fix - …" in round 1, pass after)` },
  'skip-update': { type: 'list', arg: 'SKILL', help: 'with --fake-skills, leave HANDOFF.md untouched in this step (repeatable; env: comma-separated)' },
};

/** Claude Code flags that take one value; every other `--flag` is accepted and ignored. */
const CLAUDE_VALUE_FLAGS = new Set([
  'append-system-prompt', 'system-prompt', 'resume', 'session-id', 'model', 'fallback-model', 'settings',
  'permission-mode', 'add-dir', 'allowedTools', 'allowed-tools', 'disallowedTools', 'disallowed-tools',
  'mcp-config', 'output-format', 'input-format', 'max-turns', 'agents',
]);
const CLAUDE_SHORT_VALUE_FLAGS = new Map([['-r', 'resume']]);

class UsageError extends Error {}

function truthy(v) {
  return !/^(0|false|no|off)$/i.test(String(v).trim());
}

function convert(key, spec, raw) {
  switch (spec.type) {
    case 'int':
    case 'number': {
      const n = Number(raw);
      const ok = spec.type === 'int' ? Number.isInteger(n) && n >= 0 : Number.isFinite(n) && n > 0;
      if (!ok) throw new UsageError(`--fake-${key} expects ${spec.type === 'int' ? 'a whole number ≥ 0' : 'a positive number'}, got "${raw}"`);
      return n;
    }
    case 'signal': {
      const name = /^\d+$/.test(raw) ? signalName(Number(raw)) : String(raw).toUpperCase().replace(/^(?!SIG)/, 'SIG');
      if (!name || !(name in os.constants.signals)) throw new UsageError(`--fake-${key}: unknown signal "${raw}"`);
      return name;
    }
    case 'value':
      if (key === 'handoff' && !HANDOFF_MODES.includes(raw)) {
        throw new UsageError(`--fake-handoff expects one of ${HANDOFF_MODES.join(', ')}, got "${raw}"`);
      }
      if (key === 'review' && !REVIEW_MODES.includes(raw)) {
        throw new UsageError(`--fake-review expects one of ${REVIEW_MODES.join(', ')}, got "${raw}"`);
      }
      return raw;
    default:
      return raw;
  }
}

function signalName(num) {
  return Object.keys(os.constants.signals).find((k) => os.constants.signals[k] === num);
}

/** Splits argv into Claude's flags, our `--fake-*` options and the positional prompt. */
function parseArgs(argv, env) {
  const fake = {};
  const claude = {};
  const positional = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a === '--help' || a === '-h') help = true;
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      const inline = eq === -1 ? undefined : a.slice(eq + 1);
      if (name.startsWith('fake-')) {
        const key = name.slice(5);
        const spec = FLAGS[key];
        if (!spec) throw new UsageError(`unknown flag --${name} (see --help)`);
        if (spec.type === 'bool') {
          fake[key] = inline === undefined ? true : truthy(inline);
          continue;
        }
        const raw = inline ?? argv[++i];
        if (raw === undefined) throw new UsageError(`--${name} needs a value`);
        if (spec.type === 'list') (fake[key] ??= []).push(raw);
        else fake[key] = convert(key, spec, raw);
      } else if (inline !== undefined) claude[name] = inline;
      else if (CLAUDE_VALUE_FLAGS.has(name) && i + 1 < argv.length && !argv[i + 1].startsWith('--')) claude[name] = argv[++i];
      else claude[name] = true;
    } else if (CLAUDE_SHORT_VALUE_FLAGS.has(a) && i + 1 < argv.length) claude[CLAUDE_SHORT_VALUE_FLAGS.get(a)] = argv[++i];
    else if (a.startsWith('-') && a.length > 1) claude[a] = true;
    else positional.push(a);
  }
  for (const [key, spec] of Object.entries(FLAGS)) {
    if (fake[key] !== undefined) continue;
    const raw = env[`FAKE_AGENT_${key.toUpperCase().replaceAll('-', '_')}`];
    if (raw !== undefined && raw !== '') {
      if (spec.type === 'bool') fake[key] = truthy(raw);
      else if (spec.type === 'list') fake[key] = raw.split(',').map((s) => s.trim()).filter(Boolean);
      else fake[key] = convert(key, spec, raw);
    } else if (spec.def !== undefined) fake[key] = spec.def;
    else if (spec.type === 'bool') fake[key] = false;
    else if (spec.type === 'list') fake[key] = [];
  }
  if (fake['signal-after'] !== undefined && !fake.signal) fake.signal = 'SIGKILL';
  return { help, fake, claude, prompt: positional.length ? positional.join(' ') : null };
}

function helpText() {
  const rows = Object.entries(FLAGS).map(([k, s]) => {
    const left = `  --fake-${k}${s.arg ? ` ${s.arg}` : ''}`;
    const def = s.def !== undefined && s.type !== 'bool' ? ` (default ${s.def})` : '';
    return `${left.padEnd(32)}${s.help}${def}`;
  });
  return [
    'fake-agent — a stand-in for a Claude Code-compatible agent CLI',
    '',
    'usage: fake-agent [claude flags…] [--fake-* flags…] [PROMPT]',
    '',
    'Claude Code flags taking a value (accepted; --append-system-prompt, --resume, --session-id',
    `and --settings are used): ${[...CLAUDE_VALUE_FLAGS].map((f) => `--${f}`).join(' ')}`,
    'Any other --flag is accepted and ignored.',
    '',
    'Behaviour flags (each also from env FAKE_AGENT_<NAME>, e.g. FAKE_AGENT_HANDOFF=skip):',
    ...rows,
    `${'  --help'.padEnd(32)}this text`,
    '',
    'Custom-agent env: SUPERVISE_AGENT, SUPERVISE_TASK, SUPERVISE_HANDOFF_FILE, SUPERVISE_ROOT;',
    'in a chain step also SUPERVISE_SKILL, SUPERVISE_ROUND and SUPERVISE_SKILL_FILE (see --fake-skills).',
    'Hooks: read from .claude/settings.json, .claude/settings.local.json and --settings.',
    'NO_COLOR turns colours off.',
    '',
  ].join('\n');
}

// ─── Screen: colours, lines and the spinner ─────────────────────────────────────────────────

const FRAMES = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';

function makePaint(color) {
  const sgr = (open) => (s) => (color ? `\x1b[${open}m${s}\x1b[0m` : String(s));
  return {
    bold: sgr('1'), dim: sgr('2'), red: sgr('31'), green: sgr('32'), yellow: sgr('33'), blue: sgr('34'),
    magenta: sgr('35'), cyan: sgr('36'), gray: sgr('90'), accent: sgr('38;5;209'), italic: sgr('3'),
  };
}

/** Clips plain text to the terminal width so redraws with \r never wrap. */
function fit(text, width) {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

class Screen {
  constructor(stream, color, silent = false) {
    this.stream = stream;
    this.silent = silent;
    this.p = makePaint(color);
    this.spinner = null;
    // A hung-up terminal turns writes into EIO errors; the agent must still run its SessionEnd hook.
    stream.on('error', () => {});
  }
  get width() {
    return Math.max(20, (this.stream.columns || 80) - 1);
  }
  raw(s) {
    if (this.silent) return true;
    try {
      return this.stream.write(s);
    } catch {
      return true;
    }
  }
  line(s = '') {
    if (this.spinner) this.raw('\r\x1b[2K');
    this.raw(`${s}\n`);
    if (this.spinner) this.drawSpinner();
  }
  startSpinner(label, hz = 10) {
    this.stopSpinner();
    if (hz <= 0) return;
    this.spinner = { label, started: Date.now(), frame: 0, timer: setInterval(() => this.drawSpinner(), 1000 / hz) };
    this.drawSpinner();
  }
  spinnerText() {
    const s = this.spinner;
    const frame = FRAMES[s.frame % FRAMES.length];
    const secs = Math.floor((Date.now() - s.started) / 1000);
    const tail = `(${secs}s · esc to interrupt)`;
    const plain = `${frame} ${s.label}… ${tail}`;
    if ([...plain].length <= this.width) return `${this.p.accent(frame)} ${this.p.bold(`${s.label}…`)} ${this.p.dim(tail)}`;
    return `${this.p.accent(frame)} ${fit(`${s.label}…`, this.width - 2)}`;
  }
  drawSpinner() {
    if (!this.spinner) return;
    this.raw(`\r\x1b[2K${this.spinnerText()}`);
    this.spinner.frame++;
  }
  stopSpinner() {
    if (!this.spinner) return;
    clearInterval(this.spinner.timer);
    this.spinner = null;
    this.raw('\r\x1b[2K');
  }
  /** Resolves once everything written so far has been handed to the terminal. */
  flush() {
    return new Promise((resolve) => {
      try {
        this.stream.write('', () => resolve());
      } catch {
        resolve();
      }
      setTimeout(resolve, 500).unref();
    });
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

// ─── Recorder ───────────────────────────────────────────────────────────────────────────────

class Recorder {
  constructor(file, cwd) {
    this.file = file ? path.resolve(cwd, file) : null;
    this.eventsFile = this.file ? `${this.file}.events` : null;
  }
  start(record) {
    if (!this.file) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    writeAtomic(this.file, `${JSON.stringify(record, null, 2)}\n`);
    fs.writeFileSync(this.eventsFile, '');
    const { argv, pid, env, sessionId, handoffAtStart } = record;
    fs.appendFileSync(`${this.file}.starts`, `${JSON.stringify({ time: new Date().toISOString(), pid, argv, sessionId, resumed: env.SUPERVISE_RESUMED ?? null, handoffAtStart })}\n`);
  }
  event(type, data) {
    if (!this.eventsFile) return;
    fs.appendFileSync(this.eventsFile, `${JSON.stringify({ type, time: new Date().toISOString(), ...data })}\n`);
  }
}

function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

// ─── Hooks, the way Claude Code runs them ───────────────────────────────────────────────────

/** Events whose hooks may refuse what is happening (exit 2 or decision "block"). */
const BLOCKING_EVENTS = new Set(['Stop', 'UserPromptSubmit']);

/** Merges the `hooks` of every settings source; Claude Code runs all of them. */
function loadHooks(cwd, settingsFlag, warn) {
  const sources = [path.join(cwd, '.claude', 'settings.json'), path.join(cwd, '.claude', 'settings.local.json')];
  const hooks = {};
  const add = (json, where) => {
    if (!json || typeof json !== 'object' || !json.hooks || typeof json.hooks !== 'object') return;
    for (const [event, groups] of Object.entries(json.hooks)) {
      if (Array.isArray(groups)) (hooks[event] ??= []).push(...groups);
      else warn(`${where}: hooks.${event} is not a list`);
    }
  };
  for (const file of sources) {
    const text = readText(file);
    if (text === null) continue;
    try {
      add(JSON.parse(text), file);
    } catch (err) {
      warn(`${file}: ${err.message}`);
    }
  }
  if (typeof settingsFlag === 'string') {
    try {
      const text = settingsFlag.trim().startsWith('{') ? settingsFlag : fs.readFileSync(path.resolve(cwd, settingsFlag), 'utf8');
      add(JSON.parse(text), '--settings');
    } catch (err) {
      warn(`--settings: ${err.message}`);
    }
  }
  return hooks;
}

function matcherMatches(matcher, value) {
  if (matcher === undefined || matcher === '' || matcher === '*' || value === undefined) return true;
  try {
    return new RegExp(`^(?:${matcher})$`).test(value);
  } catch {
    return matcher === value;
  }
}

function runCommand(hook, input, cwd) {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', hook.command], {
      cwd,
      env: { ...process.env, CLAUDE_PROJECT_DIR: cwd },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const seconds = typeof hook.timeout === 'number' && hook.timeout > 0 ? hook.timeout : 600;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, seconds * 1000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.on('error', () => {}); // a hook that never reads its input is fine
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ command: hook.command, exitCode: null, signal: null, stdout, stderr: String(err.message), timedOut });
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ command: hook.command, exitCode, signal, stdout, stderr, timedOut });
    });
    child.stdin.end(JSON.stringify(input));
  });
}

function parseJsonOutput(stdout) {
  const text = stdout.trim();
  if (!text.startsWith('{')) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Fires one hook event: runs the matching commands in parallel and folds their answers. */
async function fireHook(ctx, event, fields = {}, matchValue = undefined) {
  if (ctx.endPromise && event !== 'SessionEnd') return { blocked: false, reason: '', contexts: [], messages: [], errors: [] };
  const input = {
    session_id: ctx.sessionId,
    transcript_path: ctx.transcriptPath,
    cwd: ctx.cwd,
    permission_mode: 'default',
    hook_event_name: event,
    ...fields,
  };
  const seen = new Set();
  const commands = [];
  for (const group of ctx.hooks[event] ?? []) {
    if (!group || !matcherMatches(group.matcher, matchValue)) continue;
    for (const hook of group.hooks ?? []) {
      if (hook?.type !== 'command' || typeof hook.command !== 'string' || seen.has(hook.command)) continue;
      seen.add(hook.command);
      commands.push(hook);
    }
  }
  const results = await Promise.all(commands.map((h) => runCommand(h, input, ctx.cwd)));
  const answer = { blocked: false, reason: '', contexts: [], messages: [], errors: [] };
  const reasons = [];
  for (const r of results) {
    if (r.exitCode === 0) {
      const json = parseJsonOutput(r.stdout);
      if (json) {
        if (json.decision === 'block' && BLOCKING_EVENTS.has(event)) {
          answer.blocked = true;
          reasons.push(String(json.reason ?? ''));
        }
        const extra = json.hookSpecificOutput?.additionalContext;
        if (typeof extra === 'string' && extra) answer.contexts.push(extra);
        if (typeof json.systemMessage === 'string') answer.messages.push(json.systemMessage);
      } else if ((event === 'SessionStart' || event === 'UserPromptSubmit') && r.stdout.trim()) {
        answer.contexts.push(r.stdout.trim()); // plain stdout of these two is added as context
      }
    } else if (r.exitCode === 2 && BLOCKING_EVENTS.has(event)) {
      answer.blocked = true;
      reasons.push(r.stderr.trim());
    } else {
      answer.errors.push(r.stderr.trim() || (r.timedOut ? 'timed out' : `exit ${r.exitCode ?? r.signal}`));
    }
  }
  answer.reason = reasons.filter(Boolean).join('\n');
  ctx.recorder.event('hook', { event, input, results, ...answer });
  const { p } = ctx.screen;
  for (const msg of answer.messages) ctx.screen.line(p.dim(msg));
  for (const err of answer.errors) ctx.screen.line(p.dim(`${event} hook error: ${err.split('\n')[0]}`));
  return answer;
}

// ─── Session files ──────────────────────────────────────────────────────────────────────────

function createTranscript(ctx) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-agent-'));
  const file = path.join(dir, `${ctx.sessionId}.jsonl`);
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  ctx.transcriptDir = dir;
  fs.writeFileSync(file, '');
  return file;
}

function appendTurn(ctx, role, text) {
  const entry = {
    type: role,
    sessionId: ctx.sessionId,
    uuid: randomUUID(),
    timestamp: new Date().toISOString(),
    cwd: ctx.cwd,
    message: role === 'user' ? { role, content: text } : { role, content: [{ type: 'text', text }] },
  };
  try {
    fs.appendFileSync(ctx.transcriptPath, `${JSON.stringify(entry)}\n`);
  } catch {
    // the transcript is a courtesy to hooks; losing a line must not stop the session
  }
}

function gitBranch(cwd) {
  for (const args of [['rev-parse', '--abbrev-ref', 'HEAD'], ['symbolic-ref', '--short', 'HEAD']]) {
    const r = spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const out = r.status === 0 ? r.stdout.trim() : '';
    if (out && out !== 'HEAD') return out;
  }
  return 'unknown';
}

function estimateTokens(text) {
  return Math.round((text ?? '').length / 3.8);
}

// ─── HANDOFF.md ─────────────────────────────────────────────────────────────────────────────

const COMPLETED_CHARS = 360; // keeps Completed inside a 100-token section budget, attributions and all

function clip(text, n) {
  const one = String(text).replace(/\s+/g, ' ').trim();
  return one.length <= n ? one : `${one.slice(0, n - 1)}…`;
}

/** Title and Completed items of a handoff, read leniently. */
function readHandoff(text) {
  const lines = (text ?? '').replace(/^\uFEFF/, '').split(/\r?\n/);
  let title = '';
  let section = '';
  const completed = [];
  for (const line of lines) {
    const h1 = /^#\s+(.*)$/.exec(line);
    const h2 = /^##\s+(.*?)\s*#*\s*$/.exec(line);
    if (h2) section = h2[1].toLowerCase().replace(/\s+/g, ' ');
    else if (h1 && !title) title = h1[1].replace(/^handoff\s*[-–—:]\s*/i, '').trim();
    else if (section === 'completed' && /^\s*[-*]\s+\S/.test(line)) {
      let item = line.trim().replace(/^[-*]\s+/, '');
      if (!/^\[[ xX]\]/.test(item)) item = `[x] ${item}`;
      completed.push(`- ${item}`);
    }
  }
  return { title, completed };
}

/** A handoff in the template's format; `withBlockers: false` makes an invalid one. */
function composeHandoff(ctx, { withBlockers = true } = {}) {
  const { title, completed } = readHandoff(readText(ctx.handoffFile) ?? ctx.handoffAtStart);
  const project = title && !title.includes('{{') ? clip(title, 60) : path.basename(ctx.root);
  const agent = ctx.agent;
  const task = clip(ctx.task, 70);
  const mine = `- [x] ${task} (${agent})`;
  const items = [...new Set([...completed.filter((i) => i !== mine), mine])];
  // A chain step adds its own line below: room is kept for it.
  const room = ctx.skill ? COMPLETED_CHARS - 180 : COMPLETED_CHARS;
  while (items.length > 1 && items.join('\n').length > room) items.shift();
  const branch = gitBranch(ctx.cwd);
  const step = ctx.skill ? skillLines(ctx) : { state: [], completed: [] };
  const out = [
    `# HANDOFF - ${project}`,
    '',
    '## Current State',
    `- Branch: ${branch}`,
    `- Last agent: ${agent}`,
    `- Status: ${ctx.skill ? `${ctx.skill} done` : 'Done'}`,
    ...step.state,
    '',
    '## Completed',
    ...items,
    ...step.completed,
    '',
    '## In Progress',
    `- [ ] Edge cases of "${clip(ctx.task, 40)}" need a second look (${agent})`,
    '',
  ];
  if (withBlockers) {
    out.push('## Blockers', `- Decided AGAINST a rewrite because a small change in place was enough (${agent})`, '');
  }
  out.push(
    '## Next Steps',
    `1. Cover the edge cases of "${clip(ctx.task, 40)}" with a test`,
    '',
    '## Key Decisions',
    `- Kept the existing structure, because the team handoff asked for small diffs (${agent})`,
    '',
  );
  return out.join('\n');
}

/** The verdict line a review writes, from --fake-review and the round. */
function verdictLine(ctx) {
  const mode = ctx.opts.review;
  if (mode === 'none') return [];
  if (mode === 'pass' || (mode === 'fix-once' && ctx.round > 1)) return ['- Verdict: pass'];
  return [`- Verdict: fix - handle the empty input in work-${ctx.agent}.txt (round ${ctx.round})`];
}

/** What a chain step adds to the handoff: the step in Current State, what it did in Completed. */
function skillLines(ctx) {
  const { skill, round } = ctx;
  const state = [`- Step: ${skill} (round ${round})`];
  const completed = [];
  if (skill === 'review') state.push(...verdictLine(ctx));
  if (skill === 'fix') {
    const asked = /^\s*-\s*Verdict:\s*fix\s*-\s*(.*)$/im.exec(ctx.handoffAtStart ?? '')?.[1];
    completed.push(`- [x] Fixed: ${clip(asked ?? 'no verdict found in the handoff', 80)} (${ctx.agent})`);
  } else completed.push(`- [x] ${skill} step of round ${round} (${ctx.agent})`);
  return { state, completed };
}

/** Writes the handoff for `mode` (update or invalid); returns whether it wrote. */
function writeHandoff(ctx, mode, why) {
  const text = composeHandoff(ctx, { withBlockers: mode !== 'invalid' });
  fs.mkdirSync(path.dirname(ctx.handoffFile), { recursive: true });
  writeAtomic(ctx.handoffFile, text);
  ctx.recorder.event('handoff', { mode, why, file: ctx.handoffFile, chars: text.length });
  const { p } = ctx.screen;
  ctx.screen.line(`${p.green('●')} ${p.bold('Update')}(${ctx.handoffName})`);
  ctx.screen.line(p.dim(`  ⎿  Wrote ${text.split('\n').length} lines · ${estimateTokens(text)} tokens`));
  return true;
}

/** Handoff step before the first Stop of the task turn. */
function handoffBeforeStop(ctx) {
  const mode = ctx.opts.handoff;
  if (ctx.skill === 'build' || ctx.skill === 'fix') editFile(ctx, `work-${ctx.agent}.txt`);
  if (ctx.skill && ctx.opts['skip-update'].includes(ctx.skill)) {
    ctx.recorder.event('handoff', { mode: 'skip', why: `skip-update ${ctx.skill}` });
    return;
  }
  if (mode === 'update' || mode === 'invalid') writeHandoff(ctx, mode, 'before stop');
}

// ─── Work, flood, questions ─────────────────────────────────────────────────────────────────

function editFile(ctx, rel) {
  const file = path.resolve(ctx.cwd, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const before = readText(file);
  const sep = before && !before.endsWith('\n') ? '\n' : '';
  fs.appendFileSync(file, `${sep}edited by ${ctx.agent}: ${clip(ctx.task, 60)}\n`);
  ctx.recorder.event('edit', { path: rel, created: before === null });
  return before === null;
}

async function simulateWork(ctx) {
  const { screen, opts } = ctx;
  const { p } = screen;
  const slice = opts.work / 4;
  screen.startSpinner('Working', opts['spinner-hz'] ?? 10);
  const found = ctx.handoffAtStart === null ? 'not found' : `${estimateTokens(ctx.handoffAtStart)} tokens`;
  screen.line(`${p.cyan('●')} Reading ${ctx.handoffName}… ${found}`);
  await sleep(slice);
  screen.line(p.yellow(`… thinking about: ${clip(ctx.task, 60)}`));
  await sleep(slice);
  for (const rel of opts.edit) {
    const created = editFile(ctx, rel);
    screen.line(`${p.green('✓')} ${p.bold(created ? 'Write' : 'Edit')}(${rel})`);
  }
  await sleep(slice);
  screen.line(p.bold(`Done: ${clip(ctx.task, 70)}`));
  await sleep(slice);
  screen.stopSpinner();
}

const FLOOD_WORDS = ['request', 'handler', 'token', 'session', 'cache', 'résumé', 'naïve', 'λ-calc', '日本語', 'straße', 'über', 'schema', 'worktree', 'commit', 'diff'];

function makeFloodPool(color) {
  const p = makePaint(color);
  let seed = 0x2f6b1a;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const levels = [[p.green, 'INFO ', '✓'], [p.yellow, 'WARN ', '⚠'], [p.cyan, 'DEBUG', '→'], [p.red, 'ERROR', '✗']];
  const pool = [];
  for (let i = 0; i < 256; i++) {
    const [paint, level, mark] = pick(levels);
    const width = 80 + Math.floor(rand() * 81);
    const time = `[12:${String(i % 60).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}.${String((i * 13) % 1000).padStart(3, '0')}]`;
    const where = `src/${pick(FLOOD_WORDS)}/${pick(FLOOD_WORDS)}.ts:${1 + Math.floor(rand() * 400)}`;
    const used = [...`${time} ${level} ${where} ${mark} `].length;
    let body = '';
    while (used + [...body].length < width) body += `${pick(FLOOD_WORDS)} `;
    body = [...body].slice(0, width - used).join('');
    pool.push(Buffer.from(`${p.gray(time)} ${paint(level)} ${p.blue(where)} ${paint(mark)} ${p.bold(body.slice(0, 12))}${body.slice(12)}\n`));
  }
  return pool;
}

// A rate-limited flood writes in frames the way an Ink app such as Claude Code does: at most 30 a
// second (Ink's default maxFps renders every 34 ms).
const FLOOD_FRAME_MS = 34;

/** Writes at least `bytes` bytes of log lines at `rate` bytes/s, waiting for 'drain'. */
async function flood(ctx) {
  const { screen, opts } = ctx;
  const total = opts.flood;
  const rate = opts.rate;
  const hz = opts['spinner-hz'] ?? 0;
  const pool = makeFloodPool(ctx.color);
  const stream = screen.stream;
  const start = Date.now();
  let sent = 0;
  let next = 0;
  let frame = 0;
  let lastSpin = 0;
  const spinnerDue = () => hz > 0 && Date.now() - lastSpin >= 1000 / hz;
  const spin = () => {
    lastSpin = Date.now();
    return `\r\x1b[2K${screen.p.accent(FRAMES[frame++ % FRAMES.length])} Streaming logs… ${Math.floor(sent / 1024)} KiB`;
  };
  while (sent < total) {
    const allowed = rate > 0 ? Math.floor(((Date.now() - start) / 1000) * rate) - sent : total - sent;
    if (allowed <= 0) {
      if (spinnerDue()) screen.raw(spin());
      await sleep(FLOOD_FRAME_MS);
      continue;
    }
    const limit = Math.min(allowed, total - sent, 64 * 1024);
    const parts = hz > 0 ? [Buffer.from('\r\x1b[2K')] : [];
    let size = 0;
    while (size < limit) {
      const line = pool[next++ % pool.length];
      parts.push(line);
      size += line.length;
    }
    sent += size;
    if (hz > 0) parts.push(Buffer.from(spin()));
    if (!screen.raw(Buffer.concat(parts))) await new Promise((resolve) => stream.once('drain', resolve));
    await new Promise((resolve) => setImmediate(resolve)); // let timers and signals in
  }
  if (hz > 0) screen.raw('\r\x1b[2K');
  ctx.recorder.event('flood', { bytes: sent });
}

/** Reads stdin line by line, on demand, so a run that never asks leaves the terminal alone. */
class LineInput {
  constructor(stream) {
    this.stream = stream;
    this.rl = null;
    this.queue = [];
    this.waiters = [];
    this.closed = false;
  }
  next() {
    if (!this.rl) {
      this.stream.on('error', () => {}); // EIO once the terminal hangs up; 'close' follows
      this.rl = readline.createInterface({ input: this.stream, terminal: false });
      // Terminal answers to our own queries (DA) land in the input; a person never typed them.
      this.rl.on('line', (l) => this.push(l.replace(/\x1b\[[0-9;?>]*[a-zA-Z]|\x1b\][^\x07]*\x07/g, '').replace(/\r$/, '')));
      this.rl.on('close', () => {
        // A hang-up closes a terminal's input just before SIGHUP arrives; give the signal the
        // chance to end the session as "other" rather than as the user leaving.
        setTimeout(() => {
          this.closed = true;
          for (const w of this.waiters.splice(0)) w(null);
        }, this.stream.isTTY ? 150 : 0);
      });
    }
    if (this.queue.length) return Promise.resolve(this.queue.shift());
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  push(line) {
    const w = this.waiters.shift();
    if (w) w(line);
    else this.queue.push(line);
  }
  close() {
    this.rl?.close();
  }
}

/** A permission-style question; the Notification hook fires while it waits. */
async function askPermission(ctx, file) {
  const { screen } = ctx;
  const { p } = screen;
  screen.stopSpinner();
  screen.raw(`${p.yellow('?')} ${p.bold(`Allow edit to ${file}? (y/n)`)} `);
  let pending = null;
  const timer = setTimeout(() => {
    pending = fireHook(ctx, 'Notification', { message: 'Claude needs your permission to use Edit', notification_type: 'permission_prompt' }, 'permission_prompt');
  }, ctx.opts['notify-ms']);
  const answer = await ctx.input.next();
  clearTimeout(timer);
  await pending;
  const line = answer ?? '';
  screen.line(`you answered: ${line}`);
  ctx.recorder.event('answer', { question: `Allow edit to ${file}?`, answer: line });
  return /^\s*y/i.test(line);
}

/** A y/n question whose default is yes, the kind a stray line typed into the agent would answer. */
async function askConfirm(ctx) {
  const { screen } = ctx;
  screen.stopSpinner();
  screen.raw(`${screen.p.bold('Apply the change?')} [Y/n] `);
  const line = (await ctx.input.next()) ?? '';
  const yes = !/^\s*n/i.test(line);
  screen.line(yes ? 'applied' : 'not applied');
  ctx.recorder.event('answer', { question: 'Apply the change?', answer: line, yes });
  return yes;
}

/** `git add -A && git commit`, the way an agent following the usual flow commits its work. */
function commitAll(ctx) {
  const { screen } = ctx;
  const identity = { GIT_AUTHOR_NAME: 'fake-agent', GIT_AUTHOR_EMAIL: 'fake-agent@example.invalid' };
  const env = { ...identity, GIT_COMMITTER_NAME: identity.GIT_AUTHOR_NAME, GIT_COMMITTER_EMAIL: identity.GIT_AUTHOR_EMAIL, ...ctx.env };
  const git = (args) => spawnSync('git', args, { cwd: ctx.cwd, env, encoding: 'utf8' });
  const add = git(['add', '-A']);
  const commit = add.status === 0 ? git(['commit', '-q', '-m', `${ctx.agent}: ${clip(ctx.task, 60)}`]) : add;
  const files = commit.status === 0 ? git(['show', '--name-only', '--format=', 'HEAD']).stdout.split('\n').filter(Boolean) : [];
  const error = commit.status === 0 ? undefined : `${commit.stderr ?? ''}${commit.stdout ?? ''}`.trim();
  ctx.recorder.event('commit', { status: commit.status, files, error });
  screen.line(commit.status === 0 ? `${screen.p.green('✓')} Committed ${files.length} file(s)` : screen.p.red(`git commit failed: ${error}`));
}

// ─── Demo ───────────────────────────────────────────────────────────────────────────────────

const SCENARIOS = [
  {
    match: /test|spec|qa|coverage/i,
    steps: [
      { say: 'Reading the team handoff before writing tests.' },
      { handoff: true },
      { think: 'Thinking', ms: 3500 },
      { read: 'src/auth/logout.ts', ms: 2200, seed: ['export async function logout(req, res) {', "  res.clearCookie('session');", '  res.sendStatus(204);', '}'] },
      { say: 'Logout must revoke the token; I will test both paths.' },
      { write: 'test/auth/logout.test.ts', ms: 3000, lines: ["import { describe, it, expect } from 'vitest';", "import { logout } from '../../src/auth/logout';", '', "describe('logout', () => {", "  it('revokes the token', async () => {", '    const res = await call(logout, { jti: "a1", exp: 9e9 });', '    expect(res.status).toBe(204);', '  });', '});'] },
      { ask: 'test/auth/logout.test.ts' },
      { edit: 'test/auth/logout.test.ts', ms: 2500, append: ['', "it('rejects a revoked token', async () => {", '  expect(await call(me, { jti: "a1" })).toHaveStatus(401);', '});'] },
      { bash: 'npm test -- auth', ms: 4500, output: ['✓ test/auth/logout.test.ts (2 tests)', '✓ test/auth/session.test.ts (6 tests)', 'Tests  8 passed (8)'] },
      { think: 'Summarising', ms: 2000 },
      { update: true },
      { say: 'Logout is covered: revoke and reject paths both pass.' },
    ],
  },
  {
    match: /front|\bui\b|button|page|component|css|react|view|screen/i,
    steps: [
      { say: 'Reading the team handoff first.' },
      { handoff: true },
      { think: 'Thinking', ms: 3500 },
      { read: 'src/components/Header.tsx', ms: 2200, seed: ["import { Logo } from './Logo';", '', 'export function Header({ user }) {', '  return (', '    <header>', '      <Logo />', '      <span>{user.name}</span>', '    </header>', '  );', '}'] },
      { say: 'The header needs a logout button that calls the new endpoint.' },
      { write: 'src/components/LogoutButton.tsx', ms: 3000, lines: ["import { api } from '../api/client';", '', 'export function LogoutButton() {', '  const onClick = async () => {', "    await api.post('/auth/logout');", "    window.location.assign('/login');", '  };', '  return <button onClick={onClick}>Log out</button>;', '}'] },
      { ask: 'src/components/Header.tsx' },
      { edit: 'src/components/Header.tsx', ms: 2500, append: ["export { LogoutButton } from './LogoutButton';"] },
      { edit: 'src/components/LogoutButton.tsx', ms: 2000, replace: ['  return <button onClick={onClick}>Log out</button>;', '  return <button className="ghost" onClick={onClick}>Log out</button>;'] },
      { bash: 'npm run lint', ms: 3500, output: ['✓ 0 problems (0 errors, 0 warnings)'] },
      { think: 'Summarising', ms: 2000 },
      { update: true },
      { say: 'Logout button added to the header.' },
    ],
  },
  {
    match: /./,
    steps: [
      { say: 'Reading the team handoff first.' },
      { handoff: true },
      { think: 'Thinking', ms: 3500 },
      { read: 'src/auth/session.ts', ms: 2200, seed: ["import jwt from 'jsonwebtoken';", '', 'export function startSession(user, res) {', '  const jti = crypto.randomUUID();', "  const token = jwt.sign({ sub: user.id, jti }, SECRET, { expiresIn: '7d' });", "  res.cookie('session', token, { httpOnly: true });", '}', '', 'export function readSession(req) {', '  return jwt.verify(req.cookies.session, SECRET);', '}'] },
      { say: 'Sessions are JWTs; logout needs a denylist keyed by token id.' },
      { write: 'src/auth/denylist.ts', ms: 3000, lines: ['const revoked = new Map<string, number>();', '', 'export function revoke(jti: string, exp: number) {', '  revoked.set(jti, exp);', '}', '', 'export function isRevoked(jti: string): boolean {', '  const exp = revoked.get(jti);', '  return exp !== undefined && exp > Date.now() / 1000;', '}'] },
      { write: 'src/auth/logout.ts', ms: 2500, lines: ["import { revoke } from './denylist';", '', 'export async function logout(req, res) {', '  const { jti, exp } = req.user.token;', '  revoke(jti, exp);', "  res.clearCookie('session');", '  res.status(204).end();', '}'] },
      { ask: 'src/auth/logout.ts' },
      { edit: 'src/auth/logout.ts', ms: 2000, replace: ['  res.status(204).end();', '  res.sendStatus(204);'] },
      { bash: 'npm test -- auth', ms: 4500, output: ['✓ auth/session (6 tests)', '✓ auth/logout (4 tests)', 'Tests  10 passed (10)'] },
      { think: 'Summarising', ms: 2000 },
      { update: true },
      { say: 'Logout now revokes the token.' },
    ],
  },
];

function showDiff(ctx, rows) {
  const { screen } = ctx;
  const { p } = screen;
  const shown = rows.slice(0, 6);
  for (const [num, sign, text] of shown) {
    const body = fit(`${String(num).padStart(6)} ${sign} ${text}`, screen.width);
    screen.line(sign === '+' ? p.green(body) : sign === '-' ? p.red(body) : p.dim(body));
  }
  if (rows.length > shown.length) screen.line(p.dim(`       … +${rows.length - shown.length} lines`));
}

async function demoStep(ctx, step, pace) {
  const { screen } = ctx;
  const { p } = screen;
  const tool = (name, arg) => screen.line(`${p.green('●')} ${p.bold(name)}(${fit(arg, screen.width - name.length - 4)})`);
  const result = (text) => screen.line(p.dim(fit(`  ⎿  ${text}`, screen.width)));
  const work = async (label, ms) => {
    screen.startSpinner(label, ctx.opts['spinner-hz'] ?? 10);
    await sleep(pace(ms));
    screen.stopSpinner();
  };
  if (step.say) {
    screen.line(`${p.bold('●')} ${fit(step.say, screen.width - 2)}`);
    screen.line();
  } else if (step.handoff) {
    const found = ctx.handoffAtStart === null ? 'not found, starting fresh' : `${p.bold(String(estimateTokens(ctx.handoffAtStart)))} tokens`;
    screen.line(`${p.cyan('●')} Reading ${ctx.handoffName}… ${found}`);
    await sleep(pace(800));
  } else if (step.think) await work(step.think, step.ms);
  else if (step.read) {
    await work('Reading', step.ms);
    const file = path.resolve(ctx.cwd, step.read);
    // The demo repository may not have the file the story reads; give it one so later edits fit.
    if (readText(file) === null) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `${step.seed.join('\n')}\n`);
    }
    tool('Read', step.read);
    result(`Read ${readText(file).replace(/\n$/, '').split('\n').length} lines`);
  } else if (step.write || step.edit) {
    await work(step.write ? 'Writing' : 'Editing', step.ms);
    const rel = step.write ?? step.edit;
    if (ctx.denied.has(rel)) {
      tool('Edit', rel);
      result('Skipped: permission denied');
      return;
    }
    const file = path.resolve(ctx.cwd, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const before = readText(file);
    const old = before === null ? [] : before.replace(/\n$/, '').split('\n');
    let rows;
    let next;
    if (step.replace && old.includes(step.replace[0])) {
      const at = old.indexOf(step.replace[0]);
      next = [...old.slice(0, at), step.replace[1], ...old.slice(at + 1)];
      rows = [[at + 1, '-', step.replace[0]], [at + 1, '+', step.replace[1]]];
    } else {
      const added = step.lines ?? step.append ?? (step.replace ? [step.replace[1]] : []);
      next = [...old, ...added];
      rows = added.map((t, i) => [old.length + i + 1, '+', t]);
    }
    fs.writeFileSync(file, `${next.join('\n')}\n`);
    ctx.recorder.event('edit', { path: rel, created: before === null });
    const adds = rows.filter((r) => r[1] === '+').length;
    const dels = rows.length - adds;
    tool(before === null ? 'Write' : 'Edit', rel);
    result(before === null ? `Wrote ${adds} line${adds === 1 ? '' : 's'} to ${rel}` : `Updated ${rel} with ${adds} addition${adds === 1 ? '' : 's'}${dels ? ` and ${dels} removal${dels === 1 ? '' : 's'}` : ''}`);
    showDiff(ctx, rows);
  } else if (step.ask) {
    if (!ctx.opts.ask) return;
    if (!(await askPermission(ctx, step.ask))) ctx.denied.add(step.ask);
  } else if (step.bash) {
    tool('Bash', step.bash);
    await work('Running', step.ms);
    step.output.forEach((o, i) => {
      const text = fit(o, screen.width - 5);
      screen.line(`${i === 0 ? p.dim('  ⎿  ') : '     '}${o.startsWith('✓') ? p.green(text) : text}`);
    });
  } else if (step.update) {
    const mode = ctx.opts.handoff;
    if (mode === 'update' || mode === 'invalid') {
      await work('Updating handoff', 1200);
      writeHandoff(ctx, mode, 'demo');
    }
  }
}

async function runDemo(ctx) {
  const scenario = SCENARIOS.find((s) => s.match.test(`${ctx.agent} ${ctx.task}`));
  const pace = (ms) => ms / ctx.opts.speed;
  ctx.denied = new Set();
  for (const step of scenario.steps) await demoStep(ctx, step, pace);
}

// ─── The session ────────────────────────────────────────────────────────────────────────────

/** One turn's end, as Claude Code runs it: Stop, and when blocked, fix the handoff and stop again. */
async function stopTurn(ctx) {
  const { screen } = ctx;
  const { p } = screen;
  const first = await fireHook(ctx, 'Stop', { stop_hook_active: false });
  if (!first.blocked) return;
  screen.line(p.dim(`Stop hook feedback:\n${first.reason}`));
  if (ctx.opts.handoff !== 'skip-always') writeHandoff(ctx, 'update', 'stop hook feedback');
  const second = await fireHook(ctx, 'Stop', { stop_hook_active: true });
  if (second.blocked) screen.line(p.dim(`Stop hook feedback:\n${second.reason}`));
}

/** Runs UserPromptSubmit for a prompt; false when a hook refused it. */
async function submitPrompt(ctx, prompt) {
  const { p } = ctx.screen;
  const answer = await fireHook(ctx, 'UserPromptSubmit', { prompt });
  for (const c of answer.contexts) ctx.screen.line(p.dim(`[context] ${c.split('\n')[0]}`));
  if (answer.blocked) {
    ctx.screen.line(p.dim(`UserPromptSubmit hook refused the prompt: ${answer.reason.split('\n')[0]}`));
    return false;
  }
  appendTurn(ctx, 'user', prompt);
  return true;
}

async function interactiveLoop(ctx) {
  for (;;) {
    ctx.screen.raw('> ');
    let idle = null;
    const ms = ctx.opts['idle-notify-ms'];
    ctx.idleTimer = ms > 0 ? setTimeout(() => {
      idle = fireHook(ctx, 'Notification', { message: 'Claude is waiting for your input', notification_type: 'idle_prompt' }, 'idle_prompt');
    }, ms) : null;
    const line = await ctx.input.next();
    clearTimeout(ctx.idleTimer);
    await idle;
    if (await handleLine(ctx, line)) return;
  }
}

/** Handles one line at the prompt; true when the session should end. */
async function handleLine(ctx, line) {
  if (line === null || line.trim() === '/exit') return true;
  if (!line.trim()) return false;
  ctx.recorder.event('input', { line });
  if (!(await submitPrompt(ctx, line))) return false;
  ctx.screen.line(`echo: ${line}`);
  appendTurn(ctx, 'assistant', `echo: ${line}`);
  await stopTurn(ctx);
  return false;
}

function emitOsc(ctx) {
  const clip64 = Buffer.from(`fake clipboard from ${ctx.agent}`).toString('base64');
  ctx.screen.raw(`\x1b]52;c;${clip64}\x07\x1b]0;fake title\x07\x1b]2;fake title\x07\x1b[c`);
}

function selfKill(ctx, signal) {
  ctx.screen.stopSpinner();
  ctx.recorder.event('signal', { signal, self: true });
  if (ctx.transcriptDir) fs.rmSync(ctx.transcriptDir, { recursive: true, force: true });
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
  // A signal whose default action is to ignore (SIGCHLD, SIGWINCH…) leaves us alive: end anyway.
  setTimeout(() => hardExit(128 + (os.constants.signals[signal] ?? 0)), 100);
}

async function endSession(ctx, reason) {
  ctx.endPromise ??= (async () => {
    clearTimeout(ctx.idleTimer);
    ctx.screen.stopSpinner();
    await fireHook(ctx, 'SessionEnd', { reason }, reason);
    ctx.recorder.event('end', { reason });
  })();
  return ctx.endPromise;
}

async function exitWith(ctx, code) {
  ctx.input.close();
  await ctx.screen.flush();
  hardExit(code);
}

/** process.exit that survives a hung-up terminal. */
function hardExit(code) {
  // Node 20 aborts in its exit path when it cannot restore a hung-up terminal's settings; it
  // skips descriptors that are closed, and we never changed those settings, so close ours.
  // (isatty() already says no once the terminal is gone, so ask fstat.)
  for (const fd of [0, 1, 2]) {
    try {
      if (fs.fstatSync(fd).isCharacterDevice()) fs.closeSync(fd);
    } catch {
      // already closed
    }
  }
  process.exit(code);
}

function installSignalHandlers(ctx) {
  for (const [signal, code] of [['SIGHUP', 129], ['SIGTERM', 143], ['SIGINT', 130]]) {
    if (signal === 'SIGHUP' && ctx.opts['ignore-hup']) {
      process.on(signal, () => ctx.recorder.event('signal', { signal, self: false, ignored: true }));
      continue;
    }
    process.on(signal, () => {
      // A hang-up brings SIGHUP from the kernel and again from the closing side: the same signal
      // twice is one request, while a different one (TERM after HUP) means "now".
      if (ctx.signalled === signal) return;
      if (ctx.signalled) hardExit(code);
      ctx.signalled = signal;
      ctx.recorder.event('signal', { signal, self: false });
      endSession(ctx, 'other').finally(() => exitWith(ctx, code));
    });
  }
}

function createContext(parsed, env) {
  const cwd = process.cwd();
  const color = !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
  const screen = new Screen(process.stdout, color, Boolean(parsed.fake.silent));
  const warn = (msg) => screen.line(screen.p.dim(`warning: ${msg}`));
  const { fake, claude } = parsed;
  const handoffFile = env.SUPERVISE_HANDOFF_FILE ? path.resolve(cwd, env.SUPERVISE_HANDOFF_FILE) : path.join(cwd, 'HANDOFF.md');
  const resume = typeof claude.resume === 'string' ? claude.resume : undefined;
  const sessionId = resume ?? (typeof claude['session-id'] === 'string' ? claude['session-id'] : randomUUID());
  const ctx = {
    opts: fake,
    claude,
    cwd,
    env,
    color,
    screen,
    root: env.SUPERVISE_ROOT || cwd,
    agent: fake.name || env.SUPERVISE_AGENT || 'fake',
    // A resumed Claude agent gets a generic prompt; the task itself stays in the environment.
    task: env.SUPERVISE_TASK || parsed.prompt || '(no task)',
    prompt: parsed.prompt,
    resumed: resume !== undefined || claude.resume === true || claude.continue === true || claude['-c'] === true,
    sessionId,
    handoffFile,
    handoffName: path.relative(cwd, handoffFile) || 'HANDOFF.md',
    handoffAtStart: readText(handoffFile),
    hooks: loadHooks(cwd, claude.settings, warn),
    skill: fake.skills ? env.SUPERVISE_SKILL || null : null,
    round: Number(env.SUPERVISE_ROUND) || 1,
    recorder: new Recorder(fake.record, cwd),
    input: new LineInput(process.stdin),
    idleTimer: null,
    endPromise: null,
    signalled: null,
  };
  if (ctx.handoffName.startsWith('..')) ctx.handoffName = handoffFile;
  ctx.transcriptPath = createTranscript(ctx);
  return ctx;
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`fake-agent: ${err.message}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(helpText());
    return;
  }
  const ctx = createContext(parsed, process.env);
  const { screen, opts } = ctx;
  const { p } = screen;
  if (opts['resume-work'] !== undefined && (ctx.resumed || process.env.SUPERVISE_RESUMED === '1')) {
    Object.assign(opts, { work: opts['resume-work'], interactive: false, ask: false, confirm: false });
  }
  installSignalHandlers(ctx);
  ctx.recorder.start({
    argv: process.argv.slice(2),
    cwd: ctx.cwd,
    pid: process.pid,
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('SUPERVISE_'))),
    appendSystemPrompt: typeof ctx.claude['append-system-prompt'] === 'string' ? ctx.claude['append-system-prompt'] : null,
    prompt: ctx.prompt,
    task: ctx.task,
    agent: ctx.agent,
    sessionId: ctx.sessionId,
    handoffFile: ctx.handoffFile,
    handoffAtStart: ctx.handoffAtStart,
    hooksConfigured: Object.values(ctx.hooks).some((groups) => groups.length > 0),
  });
  if (opts['signal-after'] !== undefined) setTimeout(() => selfKill(ctx, opts.signal), opts['signal-after']);

  const room = screen.width - [...`✻ fake-agent · ${ctx.agent} · `].length;
  screen.line(`${p.accent('✻')} ${p.bold('fake-agent')} ${p.dim('·')} ${p.cyan(ctx.agent)} ${p.dim('·')} ${fit(ctx.task.split('\n')[0], Math.max(10, room))}`);
  screen.line(p.dim(`  ${path.basename(ctx.cwd)} · session ${ctx.sessionId.slice(0, 8)}${ctx.resumed ? ' (resumed)' : ''}`));
  if (opts.osc) emitOsc(ctx);
  const start = await fireHook(ctx, 'SessionStart', { source: ctx.resumed ? 'resume' : 'startup' }, ctx.resumed ? 'resume' : 'startup');
  for (const c of start.contexts) screen.line(p.dim(`[context] ${c.split('\n')[0]}`));
  screen.line();

  let work = true;
  if (ctx.prompt !== null) {
    screen.line(`${p.gray('>')} ${fit(ctx.prompt.split('\n')[0], screen.width - 2)}`);
    work = await submitPrompt(ctx, ctx.prompt);
  }
  if (work) {
    if (opts.flood > 0) await flood(ctx);
    if (opts.demo) await runDemo(ctx);
    else {
      await simulateWork(ctx);
      if (opts.ask) await askPermission(ctx, 'src/app.ts');
      if (opts.confirm) await askConfirm(ctx);
    }
    if (!opts.demo) handoffBeforeStop(ctx);
    if (opts.commit) commitAll(ctx);
    appendTurn(ctx, 'assistant', `Done: ${ctx.task}`);
    await stopTurn(ctx);
  }
  if (opts.interactive) await interactiveLoop(ctx);
  if (ctx.signalled) return;
  if (opts.signal) {
    if (opts['signal-after'] !== undefined) return; // the timer ends the session
    selfKill(ctx, opts.signal);
    return;
  }
  await endSession(ctx, 'prompt_input_exit');
  if (!ctx.signalled) await exitWith(ctx, opts.exit); // else the signal handler exits
}

main().catch((err) => {
  process.stderr.write(`fake-agent: ${err?.stack ?? err}\n`);
  hardExit(1);
});
