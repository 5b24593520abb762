import { posix } from 'node:path';

/** Claude Code's local settings, where injection writes the hooks and the handoff permission. */
export const CLAUDE_LOCAL_SETTINGS = '.claude/settings.local.json';
/** The Gemini CLI's workspace settings, where injection merges its hooks. */
export const GEMINI_WORKSPACE_SETTINGS = '.gemini/settings.json';

/**
 * Files the supervisor itself writes into every worktree, as git names them (repository-relative,
 * normalised: `./HANDOFF.md` is `HANDOFF.md`): never an agent's work. The git adapter keeps them
 * out of agents' commits and out of diff stats.
 */
export function ownFiles(handoffFile: string): ReadonlySet<string> {
  return new Set([posix.normalize(handoffFile), CLAUDE_LOCAL_SETTINGS, GEMINI_WORKSPACE_SETTINGS]);
}
