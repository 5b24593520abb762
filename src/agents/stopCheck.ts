/** The Stop-hook verdict (SPEC §4.6): may the agent stop, given its handoff? */
import type { Enforce } from '../config/types.js';
import type { HandoffLimits, ValidationReport } from '../handoff/types.js';
import { validateHandoff } from '../handoff/validate.js';

export interface StopVerdict {
  block: boolean;
  reason?: string;
  notUpdated: boolean;
  report?: ValidationReport;
}

export interface StopInput {
  /** The worktree's handoff now, or undefined when the file is gone. */
  text: string | undefined;
  /** Whether it equals what was injected. */
  unchanged: boolean;
  handoffFile: string;
  limits: HandoffLimits;
  enforce: Enforce;
  /** Claude Code sets this when the agent is stopping again after a block: never block twice. */
  stopHookActive: boolean;
}

export function stopVerdict(input: StopInput): StopVerdict {
  const { handoffFile, limits } = input;
  if (input.text === undefined || input.unchanged) {
    const what = input.text === undefined ? `${handoffFile} is missing` : `${handoffFile} is unchanged since your session started`;
    return verdict(input, true, `${what}. Update it in the template before you stop: ${templateRule(limits)}.`);
  }
  const report = validateHandoff(input.text, limits);
  if (report.valid) return { block: false, notUpdated: false, report };
  const errors = report.findings.filter((f) => f.severity === 'error').map((f) => `- ${f.message}`);
  return { ...verdict(input, false, `${handoffFile} is not valid yet:\n${errors.join('\n')}\nFix it (${templateRule(limits)}), then stop.`), report };
}

function verdict(input: StopInput, notUpdated: boolean, reason: string): StopVerdict {
  const block = input.enforce === 'block' && !input.stopHookActive;
  return { block, reason, notUpdated };
}

function templateRule(limits: HandoffLimits): string {
  return `sections Current State, Completed, In Progress, Blockers, Next Steps, Key Decisions in that order, at most ${limits.budget.section} tokens each and ${limits.budget.total} in total; say what you decided against in Blockers`;
}
