/**
 * Status from output activity (SPEC §4.4): an agent without hooks that has gone quiet is idle,
 * unless its screen shows one of its preset's prompts; Claude Code before its first hook may sit
 * in a folder-trust dialog that no hook reports. The decisions are pure; the timer is one per agent.
 */
import type { Preset } from '../config/types.js';
import { detectPrompt, showsTrustDialog } from '../agents/prompts.js';
import { usesHooks, type AgentStatus, type StatusEvent } from '../agents/status.js';

export { questionText } from '../agents/prompts.js';

/** What a quiet screen says: a status event, Claude Code's trust dialog, or nothing. */
export type QuietVerdict = StatusEvent | 'trust-dialog' | undefined;

/** Whether output should move the quiet timer: not once hooks drive the status, unless text waits to be typed. */
export function watchesQuiet(preset: Preset, hookSeen: boolean, typing: boolean): boolean {
  return !usesHooks(preset) || !hookSeen || typing;
}

/** Reads an agent's screen once its output has gone quiet. */
export function quietVerdict(preset: Preset, hookSeen: boolean, status: AgentStatus, lines: string[]): QuietVerdict {
  // Codex's hooks fire from its first turn on; until one has, its screen is all there is.
  if (preset === 'codex' && !hookSeen) return screenPrompt(preset, lines);
  if (preset === 'gemini' && !hookSeen) {
    // The Gemini CLI's SessionStart comes at once unless its hooks are off (an untrusted folder,
    // a user setting): until one has come, its screen is all there is.
    const waiting = detectPrompt(preset, lines);
    return waiting ? { type: 'prompt', waiting } : undefined;
  }
  if (usesHooks(preset)) return !hookSeen && status !== 'needs-input' && showsTrustDialog(lines) ? 'trust-dialog' : undefined;
  const waiting = detectPrompt(preset, lines);
  return waiting ? { type: 'prompt', waiting } : { type: 'quiet' };
}

function screenPrompt(preset: Preset, lines: string[]): QuietVerdict {
  const waiting = detectPrompt(preset, lines);
  return waiting ? { type: 'prompt', waiting } : undefined;
}

/** A countdown that output moves along: one timer per agent rather than one per chunk (output comes many times a second). */
export class QuietTimer {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ms: number,
    private readonly fire: () => void,
  ) {}

  poke(): void {
    if (this.timer) this.timer.refresh();
    else this.timer = setTimeout(this.fire, this.ms);
  }

  disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
