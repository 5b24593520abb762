import * as z from 'zod';
import {
  AGENT_NAME_PATTERN,
  DEFAULT_BUDGET,
  DEFAULT_INJECT_BUDGET,
  DEFAULT_REVIEW_ROUNDS,
  DEFAULT_WORKTREE_DIR,
  SKILL_NAME_PATTERN,
  type EmbedderProvider,
  type Encoding,
  type Enforce,
  type MemoryStore,
  type Notify,
  type ParsedAgent,
  type ParsedConfig,
  type Preset,
} from './types.js';

export const PRESETS = ['claude', 'codex', 'gemini', 'aider', 'custom'] as const satisfies readonly Preset[];
export const ENCODINGS = ['cl100k_base', 'o200k_base'] as const satisfies readonly Encoding[];
export const ENFORCE_MODES = ['block', 'warn', 'off'] as const satisfies readonly Enforce[];
export const NOTIFY_MODES = ['idle', 'always', 'never'] as const satisfies readonly Notify[];
export const MEMORY_STORES = ['on', 'off'] as const satisfies readonly MemoryStore[];
export const EMBEDDER_PROVIDERS = ['local', 'ollama', 'openai', 'transformers'] as const satisfies readonly EmbedderProvider[];
/** More review rounds than this is a loop that will not converge. */
export const MAX_REVIEW_ROUNDS = 20;
/** Portable environment variable names: no `=`, nothing a shell could not export. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A handoff of more tokens than this is no longer a handoff. */
export const MAX_BUDGET = 100_000;

const tokens = (description: string) => z.int().positive().max(MAX_BUDGET).meta({ description });

const BudgetSchema = z
  .strictObject({
    total: tokens('Most tokens the whole handoff may use.').default(DEFAULT_BUDGET.total),
    section: tokens('Most tokens one section may use; at most total.').default(DEFAULT_BUDGET.section),
  })
  // prefault parses {} through the inner defaults, so every config gets its own fresh object.
  .prefault({})
  .meta({ description: 'Token budgets, counted with js-tiktoken.' });

const HandoffSchema = z
  .strictObject({
    file: z
      .string()
      .min(1)
      .default('HANDOFF.md')
      .meta({ description: 'The team handoff, relative to the repository root.' }),
    budget: BudgetSchema,
    encoding: z
      .enum(ENCODINGS)
      .default('cl100k_base')
      .meta({ description: 'The tokenizer that counts the budgets.' }),
    enforce: z.enum(ENFORCE_MODES).default('block').meta({
      description:
        'When an agent stops without updating its handoff: block refuses to let it stop, warn flags it, off says nothing.',
    }),
  })
  .prefault({})
  .meta({ description: 'The handoff every agent reads on entry and updates on exit.' });

const SyncSchema = z
  .strictObject({
    notify: z.enum(NOTIFY_MODES).default('idle').meta({
      description: 'After a sync, type a one-line nudge into agents: idle (the waiting ones), always, or never.',
    }),
  })
  .prefault({})
  .meta({ description: 'Merging every agent’s handoff into the team handoff.' });

const argv = (description: string) => z.array(z.string().min(1)).min(1).meta({ description });

const rounds = z
  .int()
  .positive()
  .max(MAX_REVIEW_ROUNDS)
  .meta({ description: 'Failed reviews after which the chain stops, naming the open fixes.' });

const skillName = z.string().regex(SKILL_NAME_PATTERN).meta({
  description: 'A skill: bundled (spec, build, review, fix, commit, deploy) or the project’s .agents/skills/<name>/SKILL.md.',
});

const DeploySchema = z
  .strictObject({ command: argv('argv run in the worktree after commit, never a shell string.') })
  .meta({ description: 'The deploy step: runs only this command; without it a chain ends after commit.' });

