import type * as z from 'zod';
import type { Anchor, Segment } from './locate.js';
import { homeOfKey, knownKeysAt, MAX_BUDGET, MAX_REVIEW_ROUNDS } from './schema.js';
import { suggest } from './suggest.js';
import { AGENT_NAME_PATTERN } from './types.js';

/** One problem in agents.yaml, before it is given a line and column. */
export interface ConfigIssue {
  path: Segment[];
  anchor: Anchor;
  message: string;
  /** For a missing key: its name, so a misspelling reported elsewhere can stand in for it. */
  missing?: string;
  /** For an unknown key: the key it probably meant. */
  meant?: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `agents[1].env.PORT`: how a person would name the place. */
export function label(path: readonly Segment[]): string {
  return path
    .map((seg, i) => {
      if (typeof seg === 'number') return `[${seg}]`;
      if (!IDENT.test(seg)) return `[${JSON.stringify(seg)}]`;
      return i === 0 ? seg : `.${seg}`;
    })
    .join('');
}

/** The value as a person would recognise it in their file. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'nothing';
  if (typeof value === 'string') {
    if (value.trim() === '') return 'an empty string';
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

const NAME = `a name matching ${AGENT_NAME_PATTERN.source} (lowercase letters, digits, - and _, starting with a letter or digit, at most 32 characters)`;
const TOKENS = `a positive whole number of tokens (at most ${MAX_BUDGET})`;
const SKILL = 'a skill name: lowercase letters, digits and single hyphens, like build or security-review';
const ROUNDS = `a whole number of review rounds from 1 to ${MAX_REVIEW_ROUNDS}`;

// What each place must hold, in words; `*` stands for any list index or mapping key.
const EXPECTED: Record<string, string> = {
  '': 'a mapping with at least version, project and agents',
  version: '1',
  project: 'the project title, a string',
  base: 'a branch or commit, as a string',
  worktreeDir: 'a folder path, as a string',
  handoff: 'a mapping with file, budget, encoding and enforce',
  'handoff.file': 'a file path, as a string',
  'handoff.budget': 'a mapping like { total: 500, section: 100 }',
  'handoff.budget.total': TOKENS,
  'handoff.budget.section': TOKENS,
  sync: 'a mapping with notify',
  agents: 'a list of at least one agent',
  'agents.*': 'an agent: a mapping with at least name and task',
  'agents.*.name': NAME,
  'agents.*.task': "the agent's task, a non-empty string",
  'agents.*.args': 'a list of strings, like [--model, sonnet]',
  'agents.*.args.*': 'a string',
  'agents.*.command': 'an argv list, like [./scripts/my-agent, --fast]',
  'agents.*.command.*': 'a non-empty string',
  'agents.*.branch': 'a branch name, as a string',
  'agents.*.env': 'a mapping of variable names to string values',
  'agents.*.env.*': 'a string',
  'agents.*.chain': 'a list of skills like [spec, build, review, commit], or one skill name like spec',
  'agents.*.chain.*': SKILL,
  'agents.*.after': 'a list of agent names, like [backend]',
  'agents.*.after.*': NAME,
  'agents.*.review': 'a mapping like { rounds: 3 }',
  'agents.*.review.rounds': ROUNDS,
  'agents.*.deploy': 'a mapping like { command: [npm, run, deploy] }',
  'agents.*.deploy.command': 'an argv list, like [npm, run, deploy]',
  'agents.*.deploy.command.*': 'a non-empty string',
  review: 'a mapping like { rounds: 3 }',
  'review.rounds': ROUNDS,
  deploy: 'a mapping like { command: [npm, run, deploy] }',
  'deploy.command': 'an argv list, like [npm, run, deploy]',
  'deploy.command.*': 'a non-empty string',
  memory: 'a mapping with store, url, embedder and inject',
  'memory.url': 'a PostgreSQL URL, like postgres://user@host:5432/db',
  'memory.embedder': 'a mapping like { provider: ollama, model: nomic-embed-text }',
  'memory.embedder.model': 'a model name, as a string',
  'memory.embedder.url': 'a URL, like http://localhost:11434',
  'memory.embedder.path': 'a folder path, as a string',
  'memory.inject': 'a mapping like { budget: 150 }',
  'memory.inject.budget': TOKENS,
};

function expectedAt(path: readonly Segment[]): string | undefined {
  const exact = path.map((seg) => (typeof seg === 'number' ? '*' : seg));
  const anyKey = exact.slice(0, -1).concat('*');
  return EXPECTED[exact.join('.')] ?? EXPECTED[anyKey.join('.')];
}

function valueAt(raw: unknown, path: readonly Segment[]): unknown {
  let v = raw;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** What to do about a wrong value, when there is something better to say than "expected". */
function hint(path: readonly Segment[], found: unknown, expectedString: boolean): string {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (expectedString && (typeof found === 'number' || typeof found === 'boolean')) {
    const quoted = JSON.stringify(String(found));
    return typeof last === 'string' ? ` — quote it: ${last}: ${quoted}` : ` — quote it: ${quoted}`;
  }
  // An unquoted {task} in a flow list is a YAML mapping, not the placeholder.
  if (expectedString && (parent === 'command' || parent === 'args') && isMapping(found)) {
    const keys = Object.keys(found);
    if (keys.length === 1 && found[keys[0] ?? ''] === null) return ` — quote it: "{${keys[0]}}"`;
  }
  if ((last === 'command' || last === 'args') && typeof found === 'string') {
    const argv = found.trim().split(/\s+/).join(', ');
    return ` — write it as a list: [${argv}]; it is never run through a shell`;
  }
  if (last === 'name' && typeof found === 'string') {
    const fixed = found.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+/, '').slice(0, 32);
    if (fixed !== found && AGENT_NAME_PATTERN.test(fixed)) return ` — did you mean ${JSON.stringify(fixed)}?`;
  }
  return '';
}

