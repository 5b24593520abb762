/**
 * Per-preset prompt patterns: what on an agent's screen says it waits for an answer
 * (needs-input) or for a new task (idle). Data, so a preset is one table entry.
 * Claude Code needs none: its hooks report exact transitions.
 */
import type { Preset } from '../config/types.js';

export interface PromptPatterns {
  needsInput: RegExp[];
  idle: RegExp[];
}

const QUESTION = [
  /\((?:y\/n|yes\/no)\)\s*$/i,
  /\[(?:y\/n|Y\/n|y\/N)\]\s*$/,
  /^\s*(?:Do you want to|Allow|Approve|Proceed\?|Run this command\?)/i,
];

export const PROMPT_PATTERNS: Record<Preset, PromptPatterns> = {
  claude: { needsInput: [], idle: [] },
  codex: { needsInput: [...QUESTION, /^\s*▌?\s*(?:Yes|No), /], idle: [/^\s*▌\s*$/, /send a message/i] },
  gemini: { needsInput: [...QUESTION, /Waiting for user confirmation/i], idle: [/Type your message/i] },
  aider: { needsInput: [...QUESTION], idle: [/^(?:\w+ )?> ?$/] },
  custom: { needsInput: [...QUESTION], idle: [/^\s*[>$❯]\s*$/] },
};

/** Match the last non-empty screen lines (bottom first) against a preset's patterns. */
export function detectPrompt(preset: Preset, lines: string[], depth = 3): 'needs-input' | 'idle' | undefined {
  const patterns = PROMPT_PATTERNS[preset];
  const tail = lines.map((l) => l.trimEnd()).filter((l) => l.trim() !== '').slice(-depth).reverse();
  for (const line of tail) {
    if (patterns.needsInput.some((re) => re.test(line))) return 'needs-input';
    if (patterns.idle.some((re) => re.test(line))) return 'idle';
  }
  return undefined;
}

// Claude Code's folder-trust dialog: shown before any hook runs, so only the screen can tell.
const CLAUDE_TRUST_DIALOG = /Quick safety check|Do you trust the files in this folder|Yes, I trust this folder/;

/** Whether Claude Code's screen shows its "trust this folder?" dialog. */
export function showsTrustDialog(lines: string[]): boolean {
  return lines.some((l) => CLAUDE_TRUST_DIALOG.test(l));
}
