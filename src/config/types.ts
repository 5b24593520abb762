/** The typed, validated form of agents.yaml (SPEC §2). Defaults are filled in. */
export type Preset = 'claude' | 'codex' | 'gemini' | 'aider' | 'custom';
export type Encoding = 'cl100k_base' | 'o200k_base';
export type Enforce = 'block' | 'warn' | 'off';
export type Notify = 'idle' | 'always' | 'never';

export interface Budget {
  total: number;
  section: number;
}

export interface HandoffSettings {
  /** Relative to the repository root. */
  file: string;
  budget: Budget;
  encoding: Encoding;
  enforce: Enforce;
}

export interface AgentConfig {
  name: string;
  task: string;
  preset: Preset;
  /** Appended to the preset's argv. */
  args: string[];
  /** argv for `custom` (required there, rejected elsewhere). */
  command?: string[];
  /** Default `agent/<name>`. */
  branch: string;
  env: Record<string, string>;
}

export interface Config {
  version: 1;
  project: string;
  /** Branch or commit the worktrees start from; undefined means the current branch. */
  base?: string;
  /** As written (relative to the repository root), default `.supervise/worktrees`. */
  worktreeDir: string;
  handoff: HandoffSettings;
  sync: { notify: Notify };
  agents: AgentConfig[];
}

/** A loaded config plus where it came from. */
export interface LoadedConfig {
  config: Config;
  /** Absolute path of the agents.yaml that was read. */
  file: string;
  /** Absolute path of the repository root (the folder holding agents.yaml's repository). */
  root: string;
  /** Absolute worktreeDir. */
  worktreeRoot: string;
  /** Absolute path of the team handoff. */
  handoffPath: string;
}

export const DEFAULT_BUDGET: Budget = { total: 500, section: 100 };
export const DEFAULT_WORKTREE_DIR = '.supervise/worktrees';
export const AGENT_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;
