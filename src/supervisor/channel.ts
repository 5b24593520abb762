/**
 * The channel from `supervise hook` (run by an agent's CLI) to the running supervisor: a Unix
 * socket; each hook connects, sends one JSON line and hangs up. The socket lives under
 * `.supervise/` when the path fits a socket address, else in a private folder in the temp folder.
 *
 * Whoever can connect could pretend to be an agent's hook, so every report carries the secret
 * the supervisor gave that agent alone (in its environment, which Claude Code passes on to its
 * hooks; never in a file under the repository). A report is believed only when its secret
 * matches (compared in constant time) and it fits the schema below; anything else changes
 * nothing and is reported as refused. Agents run as the same user as the supervisor, and a
 * process of that user can read another's environment through /proc: the secret stops reports
 * forged by anyone who merely reaches the socket or by an agent naming another agent, not a
 * same-user process set on reading other processes' memory. The socket itself is mode 0600.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { appendFileSync, chmodSync, lstatSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { isSessionId } from '../agents/presets.js';
import { SuperviseError } from '../errors.js';

/** What a hook reports: the event, the agent, and the fields of Claude Code's hook JSON we use. */
export interface HookReport {
  agent: string;
  event: 'SessionStart' | 'UserPromptSubmit' | 'Stop' | 'Notification' | 'SessionEnd' | 'BeforeAgent' | 'AfterAgent' | 'AfterTool' | 'PermissionRequest' | 'PostToolUse';
  sessionId?: string;
  source?: string;
  reason?: string;
  notificationType?: string;
  stopHookActive?: boolean;
  /** For Stop: whether the hook refused the stop, and why. */
  blocked?: boolean;
  blockReason?: string;
  /** For Stop: the handoff is unchanged since injection. */
  handoffNotUpdated?: boolean;
  /** For Notification: what Claude Code says it waits for. */
  message?: string;
}

/** The environment variable that carries an agent's hook secret. */
export const SECRET_ENV = 'SUPERVISE_HOOK_SECRET';
/** A report is a few hundred bytes; a connection sending more than this is dropped. */
export const MAX_REPORT_BYTES = 64 * 1024;
/** A connection that has not finished its report by then is dropped (a hook sends at once). */
export const CONNECTION_TIMEOUT_MS = 5000;
/** Longest text field a report may carry (a refused stop's reason lists validation findings). */
export const MAX_FIELD = 4000;
const MAX_CONNECTIONS = 64;

const word = z.string().max(100);
const reportSchema = z.strictObject({
  agent: z.string().max(200),
  secret: z.string().max(200),
  // The Gemini CLI's SessionStart, Notification and SessionEnd share Claude Code's names; BeforeAgent, AfterAgent and AfterTool are its own.
  event: z.enum(['SessionStart', 'UserPromptSubmit', 'Stop', 'Notification', 'SessionEnd', 'BeforeAgent', 'AfterAgent', 'AfterTool', 'PermissionRequest', 'PostToolUse']),
  sessionId: z.string().refine(isSessionId, 'not a UUID').optional(),
  source: word.optional(),
  reason: word.optional(),
  notificationType: word.optional(),
  stopHookActive: z.boolean().optional(),
  blocked: z.boolean().optional(),
  blockReason: z.string().max(MAX_FIELD).optional(),
  handoffNotUpdated: z.boolean().optional(),
  message: z.string().max(MAX_FIELD).optional(),
});

export type CheckResult = { ok: true; report: HookReport } | { ok: false; message: string };

/**
 * Checks one line off the socket against the agents' secrets (undefined for an agent that may
 * not report). The refusal names the agent only when it is a known one, so a forged name never
 * reaches the screen.
 */