const MemorySchema = z
  .strictObject({
    store: z.enum(MEMORY_STORES).default('on').meta({ description: 'on: agents learn from shared memory; off: no memory is read or written.' }),
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//)
      .optional()
      .meta({ description: 'A PostgreSQL server with pgvector (postgres://…); default: the embedded store in your data folder.' }),
    embedder: z
      .strictObject({
        provider: z.enum(EMBEDDER_PROVIDERS).default('local').meta({
          description: 'local: hashed words, deterministic, no model; ollama or openai: an embeddings endpoint; transformers: a local model folder.',
        }),
        model: z.string().min(1).optional().meta({ description: 'The model name the provider knows.' }),
        url: z.string().url().optional().meta({ description: 'The endpoint of an ollama or OpenAI-compatible server.' }),
        path: z.string().min(1).optional().meta({ description: 'A local model folder, for transformers.' }),
      })
      .prefault({})
      .meta({ description: 'What turns text into vectors for similarity search.' }),
    inject: z
      .strictObject({
        budget: z.int().positive().max(MAX_BUDGET).default(DEFAULT_INJECT_BUDGET).meta({
          description: 'Most tokens of memories put into an agent’s brief (never into HANDOFF.md).',
        }),
      })
      .prefault({})
      .meta({ description: 'Memories given to each agent when it starts.' }),
  })
  .prefault({})
  .meta({ description: 'The shared memory of patterns, mistakes and decisions, across agents and projects.' });

// The command/preset rule cannot be expressed in zod's JSON Schema output, so it is written
// here for editors; the same rule is enforced for real in rules.ts.
const commandRule = {
  allOf: [
    {
      if: { properties: { preset: { const: 'custom' } }, required: ['preset'] },
      then: { required: ['command'] },
      else: { not: { required: ['command'] } },
    },
  ],
};

const AgentSchema = z
  .strictObject({
    name: z.string().regex(AGENT_NAME_PATTERN).meta({
      description: 'Unique; lowercase letters, digits, - and _, at most 32 characters.',
    }),
    task: z.string().trim().min(1).meta({ description: 'What this agent is to do: its first prompt.' }),
    preset: z.enum(PRESETS).default('claude').meta({ description: 'Which agent CLI runs, and how it gets its context.' }),
    args: z.array(z.string()).prefault([]).meta({ description: "Appended to the preset's argv." }),
    command: z.array(z.string().min(1)).min(1).optional().meta({
      description:
        'argv of a custom agent, never a shell string; {task}, {handoff_file}, {brief_file} and, in a chain, {skill} are replaced. Required for preset custom, rejected for the others.',
    }),
    branch: z.string().min(1).optional().meta({ description: 'The branch of its worktree; default agent/<name>.' }),
    env: z
      .record(z.string().regex(ENV_NAME_PATTERN), z.string())
      .prefault({})
      .meta({ description: 'Extra environment variables; values are strings (quote numbers).' }),
    chain: z.union([skillName, z.array(skillName).min(1)]).optional().meta({
      description: 'Skills run one after another, each a fresh session: a list like [spec, build, review, commit], or one name whose metadata.next is followed.',
    }),
    after: z
      .array(z.string().regex(AGENT_NAME_PATTERN))
      .prefault([])
      .meta({ description: 'Agents this one waits for: it starts when they have finished and their handoffs are captured.' }),
    review: z
      .strictObject({ rounds: rounds.optional() })
      .optional()
      .meta({ description: 'This agent’s review/fix loop; default: the top-level review.' }),
    deploy: DeploySchema.optional(),
  })
  .meta(commandRule)
  .transform((agent) => ({ ...agent, branch: agent.branch ?? `agent/${agent.name}` }));

