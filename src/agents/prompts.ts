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
  // Codex 0.171: "Would you like to run the following command? … › 1. Yes, proceed (y)" and the
  // empty composer "› Ask Codex to do anything" (docs/codex.md); older versions' prompts kept.
  codex: {
    needsInput: [...QUESTION, /^\s*▌?\s*(?:Yes|No), /, /Would you like to (?:run the following command|make the following edits)\?/, /^\s*›?\s*1\. Yes, proceed\b/],
    idle: [/^\s*▌\s*$/, /send a message/i, /^\s*›\s*Ask Codex to do anything/],
  },
  gemini: { needsInput: [...QUESTION, /Waiting for user confirmation/i, /Allow execution of \[/, /^\s*│?\s*●\s*1\. Allow once/], idle: [/Type your message/i] },
  // Aider: "Create new file? (Y)es/(N)o [Yes]: ", and its prompt "> ", prefixed by an edit format
  // other than the model's ("ask> ", "architect> ") and "multi" in multi-line mode (docs/aider.md).
  aider: { needsInput: [...QUESTION, /\(Y\)es\/\(N\)o\b.*\[[^\]]*\]:\s*$/], idle: [/^(?:[\w-]+ ?)?(?:multi ?)?> ?$/] },
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

// Anything a typed line could answer. Broader than the needs-input patterns on purpose: it guards
// what we type into an agent, so a false alarm costs one skipped nudge, a miss a wrong answer.
const ASKS = [
  /\((?:y\/n|yes\/no)\)/i,
  /\[(?:y\/n|yes\/no)\]/i,
  /\(Y\)es\b|\(N\)o\b/i, // aider: (Y)es/(N)o [Yes]:
  /\b(?:do you want|would you like|are you sure|waiting for user confirmation)\b/i,
  /\bpress (?:enter|return|any key)\b/i,
  /^(?:Allow|Approve)\b.*\?/i,
  /\b(?:proceed|continue|overwrite|replace)\s*\?/i,
  /^[❯›>▶▸●→]\s*(?:\d+[.)]\s*\S|(?:Yes|No)\b)/, // a choice menu's pointer: ❯ 1. Yes, › No
  /^\d+[.)]\s*(?:Yes|No)\b/i, // its other rows: 2. No, and tell Claude…
];
// Box borders and gutters that frame a dialog's lines.
const FRAME = /^[\s│┃║▌▐╎┆]+|[\s│┃║▌▐╎┆]+$/g;

/** Whether the last `depth` non-empty screen lines show a question a typed line could answer. */
export function showsQuestion(lines: string[], depth = 8): boolean {
  const tail = lines.map((l) => l.replace(FRAME, '')).filter((l) => l !== '').slice(-depth);
  return tail.some((line) => ASKS.some((re) => re.test(line)));
}

// Claude Code's folder-trust dialog: shown before any hook runs, so only the screen can tell.
const CLAUDE_TRUST_DIALOG = /Quick safety check|Do you trust the files in this folder|Yes, I trust this folder/;

/** Whether Claude Code's screen shows its "trust this folder?" dialog. */
export function showsTrustDialog(lines: string[]): boolean {
  return lines.some((l) => CLAUDE_TRUST_DIALOG.test(l));
}

/**
 * What an agent waiting for an answer asks, in one line: from the first line of its last screen
 * lines that reads as a question down to the bottom (else the last two lines), frames removed.
 */
export function questionText(lines: string[], depth = 6): string | undefined {
  const tail = lines.map((l) => l.replace(FRAME, '').trim()).filter((l) => l !== '').slice(-depth);
  const first = tail.findIndex((line) => ASKS.some((re) => re.test(line)));
  const text = (first >= 0 ? tail.slice(first) : tail.slice(-2)).join(' / ');
  if (!text) return undefined;
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}