export function checkReport(line: string, secretFor: (agent: string) => string | undefined): CheckResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return refuse(undefined, 'not JSON');
  }
  const claimed = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const agent = typeof claimed.agent === 'string' ? claimed.agent : undefined;
  const expected = agent === undefined ? undefined : secretFor(agent);
  if (agent === undefined || expected === undefined) return refuse(undefined, 'no agent of that name takes hook reports');
  if (typeof claimed.secret !== 'string' || !sameSecret(claimed.secret, expected)) return refuse(agent, 'bad secret');
  const parsed = reportSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse(agent, `invalid ${issue?.path.join('.') || 'report'} (${issue?.message ?? 'rejected'})`);
  }
  const { secret: _secret, ...report } = parsed.data;
  return { ok: true, report };
}

function refuse(agent: string | undefined, why: string): CheckResult {
  return { ok: false, message: `refused a hook report${agent === undefined ? '' : ` for ${agent}`}: ${why}` };
}

/** Constant-time: both sides hashed first, so neither length nor content leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

// Linux's sun_path holds 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH = 100;

export function socketPathFor(root: string): string {
  const local = join(root, '.supervise', 'supervisor.sock');
  if (Buffer.byteLength(local) <= MAX_SOCKET_PATH) return local;
  const hash = createHash('sha256').update(root).digest('hex').slice(0, 16);
  return join(tmpdir(), `supervise-${process.getuid?.() ?? 'user'}`, `${hash}.sock`);
}

export interface ChannelHandlers {
  onReport(r: HookReport): void;
  /** A report that was not believed (bad secret, unknown agent, malformed, too big, too slow). */
  onRefused(message: string): void;
  /** Drop a connection still sending after this long (default CONNECTION_TIMEOUT_MS). */
  timeoutMs?: number;
  /** A file that gets every refusal with its time (onRefused's messages are throttled). */
  refusedLog?: string;
}

/** Listens for hook reports; call `close()` to stop and remove the socket. */
export class HookChannel {
  private constructor(
    private readonly server: Server,
    readonly path: string,
    /** Each reporting agent's current secret: kept in memory only. */
    private readonly secrets: Map<string, string>,
  ) {}

  static async listen(path: string, handlers: ChannelHandlers): Promise<HookChannel> {
    ensurePrivateDir(path);
    rmSync(path, { force: true }); // a socket file left by a supervisor that was killed
    const secrets = new Map<string, string>();
    const shown = throttle(handlers.onRefused);
    const logged = refusalLog(handlers.refusedLog);
    const onRefused = (message: string): void => {
      logged(message);
      shown(message);
    };
    const server = createServer((sock) => serve(sock, (line) => {
      const checked = checkReport(line, (agent) => secrets.get(agent));
      if (!checked.ok) return onRefused(checked.message);
      try {
        handlers.onReport(checked.report);
      } catch (err) {
        onRefused(`could not apply a hook report for ${checked.report.agent}: ${(err as Error).message}`);
      }
    }, onRefused, handlers.timeoutMs ?? CONNECTION_TIMEOUT_MS));
    server.maxConnections = MAX_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // A failed accept (too many open files) must not take the supervisor down.
    server.on('error', () => {});
    server.unref();
    const channel = new HookChannel(server, path, secrets);
    try {
      makePrivate(path);
    } catch (err) {
      await channel.close();
      throw err;
    }
    return channel;
  }

  /**
   * The environment an agent gets from the channel: the socket, and for an agent whose CLI runs
   * our hooks a fresh secret (any earlier one of that agent stops working).
   */
  agentEnv(agent: string, hooks: boolean): Record<string, string> {
    if (!hooks) {
      this.secrets.delete(agent);
      return { SUPERVISE_SOCKET: this.path };
    }
    const secret = randomBytes(32).toString('hex');
    this.secrets.set(agent, secret);
    return { SUPERVISE_SOCKET: this.path, [SECRET_ENV]: secret };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.path, { force: true });
  }
}

const REFUSALS_PER_WINDOW = 5;
const REFUSAL_WINDOW_MS = 10_000;

/**
 * At most a few refusal messages per window, so a flood of forged reports cannot keep the
 * screen busy; the first message of the next window counts the ones left out.
 */
