/**
 * A sync never types into an agent unasked: real PTYs, the fake agent as Claude Code (hooks) and
 * as a custom agent, a real repository. The nudge reaches an agent Claude Code's hooks call idle;
 * a custom agent, quiet at its prompt or asking a [Y/n] question, never reads it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import { readNdjson } from '../helpers/fakeAgent.js';
import { createSupervisor } from '../helpers/supervisor.js';
import { makeTeam, type Team } from '../helpers/headless.js';
import { waitFor } from '../helpers/wait.js';

const teams: Team[] = [];
const sups: Supervisor[] = [];
afterEach(async () => {
  for (const s of sups.splice(0)) await s.shutdown();
  for (const t of teams.splice(0)) t.cleanup();
});

async function start(yaml: string): Promise<{ t: Team; sup: Supervisor; messages: string[] }> {
  const t = makeTeam(yaml);
  teams.push(t);
  const sup = await createSupervisor(t);
  sups.push(sup);
  const messages: string[] = [];
  sup.on('message', (m) => messages.push(m));
  await sup.start();
  return { t, sup, messages };
}

const status = (sup: Supervisor, name: string) => sup.agents().find((a) => a.name === name)!.status;
type Event = { type: string; line?: string; answer?: string };
const events = (t: Team, name: string) => readNdjson<Event>(`${t.record(name)}.events`);
const nudgeReached = (t: Team, name: string) => events(t, name).some((e) => e.type === 'input' && /team handoff was synced/.test(e.line ?? ''));

// Claude Code (the fake agent behind the `claude` shim) idles at its prompt after a Stop its hooks report.
const CLAUDE = `  - name: lead
    task: Lead
    args: [--fake-record, SCRATCH/lead.json, --fake-work, "50", --fake-interactive]
`;

describe('sync nudges', () => {
  it('with notify always: the hook-idle agent is nudged, the custom agent asking [Y/n] is not and reads only its real answer', async () => {
    const { t, sup, messages } = await start(`version: 1
project: Nudge
handoff: { enforce: off }
sync: { notify: always }
agents:
${CLAUDE}  - name: asker
    task: Ask
    preset: custom
    command: [FAKE, --fake-record, SCRATCH/asker.json, --fake-work, "50", --fake-confirm]
`);
    await waitFor(() => status(sup, 'lead') === 'idle', { timeout: 15_000, message: 'lead idle from its Stop hook' });
    await waitFor(() => sup.session('asker')?.screen.viewportText().some((l) => l.includes('Apply the change? [Y/n]')), { message: "asker's question" });

    const summary = await sup.sync();
    expect(summary.nudged).toEqual(['lead']);
    expect(summary.skipped).toEqual([{ agent: 'asker', reason: 'asking a question' }]);
    expect(messages.at(-1)).toBe('synced 2 worktrees, nudged 1: lead; not nudged: asker (asking a question)');
    await waitFor(() => nudgeReached(t, 'lead'), { message: 'the nudge to lead' });

    // The answer the question reads is the one typed after the sync: no nudge was waiting in its input.
    sup.write('asker', 'n\r');
    const answer = await waitFor(() => events(t, 'asker').find((e) => e.type === 'answer'), { message: "asker's answer" });
    expect(answer.answer).toBe('n');
  });

  it('with notify idle: a custom agent quiet at its prompt is not nudged, and the message says why', async () => {
    const { t, sup, messages } = await start(`version: 1
project: Nudge
handoff: { enforce: off }
agents:
${CLAUDE}  - name: quiet
    task: Quiet
    preset: custom
    command: [FAKE, --fake-record, SCRATCH/quiet.json, --fake-work, "50", --fake-interactive]
`);
    await waitFor(() => status(sup, 'lead') === 'idle' && status(sup, 'quiet') === 'idle', { timeout: 15_000, message: 'both idle' });
    const summary = await sup.sync();
    expect(summary.nudged).toEqual(['lead']);
    expect(messages.at(-1)).toBe('synced 2 worktrees, nudged 1: lead; not nudged: quiet (custom agent)');
    await waitFor(() => nudgeReached(t, 'lead'), { message: 'the nudge to lead' });
    // A line typed after the sync is the first input the custom agent reads.
    sup.write('quiet', 'hello\r');
    await waitFor(() => events(t, 'quiet').some((e) => e.type === 'input'), { message: "quiet's input" });
    expect(events(t, 'quiet').filter((e) => e.type === 'input').map((e) => e.line)).toEqual(['hello']);
  });
});