/** The strict schema of agents.yaml; its output has every default filled in, chains as written. */
export const ConfigSchema = z
  .strictObject({
    version: z.literal(1).meta({ description: 'Format version of this file: 1.' }),
    project: z.string().trim().min(1).meta({ description: 'Title of the team handoff.' }),
    base: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Branch or commit the worktrees start from; default: the current branch.' }),
    worktreeDir: z.string().min(1).default(DEFAULT_WORKTREE_DIR).meta({
      description: 'Where the worktrees go, relative to the repository root; inside the repository or beside it.',
    }),
    handoff: HandoffSchema,
    sync: SyncSchema,
    review: z
      .strictObject({ rounds: rounds.default(DEFAULT_REVIEW_ROUNDS) })
      .prefault({})
      .meta({ description: 'The review/fix loop of every chain, unless an agent sets its own.' }),
    deploy: DeploySchema.optional(),
    memory: MemorySchema,
    agents: z.array(AgentSchema).min(1).meta({ description: 'The agents, each in its own worktree.' }),
  })
  .meta({
    title: 'agents.yaml',
    description: 'The agents handoff-supervisor runs side by side, and how they hand off to each other.',
  })
  // An agent's review and deploy fall back to the top level's, so the runtime reads one place.
  .transform(({ review, deploy, agents, ...rest }) => ({
    ...rest,
    agents: agents.map(({ review: own, deploy: ownDeploy, ...agent }): ParsedAgent => {
      const settings = { ...agent, review: { rounds: own?.rounds ?? review.rounds } };
      const chosen = ownDeploy ?? deploy;
      return chosen ? { ...settings, deploy: chosen } : settings;
    }),
  }));

// Both directions, so the schema and the hand-written ParsedConfig type cannot drift apart.
type Output = z.output<typeof ConfigSchema>;
const toConfig = (o: Output): ParsedConfig => o;
const fromConfig = (c: ParsedConfig): Output => c;
void toConfig;
void fromConfig;

/** The JSON Schema of agents.yaml, as committed in schema/agents.schema.json. */
export function configJsonSchema(): Record<string, unknown> {
  // The input side: keys with defaults are optional, which is what a person may write.
  return z.toJSONSchema(ConfigSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
}

type Segment = string | number;

/** Strip the wrappers that do not change which keys a value may have. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodOptional) s = s.unwrap();
    else if (s instanceof z.ZodPipe) s = s.in;
    else return s;
  }
}

/** The schema at `path` (list indexes and record keys pass through), or undefined. */
function schemaAt(path: readonly Segment[]): z.core.$ZodType | undefined {
  let s: z.core.$ZodType | undefined = unwrap(ConfigSchema);
  for (const seg of path) {
    if (s instanceof z.ZodObject && typeof seg === 'string') s = s.shape[seg] as z.core.$ZodType | undefined;
    else if (s instanceof z.ZodArray) s = s.element as z.core.$ZodType;
    else if (s instanceof z.ZodRecord) s = s.valueType as z.core.$ZodType;
    else return undefined;
    if (!s) return undefined;
    s = unwrap(s);
  }
  return s;
}

/** The keys allowed in the mapping at `path` (e.g. ['handoff'] or ['agents', 0]). */
export function knownKeysAt(path: readonly Segment[]): string[] {
  const s = schemaAt(path);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

const NESTED: readonly (readonly Segment[])[] = [
  ['handoff'],
  ['handoff', 'budget'],
  ['sync'],
  ['review'],
  ['deploy'],
  ['memory'],
  ['memory', 'embedder'],
  ['memory', 'inject'],
  ['agents', 0],
];

/** Where else `key` is allowed, written for a person ("handoff", "each agent"), if anywhere. */
export function homeOfKey(key: string, notAt: readonly Segment[]): string | undefined {
  for (const path of [[], ...NESTED]) {
    const same = path.length === notAt.length && path.every((seg, i) => seg === notAt[i] || typeof seg === 'number');
    if (same || !knownKeysAt(path).includes(key)) continue;
    if (path.length === 0) return 'the top level';
    return path[0] === 'agents' ? 'each agent in agents' : path.join('.');
  }
  return undefined;
}
