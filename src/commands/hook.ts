/**
 * `supervise hook EVENT --agent NAME`: run by Claude Code's hooks inside a worktree, with the
 * hook's JSON on stdin. Reports to the supervisor and, for stop, enforces handoff.enforce.
 * `turn-end` is aider's notifications command: no JSON and no stdin (aider's terminal is its
 * stdin), a turn end checked as a Stop, the refusal typed into aider by the supervisor.
 * A hook must never break the agent: anything unexpected lets the agent carry on.
 */
import { basename, dirname } from 'node:path';
import { SuperviseError } from '../errors.js';
import { CLAUDE_HOOKS, type ClaudeHookEvent, type HookVerb } from '../agents/claudeSettings.js';
import { GEMINI_HOOKS, GEMINI_SECRET_ENV, firstGeminiSessionEnd, geminiRefusedBefore, rememberGeminiRefusal, type GeminiHookEvent, type GeminiHookVerb } from '../agents/geminiSettings.js';
import { CODEX_HOOKS, type CodexHookEvent, type CodexHookVerb } from '../agents/codexSettings.js';
import { AIDER_HOOKS, rememberAiderRefusal, takeAiderRefusal, type AiderHookVerb } from '../agents/aiderSettings.js';
import { stopVerdict } from '../agents/stopCheck.js';
import { isSessionId } from '../agents/presets.js';
import { MAX_FIELD, SECRET_ENV, sendReport, type HookReport } from '../supervisor/channel.js';
import { MAX_HANDOFF_BYTES, readWorktreeFile } from '../supervisor/readHandoff.js';
import { hashText, readAgentRecord } from '../supervisor/records.js';
import type { CommandArgs } from './table.js';

// Claude Code's, the Gemini CLI's, Codex's and aider's verbs; an event two of them have shares one
// name (aider's turn-end reports a Stop), and the same verb never names two events.
const EVENT_BY_VERB = Object.fromEntries(
  [...Object.entries(CLAUDE_HOOKS), ...Object.entries(GEMINI_HOOKS), ...Object.entries(CODEX_HOOKS), ...Object.entries(AIDER_HOOKS)].map(([e, v]) => [v, e]),
) as Record<HookVerb | GeminiHookVerb | CodexHookVerb | AiderHookVerb, ClaudeHookEvent | GeminiHookEvent | CodexHookEvent>;
const REINJECT_SOURCES = new Set(['resume', 'clear', 'compact']);

interface HookInput {
  session_id?: string;
  cwd?: string;
  source?: string;
  reason?: string;
  notification_type?: string;
  stop_hook_active?: boolean;
  message?: string;
  /** Gemini CLI AfterAgent: the turn's original prompt. */
  prompt?: string;
}

export async function hookCommand({ positionals, values, io }: CommandArgs): Promise<number> {
  const verb = positionals[0] as HookVerb | GeminiHookVerb | CodexHookVerb | AiderHookVerb | undefined;
  const event = verb && EVENT_BY_VERB[verb];
  if (!event) {
    throw new SuperviseError('UsageError', `unknown hook event "${verb ?? ''}".`, {}, `Use one of: ${Object.keys(EVENT_BY_VERB).join(', ')}.`);
  }
  const agent = values.agent as string | undefined;
  if (!agent) throw new SuperviseError('UsageError', '`supervise hook` needs --agent NAME.');
  const aider = verb === AIDER_HOOKS.Stop;
  const input: HookInput = aider ? {} : parseInput(await readStdin());
  const root = (values.root as string | undefined) ?? io.env.SUPERVISE_ROOT;
  const record = root ? await readAgentRecord(root, agent) : undefined;
  if (!record) return 0; // not started by a supervisor: nothing to enforce or report

  // Only what the supervisor's schema takes: a malformed field would get the whole report refused.
  const report: HookReport = {
    agent,
    event,
    sessionId: isSessionId(input.session_id) ? input.session_id : undefined,
    source: short(input.source),
    reason: short(input.reason),
    notificationType: short(input.notification_type),
    stopHookActive: typeof input.stop_hook_active === 'boolean' ? input.stop_hook_active : undefined,
    message: typeof input.message === 'string' && input.message.trim() ? input.message.trim().slice(0, MAX_FIELD) : undefined,
  };

  if (event === 'SessionStart' && input.source && REINJECT_SOURCES.has(input.source)) {
    // The team handoff when there is one yet, else what the agent was given.
    const team = (await readText(dirname(record.teamHandoffPath), basename(record.teamHandoffPath))) ?? (await readText(record.worktree, record.handoffFile));
    if (team) {
      io.out(JSON.stringify({
        hookSpecificOutput: {
          hookEventName: 'SessionStart',
          additionalContext: `The team handoff (${record.handoffFile}), re-injected after ${input.source}:\n\n${team}`,
        },
      }));
    }
  }

  // The Gemini CLI's AfterAgent ends a turn as Claude Code's Stop does, and takes the same answer.
  if (event === 'Stop' || event === 'AfterAgent') {
    const gemini = event === 'AfterAgent' && root !== undefined;
    const released =
      Boolean(input.stop_hook_active) ||
      (gemini && (await geminiRefusedBefore(root, agent, input.session_id, input.prompt))) ||
      (aider && root !== undefined && (await takeAiderRefusal(root, agent)));
    const read = await readWorktreeFile(record.worktree, record.handoffFile);
    const text = read.text;
    const verdict = read.refused
      ? {
          block: record.enforce === 'block' && !released,
          notUpdated: true,
          reason: `${read.refused}. Write ${record.handoffFile} as a plain file in your worktree, at most ${MAX_HANDOFF_BYTES / 1024} KiB, before you stop.`,
        }
      : stopVerdict({
          text,
          unchanged: text !== undefined && hashText(text) === record.injectedHash && !record.updatedBeforeSync,
          handoffFile: record.handoffFile,
          limits: record.limits,
          enforce: record.enforce,
          stopHookActive: released,
        });
    report.handoffNotUpdated = verdict.notUpdated;
    report.blocked = verdict.block;
    if (verdict.reason) report.blockReason = verdict.reason.slice(0, MAX_FIELD);
    if (verdict.block && gemini) await rememberGeminiRefusal(root, agent, input.session_id, input.prompt);
    if (verdict.block && aider && root) await rememberAiderRefusal(root, agent);
    // Aider reads no answer (it captures the output and goes on): the supervisor types the reason.
    if (verdict.block && !aider) io.out(JSON.stringify({ decision: 'block', reason: verdict.reason }));
  }

  // Without the secret the supervisor gave this agent (Claude Code started by hand in the
  // worktree, say), a report would only be refused: the hook still enforced, it just stays quiet.
  const secret = io.env[SECRET_ENV] || io.env[GEMINI_SECRET_ENV];
  const geminiSecret = io.env[GEMINI_SECRET_ENV];
  if (event === 'SessionEnd' && geminiSecret && root && !(await firstGeminiSessionEnd(root, agent, input.session_id, geminiSecret))) return 0;
  if (secret) await sendReport(io.env.SUPERVISE_SOCKET ?? record.socket, report, secret);
  return 0;
}

/** A short string field, or nothing. */
function short(v: unknown): string | undefined {
  return typeof v === 'string' && v.length <= 100 ? v : undefined;
}

function parseInput(text: string): HookInput {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? (v as HookInput) : {};
  } catch {
    return {};
  }
}

/** A file the agent could have replaced (by a FIFO, a link, a huge file): read only when safe. */
async function readText(dir: string, file: string): Promise<string | undefined> {
  return (await readWorktreeFile(dir, file)).text;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
