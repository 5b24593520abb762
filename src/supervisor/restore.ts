/**
 * A start that follows an earlier run (SPEC §9): read `.supervise/state.json`, recover from a
 * crash by merging what the agents had written into their worktrees' handoffs (before anything
 * resumes, so nothing is lost), then set each run up to start, resume or stay finished.
 */
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { LoadedConfig } from '../config/types.js';
import type { StopOptions } from '../session/session.js';
import { isSessionId } from '../agents/presets.js';
import { AgentLog, logPath } from './logs.js';
import { readAgentRecord } from './records.js';
import { crashMessage, finishedState, planMessage, planStart } from './resume.js';
import type { Run } from './run.js';
import type { StateFile } from './stateFile.js';
import { syncTeam } from './sync.js';
import type { TeamContext } from './team.js';

export interface RestoreInput {
  loaded: LoadedConfig;
  stateFile: StateFile;
  runs: Run[];
  team: TeamContext;
  fresh: boolean;
  message(text: string): void;
}

/** Applies the previous run's state to `runs`; returns the runs to launch. */
export async function restoreRuns(input: RestoreInput): Promise<Run[]> {
  const { loaded, runs } = input;
  const saved = await input.stateFile.load();
  const names = new Set(runs.map((r) => r.config.name));
  input.stateFile.carry((saved?.agents ?? []).filter((a) => !names.has(a.name)));
  const plan = planStart([...names], saved, { fresh: input.fresh, previousAlive: saved !== undefined && saved.pid !== process.pid && processAlive(saved.pid) });
  if (saved && plan.crashed) {
    input.message(crashMessage(saved, plan));
    // Every configured agent, not only this run's (--only): nothing any of them wrote is lost.
    const agents = await Promise.all(
      loaded.config.agents.map(async (a) => ({
        agent: a.name,
        branch: a.branch,
        worktree: join(loaded.worktreeRoot, a.name),
        handoffFile: loaded.config.handoff.file,
        // What was injected adds nothing; anything the agent wrote since is merged.
        injectedHash: (await readAgentRecord(loaded.root, a.name))?.injectedHash,
        status: plan.interrupted.includes(a.name) ? 'interrupted (the supervisor crashed)' : undefined,
      })),
    );
    const result = await syncTeam(input.team, agents, { writeWorktrees: false });
    input.message(result.changed.length ? `recovered the handoffs of ${result.changed.join(', ')} into the team handoff.` : 'no agent had written to its handoff since it was given one; nothing to recover.');
  }
  const launch: Run[] = [];
  for (const p of plan.agents) {
    const run = runs.find((r) => r.config.name === p.name)!;
    if (p.decision === 'finished' && p.previous) {
      Object.assign(run.state, finishedState(p.previous, run.state));
      continue;
    }
    if (p.decision === 'resume' && p.previous) {
      run.resumed = true;
      // A chain goes on at the step and round it had reached.
      if (p.previous.chain && run.config.chain) run.state.chain = p.previous.chain;
      if (p.previous.preset === run.config.preset) run.state.sessionId = p.previous.sessionId;
    }
    launch.push(run);
  }
  // The last message is the one a TUI keeps on screen: after a crash it says so again.
  const text = planMessage(plan);
  if (text) input.message(plan.crashed ? `recovered from a crash; ${text}` : text);
  return launch;
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Where Claude Code keeps the transcript of `sessionId` for an agent working in `cwd`. */
export function claudeTranscriptPath(env: NodeJS.ProcessEnv, cwd: string, sessionId: string): string {
  const config = env.CLAUDE_CONFIG_DIR || join(env.HOME || homedir(), '.claude');
  return join(config, 'projects', cwd.replace(/[^a-zA-Z0-9]/g, '-'), `${sessionId}.jsonl`);
}

/** How long after an agent's stop its transcript may still be being written. */
const TRANSCRIPT_GRACE_MS = 3000;
const POLL_MS = 50;

/**
 * Claude Code writes its transcript 100–200 ms after Stop, and `--resume` before that answers
 * "No conversation found". Waits until the transcript exists and its size holds still between
 * two looks, for at most a few seconds after the agent stopped (`since`): an agent that stopped
 * long ago has whatever transcript it will ever have.
 */
export async function transcriptSettled(path: string, since: number, now = Date.now): Promise<boolean> {
  const deadline = since + TRANSCRIPT_GRACE_MS;
  let last = -1;
  for (;;) {
    const size = await stat(path).then((s) => s.size, () => -1);
    if (size >= 0 && size === last) return true;
    if (now() >= deadline) return size >= 0;
    last = size;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Before a launch: the agent's log is open and says how it starts; a resumed Claude agent's transcript is complete. */
export async function beforeLaunch(run: Run, root: string, env: NodeJS.ProcessEnv): Promise<void> {
  run.log ??= new AgentLog(logPath(root, run.config.name));
  run.log.note(`── ${run.config.name} ${run.resumed ? 'resumed' : 'started'} at ${new Date().toISOString()}`);
  const id = run.state.sessionId;
  if (run.resumed && run.config.preset === 'claude' && isSessionId(id)) {
    await transcriptSettled(claudeTranscriptPath({ ...env, ...run.config.env }, run.state.worktree, id), run.lastStopAt ?? run.state.endedAt ?? 0);
  }
}

/**
 * Stops an agent on request (hang-up, TERM, KILL). A Claude agent whose turn just ended is
 * stopped once its transcript is on disk, so `--resume` finds that turn.
 */
export async function haltRun(run: Run, env: NodeJS.ProcessEnv, stop?: StopOptions): Promise<void> {
  run.stopRequested = true;
  const id = run.state.sessionId;
  if (run.config.preset === 'claude' && isSessionId(id) && run.lastStopAt !== undefined) {
    await transcriptSettled(claudeTranscriptPath({ ...env, ...run.config.env }, run.state.worktree, id), run.lastStopAt);
  }
  await run.session?.stop(stop);
}
