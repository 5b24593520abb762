/**
 * The channel from `supervise hook` (run by an agent's CLI) to the running supervisor: a Unix
 * socket; each hook connects, sends one JSON line and hangs up. The socket lives under
 * `.supervise/` when the path fits a socket address, else in the temp folder.
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a hook reports: the event, the agent, and the fields of Claude Code's hook JSON we use. */
export interface HookReport {
  agent: string;
  event: 'SessionStart' | 'UserPromptSubmit' | 'Stop' | 'Notification' | 'SessionEnd';
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
}

// Linux's sun_path holds 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH = 100;

export function socketPathFor(root: string): string {
  const local = join(root, '.supervise', 'supervisor.sock');
  if (Buffer.byteLength(local) <= MAX_SOCKET_PATH) return local;
  const hash = createHash('sha256').update(root).digest('hex').slice(0, 16);
  return join(tmpdir(), `supervise-${hash}.sock`);
}

/** Listens for hook reports; call `close()` to stop and remove the socket. */
export class HookChannel {
  private constructor(
    private readonly server: Server,
    readonly path: string,
  ) {}

  static async listen(path: string, onReport: (r: HookReport) => void): Promise<HookChannel> {
    rmSync(path, { force: true }); // a socket file left by a supervisor that was killed
    const server = createServer((sock) => {
      let buf = '';
      sock.setEncoding('utf8');
      sock.on('data', (d: string) => {
        buf += d;
      });
      sock.on('end', () => {
        for (const line of buf.split('\n')) {
          if (!line.trim()) continue;
          try {
            onReport(JSON.parse(line) as HookReport);
          } catch {
            // a malformed report is dropped: a hook must never break the supervisor
          }
        }
      });
      sock.on('error', () => {});
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.unref();
    return new HookChannel(server, path);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.path, { force: true });
  }
}

/** Sends one report; resolves false when no supervisor listens (the hook still does its job). */
export function sendReport(path: string, report: HookReport, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(path);
    const timer = setTimeout(() => {
      sock.destroy();
      resolve(false);
    }, timeoutMs);
    sock.on('connect', () => sock.end(`${JSON.stringify(report)}\n`));
    sock.on('close', (hadError) => {
      clearTimeout(timer);
      resolve(!hadError);
    });
    sock.on('error', () => {});
  });
}