function prefix(path: readonly Segment[]): string {
  return path.length ? `${label(path)}: ` : '';
}

/** Turn one zod issue into located-to-be issues with messages a person can act on. */
export function fromZodIssue(issue: z.core.$ZodIssue, raw: unknown): ConfigIssue[] {
  const path = issue.path.filter((s): s is Segment => typeof s !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(path);
    return issue.keys.map((key) => {
      const where = path.length ? ` in ${label(path)}` : '';
      const meant = suggest(key, known);
      const home = meant ? undefined : homeOfKey(key, path);
      const tail = meant
        ? ` — did you mean ${JSON.stringify(meant)}?`
        : home
          ? ` — it belongs under ${home}`
          : ` — expected one of ${known.join(', ')}`;
      return { path: [...path, key], anchor: 'key' as const, message: `unknown key ${JSON.stringify(key)}${where}${tail}`, meant };
    });
  }
  if (issue.code === 'invalid_key') {
    const key = path[path.length - 1];
    return [
      {
        path,
        anchor: 'key',
        message: `${prefix(path.slice(0, -1))}expected a variable name (letters, digits and _, not starting with a digit), found ${describe(key)}`,
      },
    ];
  }
  const found = valueAt(raw, path);
  const parent = valueAt(raw, path.slice(0, -1));
  const expected = expectedAt(path) ?? issue.message;
  const key = path[path.length - 1];
  if (found === undefined && path.length > 0 && isMapping(parent) && typeof key === 'string' && !(key in parent)) {
    return [
      {
        path: path.slice(0, -1),
        anchor: 'value',
        message: `${prefix(path.slice(0, -1))}missing required key ${JSON.stringify(key)}: expected ${expected}`,
        missing: key,
      },
    ];
  }
  if (issue.code === 'invalid_value') {
    const values = issue.values.map(String);
    const want = values.length === 1 ? values[0] : `one of ${values.join(', ')}`;
    const meant = typeof found === 'string' ? suggest(found, values) : undefined;
    const tail = meant ? ` — did you mean ${JSON.stringify(meant)}?` : '';
    return [{ path, anchor: 'value', message: `${prefix(path)}expected ${want}, found ${describe(found)}${tail}` }];
  }
  if (path.length === 0 && found === null) {
    return [{ path, anchor: 'value', message: `the file is empty: expected ${expected}` }];
  }
  const expectedString = issue.code === 'invalid_type' && issue.expected === 'string';
  return [
    {
      path,
      anchor: 'value',
      message: `${prefix(path)}expected ${expected}, found ${describe(found)}${hint(path, found, expectedString)}`,
    },
  ];
}

/** Drop "missing key X" where an unknown key next to it was probably meant to be X. */
export function dropExplained(issues: ConfigIssue[]): ConfigIssue[] {
  const meant = new Set(
    issues.filter((i) => i.meant).map((i) => JSON.stringify([...i.path.slice(0, -1), i.meant])),
  );
  return issues.filter((i) => !i.missing || !meant.has(JSON.stringify([...i.path, i.missing])));
}
