import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/helpers/wait.js';
import { HookChannel, MAX_REPORT_BYTES, SECRET_ENV, checkReport, sendReport, socketPathFor, type HookReport } from './channel.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SESSION = '0b6f2c1e-8d3a-4f5b-9c7d-1e2f3a4b5c6d';

async function open(timeoutMs?: number) {
  const dir = mkdtempSync(join(tmpdir(), 'channel-'));
  const reports: HookReport[] = [];
  const refused: string[] = [];
  const channel = await HookChannel.listen(join(dir, 'supervisor.sock'), {
    onReport: (r) => reports.push(r),
    onRefused: (m) => refused.push(m),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => channel.close());
  const secret = channel.agentEnv('backend', true)[SECRET_ENV] as string;
  return { channel, reports, refused, secret };
}

/** Sends raw bytes and hangs up; resolves once the connection has closed. */
function sendRaw(path: string, data: string): Promise<void> {
  return new Promise((resolve) => {
    const sock = connect(path, () => sock.end(data));
    sock.on('error', () => {});
    sock.on('close', () => resolve());
  });
}

describe('checkReport', () => {
  const secrets = new Map([['backend', 'the-secret']]);
  const check = (v: unknown) => checkReport(typeof v === 'string' ? v : JSON.stringify(v), (a) => secrets.get(a));
  const good = { agent: 'backend', secret: 'the-secret', event: 'Notification', notificationType: 'permission_prompt' };

  it('believes a well-formed report carrying the agent secret, and strips the secret', () => {
    expect(check(good)).toEqual({ ok: true, report: { agent: 'backend', event: 'Notification', notificationType: 'permission_prompt' } });
    expect(check({ ...good, event: 'SessionStart', sessionId: SESSION })).toMatchObject({ ok: true, report: { sessionId: SESSION } });
  });

  it('refuses a wrong or missing secret, naming the agent', () => {
    expect(check({ ...good, secret: 'guess' })).toEqual({ ok: false, message: 'refused a hook report for backend: bad secret' });
    expect(check({ ...good, secret: undefined })).toEqual({ ok: false, message: 'refused a hook report for backend: bad secret' });
  });

  it('refuses an agent it does not know without echoing the claimed name', () => {
    const r = check({ ...good, agent: '\u001b]52;c;evil\u0007' });
    expect(r).toEqual({ ok: false, message: 'refused a hook report: no agent of that name takes hook reports' });
  });

  it('refuses a session id that is not a UUID, an unknown event, extra fields and non-JSON', () => {
    expect(check({ ...good, event: 'SessionStart', sessionId: '--dangerously-skip-permissions' })).toMatchObject({ ok: false, message: expect.stringMatching(/^refused a hook report for backend: invalid sessionId/) });
    expect(check({ ...good, event: 'Bogus' })).toMatchObject({ ok: false, message: expect.stringMatching(/invalid event/) });
    expect(check({ ...good, blocked: 'yes' })).toMatchObject({ ok: false });
    expect(check({ ...good, extra: 1 })).toMatchObject({ ok: false });
    expect(check('{"agent":')).toEqual({ ok: false, message: 'refused a hook report: not JSON' });
    expect(check('[]')).toMatchObject({ ok: false });
  });
});

describe('HookChannel', () => {
  it('is reachable by its owner only', async () => {
    const { channel } = await open();
    expect(statSync(channel.path).mode & 0o777).toBe(0o600);
  });

  it('keeps a socket path that is too long in a folder private to this user', () => {
    const path = socketPathFor(`/${'x'.repeat(120)}`);
    expect(path.startsWith(join(tmpdir(), `supervise-${process.getuid!()}`))).toBe(true);
  });

  it('delivers authenticated reports and refuses forged ones, changing nothing', async () => {
    const { channel, reports, refused, secret } = await open();
    await sendReport(channel.path, { agent: 'backend', event: 'Notification', notificationType: 'permission_prompt' }, 'forged');
    await sendReport(channel.path, { agent: 'frontend', event: 'Stop', blocked: true }, secret);
    await waitFor(() => refused.length === 2);
    expect(refused).toEqual(['refused a hook report for backend: bad secret', 'refused a hook report: no agent of that name takes hook reports']);
    expect(reports).toEqual([]);
    await sendReport(channel.path, { agent: 'backend', event: 'Stop' }, secret);
    await waitFor(() => reports.length === 1);
    expect(reports[0]).toEqual({ agent: 'backend', event: 'Stop' });
  });

  it('a new secret for an agent replaces the old one; an agent without hooks has none', async () => {
    const { channel, reports, refused, secret } = await open();
    const fresh = channel.agentEnv('backend', true)[SECRET_ENV] as string;
    expect(fresh).not.toBe(secret);
    expect(channel.agentEnv('docs', false)).toEqual({ SUPERVISE_SOCKET: channel.path });
    await sendReport(channel.path, { agent: 'backend', event: 'Stop' }, secret);
    await sendReport(channel.path, { agent: 'docs', event: 'Stop' }, '');
    await waitFor(() => refused.length === 2);
    expect(reports).toEqual([]);
  });

  it('drops a connection that sends more than the limit, and keeps working', async () => {
    const { channel, reports, refused, secret } = await open();
    const total = 32 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const written = await new Promise<number>((resolve) => {
      let sent = 0;
      const sock = connect(channel.path);
      sock.on('error', () => {});
      sock.on('close', () => resolve(sent));
      const pump = (): void => {
        while (sent < total && !sock.destroyed) {
          sent += chunk.length;
          if (!sock.write(chunk)) return void sock.once('drain', pump);
        }
        if (sent >= total) sock.end();
      };
      sock.on('connect', pump);
    });
    // Dropped once the limit was passed: what was written is the limit plus the kernel's buffers.
    expect(written).toBeLessThan(total / 4);
    expect(refused).toEqual([`refused a hook report: larger than ${MAX_REPORT_BYTES / 1024} KiB`]);
    await sendReport(channel.path, { agent: 'backend', event: 'Stop' }, secret);
    await waitFor(() => reports.length === 1);
  });

  it('a flood of forged reports shows a few refusals, not one per report', async () => {
    const { channel, reports, refused, secret } = await open();
    for (let i = 0; i < 20; i++) await sendReport(channel.path, { agent: 'backend', event: 'Stop' }, 'forged');
    await sendReport(channel.path, { agent: 'backend', event: 'Stop' }, secret);
    await waitFor(() => reports.length === 1);
    expect(refused).toEqual(Array(5).fill('refused a hook report for backend: bad secret'));
  });

  it('logs every refusal with its time, also those the throttle keeps off the screen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'channel-log-'));
    const log = join(dir, 'logs', 'refused.log');
    const channel = await HookChannel.listen(join(dir, 'supervisor.sock'), { onReport: () => {}, onRefused: () => {}, refusedLog: log });
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => channel.close());
    for (let i = 0; i < 8; i++) await sendReport(channel.path, { agent: 'backend', event: 'Stop' }, 'forged');
    await sendRaw(channel.path, 'not json\n');
    await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').split('\n').length > 9);
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(9);
    expect(lines.slice(0, 8).every((l) => /^\d{4}-\d\d-\d\dT[\d:.]+Z refused a hook report: no agent of that name takes hook reports$/.test(l))).toBe(true);
    expect(lines[8]).toMatch(/refused a hook report: not JSON$/);
  });

  it('drops a connection that never finishes its report', async () => {
    const { channel, reports, refused, secret } = await open(200);
    const closed = new Promise<void>((resolve) => {
      const sock = connect(channel.path, () => sock.write('{"agent":"backend"'));
      sock.on('error', () => {});
      sock.on('close', () => resolve());
    });
    await closed;
    expect(refused).toEqual(['refused a hook report: not complete within 0.2 s']);
    await sendRaw(channel.path, `${JSON.stringify({ agent: 'backend', event: 'Stop', secret })}\n`);
    await waitFor(() => reports.length === 1);
  });
});