function throttle(emit: (message: string) => void): (message: string) => void {
  let windowStart = 0;
  let shown = 0;
  let dropped = 0;
  return (message) => {
    const now = Date.now();
    if (now - windowStart >= REFUSAL_WINDOW_MS) {
      windowStart = now;
      shown = 0;
    }
    if (shown >= REFUSALS_PER_WINDOW) {
      dropped++;
      return;
    }
    shown++;
    emit(dropped ? `${message} (and ${dropped} more refused before it)` : message);
    dropped = 0;
  };
}

/** A refusal log stops growing at this size (a flood of forged reports cannot fill the disk). */
const MAX_REFUSAL_LOG_BYTES = 1024 * 1024;

/** Every refusal as a line with its time, appended to `path` up to MAX_REFUSAL_LOG_BYTES. */
function refusalLog(path: string | undefined): (message: string) => void {
  if (!path) return () => {};
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    // not there yet
  }
  return (message) => {
    if (size >= MAX_REFUSAL_LOG_BYTES) return;
    let line = `${new Date().toISOString()} ${message.replace(/\s+/g, ' ')}\n`;
    if (size + line.length >= MAX_REFUSAL_LOG_BYTES) line = `${new Date().toISOString()} the log is full: later refusals are not written\n`;
    try {
      if (size === 0) mkdirSync(dirname(path), { recursive: true });
      appendFileSync(path, line, { mode: 0o600 });
      size += Buffer.byteLength(line);
    } catch {
      size = MAX_REFUSAL_LOG_BYTES; // an unwritable log is not a reason to refuse anything else
    }
  };
}

/** Reads one connection, bounded in size and time; each complete line goes to `onLine`. */
function serve(sock: Socket, onLine: (line: string) => void, onRefused: (message: string) => void, timeoutMs: number): void {
  const chunks: Buffer[] = [];
  let size = 0;
  sock.on('error', () => {});
  sock.setTimeout(timeoutMs, () => {
    sock.destroy();
    onRefused(`refused a hook report: not complete within ${timeoutMs / 1000} s`);
  });
  sock.on('data', (d: Buffer) => {
    if (sock.destroyed) return;
    size += d.length;
    if (size > MAX_REPORT_BYTES) {
      chunks.length = 0;
      sock.destroy();
      onRefused(`refused a hook report: larger than ${MAX_REPORT_BYTES / 1024} KiB`);
      return;
    }
    chunks.push(d);
  });
  sock.on('end', () => {
    sock.setTimeout(0);
    for (const line of Buffer.concat(chunks).toString('utf8').split('\n')) if (line.trim()) onLine(line);
  });
}

/** The socket's folder when it is not the repository's: ours alone, or we refuse to listen in it. */
function ensurePrivateDir(path: string): void {
  const dir = dirname(path);
  if (basename(dir) === '.supervise') return; // the repository's own folder
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o077) !== 0) {
    throw new SuperviseError('RuntimeError', `the folder for the hook socket, ${dir}, is not private to this user.`, {}, 'Remove it and start again.');
  }
}

/** Only the owner may connect; checked after the fact, so a umask or file system that ignores the mode is caught. */
function makePrivate(path: string): void {
  chmodSync(path, 0o600);
  const st = lstatSync(path);
  if (!st.isSocket() || st.uid !== process.getuid?.() || (st.mode & 0o077) !== 0) {
    throw new SuperviseError('RuntimeError', `the hook socket ${path} could not be made private to this user.`);
  }
}

/** Sends one report with the agent's secret; resolves false when no supervisor listens (the hook still does its job). */
export function sendReport(path: string, report: HookReport, secret: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(path);
    const timer = setTimeout(() => {
      sock.destroy();
      resolve(false);
    }, timeoutMs);
    sock.on('connect', () => sock.end(`${JSON.stringify({ ...report, secret })}\n`));
    sock.on('close', (hadError) => {
      clearTimeout(timer);
      resolve(!hadError);
    });
    sock.on('error', () => {});
  });
}
