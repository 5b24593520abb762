/**
 * The agent status machine (SPEC §4.4): starting → working ⇄ needs-input ⇄ idle → exited | failed | stopped.
 * Pure: the supervisor feeds it events (hooks for Claude Code, output activity and prompt
 * patterns for the others) and stores what it returns.
 */
import type { Preset } from '../config/types.js';

export type AgentStatus = 'starting' | 'working' | 'needs-input' | 'idle' | 'exited' | 'failed' | 'stopped';

export type HookEventName = 'SessionStart' | 'Stop' | 'Notification' | 'SessionEnd' | 'UserPromptSubmit' | 'BeforeAgent' | 'AfterAgent' | 'AfterTool' | 'PermissionRequest' | 'PostToolUse';

export type StatusEvent =
  | { type: 'output' } // the agent printed something
  | { type: 'quiet' } // no output for a while
  | { type: 'prompt'; waiting: 'needs-input' | 'idle' } // a preset prompt pattern is on screen
  | { type: 'input' } // the user typed into the agent
  | { type: 'hook'; event: HookEventName; notificationType?: string }
  | { type: 'exit'; exitCode: number | null; signal: string | null; stopRequested: boolean };

export const FINAL_STATUSES: ReadonlySet<AgentStatus> = new Set(['exited', 'failed', 'stopped']);

export function isFinal(status: AgentStatus): boolean {
  return FINAL_STATUSES.has(status);
}

/**
 * Whether a preset reports exact transitions through hooks (then output activity is ignored).
 * Aider's one hook is its notifications command, which reports a turn end (docs/aider.md).
 */
export function usesHooks(preset: Preset): boolean {
  return preset === 'claude' || preset === 'gemini' || preset === 'codex' || preset === 'aider';
}

/** The next status; unchanged when the event says nothing new. */
export function nextStatus(current: AgentStatus, event: StatusEvent, preset: Preset): AgentStatus {
  if (isFinal(current)) return current;
  switch (event.type) {
    case 'exit':
      if (event.stopRequested) return 'stopped';
      return event.exitCode === 0 && !event.signal ? 'exited' : 'failed';
    case 'hook':
      return fromHook(current, event);
    case 'input':
      // Answering a question sets the agent going again; typing at an idle prompt may not, except
      // into aider, which has no hook that says a prompt was sent: only its turn end says idle again.
      return current === 'needs-input' || (preset === 'aider' && current === 'idle') ? 'working' : current;
    case 'output':
      if (usesHooks(preset)) return current === 'starting' ? 'working' : current;
      return current === 'needs-input' ? current : 'working';
    case 'quiet':
      if (usesHooks(preset)) return current;
      return current === 'working' || current === 'starting' ? 'idle' : current;
    case 'prompt':
      if (usesHooks(preset) && current === 'needs-input') return current;
      return event.waiting;
  }
}

function fromHook(current: AgentStatus, event: { event: HookEventName; notificationType?: string }): AgentStatus {
  switch (event.event) {
    case 'SessionStart':
    case 'UserPromptSubmit':
    case 'BeforeAgent': // Gemini CLI: a prompt goes to the model
    case 'AfterTool': // Gemini CLI: a tool ran, so any approval it asked for was given
    case 'PostToolUse': // Codex: the same
      return 'working';
    case 'Stop':
    case 'AfterAgent': // Gemini CLI: the turn ended (a refused one never reaches the status)
      return 'idle';
    case 'PermissionRequest': // Codex: exactly when its approval prompt shows
      return 'needs-input';
    case 'Notification':
      if (event.notificationType === 'permission_prompt' || event.notificationType === 'elicitation_dialog' || event.notificationType === 'ToolPermission') return 'needs-input';
      if (event.notificationType === 'idle_prompt') return 'idle';
      return current;
    case 'SessionEnd':
      return current; // the PTY's exit decides exited/failed
  }
}

/** Short words for the sidebar and headless lines. */
export const STATUS_WORD: Record<AgentStatus, string> = {
  starting: 'starting',
  working: 'working',
  'needs-input': 'input',
  idle: 'idle',
  exited: 'exited',
  failed: 'failed',
  stopped: 'stopped',
};
