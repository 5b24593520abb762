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
  /** The skills this agent runs one after another; absent: a plain agent. */
  chain?: ChainSettings;
  /** Agents whose finish and captured handoff this one waits for. Default []. */
  after: string[];
  /** The agent's own, else the top level's, default 3 rounds. */
  review: ReviewSettings;
  /** The agent's own, else the top level's; absent: the chain ends after commit. */
  deploy?: DeploySettings;
}

export interface ChainSettings {
  /** Skill names in order as written, after following `next` from a single start name
   *  (review's `next.pass` is the main path; `fix` is reached only by routing). */
  steps: string[];
}

export interface ReviewSettings {
  /** Failed reviews after which the chain stops. */
  rounds: number;
}

export interface DeploySettings {
  /** argv run in the worktree, never a shell string. */
  command: string[];
}

export type MemoryStore = 'on' | 'off';
export type EmbedderProvider = 'local' | 'ollama' | 'openai' | 'transformers';

export interface MemorySettings {
  /** Default 'on'. */
  store: MemoryStore;
  /** A PostgreSQL server with pgvector; absent: the embedded PGlite store. */
  url?: string;
  embedder: { provider: EmbedderProvider; model?: string; url?: string; path?: string };
  /** Tokens of memories injected into a brief, default 150. */
  inject: { budget: number };
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
  memory: MemorySettings;
}

/** An agent as the schema reads it: `chain` as written, before it is resolved against the skills. */
export type ParsedAgent = Omit<AgentConfig, 'chain'> & { chain?: string | string[] };
/** agents.yaml as the schema reads it; loading resolves each chain into a `Config`. */
export type ParsedConfig = Omit<Config, 'agents'> & { agents: ParsedAgent[] };

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
/** The Agent Skills name rule: lowercase letters, digits and single hyphens, at most 64 characters. */
export const SKILL_NAME_PATTERN = /^(?=.{1,64}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const DEFAULT_REVIEW_ROUNDS = 3;
export const DEFAULT_INJECT_BUDGET = 150;
