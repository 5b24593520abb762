/** The command table: paths, options and help text in one place, so `--help` and dispatch agree. */
import type { ParseArgsConfig } from 'node:util';
import { SuperviseError } from '../errors.js';
import type { Io } from './io.js';

export interface CommandArgs {
  values: Record<string, unknown>;
  positionals: string[];
  io: Io;
}

export interface CommandSpec {
  path: string[];
  summary: string;
  usage: string;
  help: string;
  options: ParseArgsConfig['options'];
  maxPositionals: number;
  run(args: CommandArgs): Promise<number>;
}

const CONFIG_HELP = '  -c, --config FILE   agents.yaml to use (default: the nearest, up to the repository root)';

const MEMORY_HELP = `${CONFIG_HELP} (its memory: settings)

The store: PGlite in $SUPERVISE_MEMORY_DIR, else $XDG_DATA_HOME/handoff-supervisor/memory (one
per user, across projects), or the PostgreSQL server in memory.url / SUPERVISE_MEMORY_URL.
Exit codes: 0 ok, 1 the store failed (a server unreachable), 2 bad usage (unknown kind, bad id).`;

export const COMMANDS: CommandSpec[] = [
  {
    path: [],
    summary: "the TUI on the repository's agents.yaml",
    usage: 'Usage: supervise [--headless [--json] [--timeout SECONDS]] [--fresh] [--only NAME[,NAME]] [-c FILE]',
    help: '',
    options: { headless: { type: 'boolean' }, json: { type: 'boolean' }, timeout: { type: 'string' }, fresh: { type: 'boolean' }, only: { type: 'string' } },
    maxPositionals: 0,
    run: async (a) => (await import('./run.js')).runCommand(a),
  },
  {
    path: ['init'],
    summary: 'write agents.yaml and HANDOFF.md at the repository root',
    usage: 'Usage: supervise init [--force]',
    help: `
Writes, at the top of the git repository you are in (from any folder inside it), a commented
agents.yaml (with a schema line editors use to complete and check it), HANDOFF.md from the
template, and adds .supervise/ to .gitignore. Outside a git repository it refuses: the agents
work in worktrees of one. An existing file is never overwritten unless --force is given;
nothing is written when any file is in the way.

  --force             overwrite agents.yaml and HANDOFF.md when they exist`,
    options: { force: { type: 'boolean' } },
    maxPositionals: 0,
    run: async (a) => (await import('./init.js')).initCommand(a),
  },
  {
    path: ['demo'],
    summary: 'three simulated agents in a throw-away repo, in the TUI (no Claude Code needed)',
    usage: 'Usage: supervise demo [--keep]',
    help: `
Creates a temporary git repository with an agents.yaml of three simulated agents (the bundled
demo agent: no Claude Code or API key needed) and opens the TUI on it.

  --keep              keep the temporary repository afterwards and print its path`,
    options: { keep: { type: 'boolean' } },
    maxPositionals: 0,
    run: async (a) => (await import('./demo.js')).demoCommand(a),
  },
  {
    path: ['handoff', 'check'],
    summary: 'validate a handoff against the template and its token budgets',
    usage: 'Usage: supervise handoff check [FILE] [--json] [-c FILE]',
    help: `
Validates FILE (default: the team handoff named in agents.yaml, else ./HANDOFF.md): required
sections and their order, tokens per section and in total against the budgets (counted with
js-tiktoken), and warnings for empty Blockers / Key Decisions and unknown sections.
Budgets and encoding come from agents.yaml when there is one, else 500/100 and cl100k_base.
Exit 0 when valid (warnings allowed), 1 when invalid, 2 when FILE cannot be read.

  --json              print the report as JSON
${CONFIG_HELP}`,
    options: { json: { type: 'boolean' } },
    maxPositionals: 1,
    run: async (a) => (await import('./handoff.js')).checkCommand(a),
  },
  {
    path: ['handoff', 'show'],
    summary: 'print the merged team handoff (root and every worktree)',
    usage: 'Usage: supervise handoff show [-c FILE]',
    help: `
Prints what the team handoff would be if every agent worktree's HANDOFF.md were merged into
the root one now, with conflicts flagged. Writes nothing.

${CONFIG_HELP}`,
    options: {},
    maxPositionals: 0,
    run: async (a) => (await import('./handoff.js')).showCommand(a),
  },
  {
    path: ['handoff', 'merge'],
    summary: "merge every worktree's HANDOFF.md into the team handoff now",
    usage: 'Usage: supervise handoff merge [-c FILE]',
    help: `
Merges the HANDOFF.md of every agent worktree under worktreeDir into the team handoff at the
repository root (what the sync key does), compressing it into its budget. Items that leave the
handoff are kept in .supervise/history/. The write is atomic and locked.

${CONFIG_HELP}`,
    options: {},
    maxPositionals: 0,
    run: async (a) => (await import('./handoff.js')).mergeCommand(a),
  },
  {
    path: ['handoff', 'compress'],
    summary: 'compress a handoff into its budget',
    usage: 'Usage: supervise handoff compress [FILE] [--write] [-c FILE]',
    help: `
Compresses FILE (default: the team handoff) into its token budget, by priority: Completed goes
first, Blockers and Key Decisions are kept longest. Prints the result; with --write replaces
FILE (atomically) and keeps every removed item in .supervise/history/.

  --write             replace FILE instead of printing
${CONFIG_HELP}`,
    options: { write: { type: 'boolean' } },
    maxPositionals: 1,
    run: async (a) => (await import('./handoff.js')).compressCommand(a),
  },
  {
    path: ['skills', 'list'],
    summary: 'the skills chains run: name, description, next, and where each comes from',
    usage: 'Usage: supervise skills list [--json] [-c FILE]',
    help: `
Lists every skill a chain can run, in the order a full chain runs them: its name, the skill
that follows it (a review names two: pass and fix), whether it is bundled or the project's,
the SKILL.md it is read from, and its description.

A skill is a folder <name>/SKILL.md: YAML front matter with name (the folder's name; lowercase
letters, digits and single hyphens), description (at most 1024 characters) and
metadata.next (a skill name, or for a review { pass: commit, fix: fix }), then the prompt, in
which {task}, {handoff_file}, {project} and {round} are filled in. The same files work as
Claude Code and Codex skills. The bundled ones are spec, build, review, fix, commit and deploy;
a folder .agents/skills/<name>/ at the repository root overrides the bundled skill of that
name, or adds a new one. An agent runs them with chain: in agents.yaml.

  --json              print an array of {name, description, next, source, file}
${CONFIG_HELP}`,
    options: { json: { type: 'boolean' } },
    maxPositionals: 0,
    run: async (a) => (await import('./skills.js')).listCommand(a),
  },
  {
    path: ['skills', 'check'],
    summary: "load every skill and agents.yaml's chains; say what is wrong and where",
    usage: 'Usage: supervise skills check [-c FILE]',
    help: `
Loads every skill (bundled, and the project's .agents/skills/<name>/SKILL.md) and, when there
is one, agents.yaml with its chains, as \`supervise\` would before starting. Each problem is
printed as file:line:column and what to do: YAML errors, a missing name or description, a name
that is not its folder's, a next naming no skill, skills whose next leads round in a circle, a
chain naming an unknown skill, deploy in a chain without deploy.command, an after naming no
agent or itself, agents waiting for each other in a circle. A placeholder that will not be
filled ({handof_file}, {{task}}) is a warning.
Exit 0 with a one-line summary when all is well, 2 when anything is wrong.

${CONFIG_HELP}`,
    options: {},
    maxPositionals: 0,
    run: async (a) => (await import('./skills.js')).checkCommand(a),
  },
  {
    path: ['land'],
    summary: "merge an agent's branch into base, with a message from its handoff",
    usage: 'Usage: supervise land AGENT|--all [--squash] [--commit] [--dry-run] [-c FILE]',
    help: `
Merges the agent's branch into base in the main checkout: a merge commit (--no-ff) whose subject
is the agent's task and whose body lists what its HANDOFF.md says it completed, its key
decisions and what it decided against. The team HANDOFF.md only gains a "Landed:" line in
Current State. Checked first, and refused (exit 1) naming the files: a conflict predicted
against base's head (git merge-tree), a main checkout not on base, any staged or unstaged
change to a tracked file there (other than the team handoff), untracked files the branch would
overwrite, and uncommitted work in the agent's worktree (unless --commit). Nothing is deleted:
\`supervise clean AGENT\` removes a landed agent's worktree and branch. A running supervisor
learns of the landing at its next sync (m in the TUI lands and syncs).

  --all               land every agent, each time picking the first in agents.yaml order that
                      merges cleanly into the new head; stops at the first it cannot land
  --squash            one squashed commit instead of a merge commit
  --commit            commit the agent's uncommitted work first (its handoff left out)
  --dry-run           say what it would do; change nothing
${CONFIG_HELP}`,
    options: { all: { type: 'boolean' }, squash: { type: 'boolean' }, commit: { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
    maxPositionals: 1,
    run: async (a) => (await import('./land.js')).landCommand(a),
  },
  {
    path: ['clean'],
    summary: "remove a landed agent's worktree and branch",
    usage: 'Usage: supervise clean AGENT [--dry-run] [-c FILE]',
    help: `
Removes the agent's worktree and its branch, only when everything in them is on base: refused
(exit 1), naming what, while the agent runs, while its worktree has uncommitted changes other
than the supervisor's own files, or while its branch has commits whose changes base lacks.
A branch landed with --squash counts as on base.

  --dry-run           say what it would remove; change nothing
${CONFIG_HELP}`,
    options: { 'dry-run': { type: 'boolean' } },
    maxPositionals: 1,
    run: async (a) => (await import('./clean.js')).cleanCommand(a),
  },
  {
    path: ['conflicts'],
    summary: 'predicted merge conflicts, shared files and contract warnings between agents',
    usage: 'Usage: supervise conflicts [--json] [-c FILE]',
    help: `
Compares every agent's worktree under worktreeDir with every other and with the base branch's
current head, uncommitted work included, without touching any index or file:
  ✗ conflict   git merge-tree predicts a merge conflict in these files
  ⚠ contract   an agent's changed or new files import a file another agent changed
               (TypeScript/JavaScript, Python, Go)
  ! overlap    both change these files, and they merge cleanly
Works whether or not a supervisor is running. Exit 0 when there is nothing, 1 when there is.

  --json              print an array of {kind, agents: [a, b], files, detail}; a conflict with
                      the base branch has its name second and "base": true
${CONFIG_HELP}`,
    options: { json: { type: 'boolean' } },
    maxPositionals: 0,
    run: async (a) => (await import('./conflicts.js')).conflictsCommand(a),
  },
  {
    path: ['hook'],
    summary: "internal: called by an agent CLI's hooks inside a worktree",
    usage: 'Usage: supervise hook session-start|stop|notification|session-end --agent NAME',
    help: `
Internal. Claude Code calls this from the hooks the supervisor writes into a worktree's
.claude/settings.local.json, with the hook's JSON on standard input. It reports the event to
the running supervisor and, for stop, enforces handoff.enforce.

  --agent NAME        the agent the worktree belongs to
  --root DIR          the repository root (default: found from the worktree)`,
    options: { agent: { type: 'string' }, root: { type: 'string' } },
    maxPositionals: 1,
    run: async (a) => (await import('./hook.js')).hookCommand(a),
  },
  {
    path: ['watch'],
    summary: 'internal: ends the agents when the supervisor that started it dies',
    usage: 'Usage: supervise watch --supervisor PID',
    help: `
Internal. The supervisor starts this with a pipe on standard input and sends it the pid of each
agent it starts. When the pipe closes without a goodbye (the supervisor died, even by SIGKILL),
it sends SIGHUP, SIGTERM, then SIGKILL to every process group of those agents, within 2 s.

  --supervisor PID    the supervisor it watches (shown by ps; the pipe is what counts)`,
    options: { supervisor: { type: 'string' } },
    maxPositionals: 0,
    run: async (a) => (await import('./watch.js')).watchCommand(a),
  },
  {
    path: ['memory', 'search'],
    summary: 'search the shared memory of patterns, mistakes, preferences, learnings, decisions',
    usage: 'Usage: supervise memory search QUERY [--limit N] [--kind KIND] [--json]',
    help: `
Finds the memories closest to QUERY: vector similarity (cosine, over the embedder's vectors)
fused with PostgreSQL full-text ranking, 0.7 and 0.3. With the default local embedder the
vectors come from the words themselves: a memory is found when it shares words (or their
stems) with the query, not when it only means the same. Agents run this from their shell.

  --limit N           how many (default 5)
  --kind KIND         only this kind: pattern, mistake, preference, learning or decision
  --json              print an array of {id, kind, text, score, vectorScore, textScore,
                      project, agent, …}
${MEMORY_HELP}`,
    options: { limit: { type: 'string' }, kind: { type: 'string' }, json: { type: 'boolean' } },
    maxPositionals: 1000,
    run: async (a) => (await import('./memory.js')).searchCommand(a),
  },
  {
    path: ['memory', 'add'],
    summary: 'keep a memory by hand (prints its id)',
    usage: 'Usage: supervise memory add --kind KIND TEXT [--project NAME] [--agent NAME] [--source TEXT]',
    help: `
Keeps TEXT (the rest of the line) as a memory of KIND and prints its id. A near-duplicate of a
memory of the same kind (cosine 0.92 or more) merges into it instead: its id is printed, and
the merge is counted. Agents capture memories from their handoffs automatically; this is for
what a person wants every agent to know.

  --kind KIND         pattern, mistake, preference, learning or decision
  --project NAME      the project it came from (default: agents.yaml's project, if any)
  --agent NAME        the agent it came from
  --source TEXT       where it came from (default: "supervise memory add")
${MEMORY_HELP}`,
    options: { kind: { type: 'string' }, project: { type: 'string' }, agent: { type: 'string' }, source: { type: 'string' } },
    maxPositionals: 1000,
    run: async (a) => (await import('./memory.js')).addCommand(a),
  },
  {
    path: ['memory', 'list'],
    summary: 'the newest memories',
    usage: 'Usage: supervise memory list [--limit N] [--kind KIND] [--project NAME] [--json]',
    help: `
Lists memories, newest first: id, kind, text, and where it came from, how often it merged and
how often it was given to an agent.

  --limit N           how many (default 50)
  --kind KIND         only this kind
  --project NAME      only memories from this project
  --json              print them as a JSON array
${MEMORY_HELP}`,
    options: { limit: { type: 'string' }, kind: { type: 'string' }, project: { type: 'string' }, json: { type: 'boolean' } },
    maxPositionals: 0,
    run: async (a) => (await import('./memory.js')).listCommand(a),
  },
  {
    path: ['memory', 'forget'],
    summary: 'delete one memory',
    usage: 'Usage: supervise memory forget ID',
    help: `
Deletes the memory with this id (from \`supervise memory list\` or \`search\`). An id that is
malformed or not in the store is exit 2.
${MEMORY_HELP}`,
    options: {},
    maxPositionals: 1,
    run: async (a) => (await import('./memory.js')).forgetCommand(a),
  },
  {
    path: ['memory', 'export'],
    summary: 'every memory as JSON Lines on standard output',
    usage: 'Usage: supervise memory export > memories.jsonl',
    help: `
Prints every memory, one JSON object a line, oldest first: its fields, counts and sources, not
its vector (the importing store embeds it again with its own embedder). A backup, or a way to
move memories between machines or to a team server.
${MEMORY_HELP}`,
    options: {},
    maxPositionals: 0,
    run: async (a) => (await import('./memory.js')).exportCommand(a),
  },
  {
    path: ['memory', 'import'],
    summary: 'add the memories of an export',
    usage: 'Usage: supervise memory import FILE',
    help: `
Adds the memories in FILE (JSON Lines, as \`supervise memory export\` writes them). A memory
whose id is already here, or that is a near-duplicate of one here, merges instead of adding.
A line that is not a memory stops the import before anything is written, naming the line.
${MEMORY_HELP}`,
    options: {},
    maxPositionals: 1,
    run: async (a) => (await import('./memory.js')).importCommand(a),
  },
  {
    path: ['memory', 'stats'],
    summary: 'how many memories of each kind, where they are kept, which embedder',
    usage: 'Usage: supervise memory stats [--json]',
    help: `
Counts the memories by kind and names the engine (pglite or postgres), where the data is, and
the embedder with its dimension.

  --json              print them as JSON
${MEMORY_HELP}`,
    options: { json: { type: 'boolean' } },
    maxPositionals: 0,
    run: async (a) => (await import('./memory.js')).statsCommand(a),
  },
  {
    path: ['memory', 'why'],
    summary: 'what the shared memory gave an agent at its last start, and why',
    usage: 'Usage: supervise memory why AGENT [--json] [-c FILE]',
    help: `
Prints what the agent was given from the shared memory when it last started: the query (its
task and its handoff's open items: In Progress, Next Steps, Blockers), each memory put into its
brief with its kind, where it came from and its scores (fused, vector, words), the tokens they
took against memory.inject.budget, and the memories found but left out with the reason (over
budget, unrelated). Read from .supervise/memory/why/AGENT.json, written at each start; when the
store was slow or down it says the agent started without memories, and why.

  --json              print the record as JSON
${CONFIG_HELP}`,
    options: { json: { type: 'boolean' } },
    maxPositionals: 1,
    run: async (a) => (await import('../memory/why.js')).whyCommand(a),
  },
  {
    path: ['mcp'],
    summary: 'the shared memory as an MCP server on stdio (tools memory_search, memory_add)',
    usage: 'Usage: supervise mcp [--root DIR] [--agent NAME]',
    help: `
An MCP server over standard input and output with two tools: memory_search {query, limit?}
returns the best memories as JSON, memory_add {kind, text} keeps one (kind: pattern, mistake,
preference, learning or decision; a near-duplicate merges). The supervisor registers it for
each Claude Code agent (--mcp-config with a file in .supervise/mcp/, the tools allowed in the
worktree's .claude/settings.local.json); the user's own settings are never touched. Another
MCP client can run it too: command "supervise", args ["mcp"]. The store opens on the first call.

  --root DIR          the repository whose agents.yaml gives memory settings and the project
                      name (default: the current folder's)
  --agent NAME        the agent memory_add records as the author (default: SUPERVISE_AGENT)`,
    options: { root: { type: 'string' }, agent: { type: 'string' } },
    maxPositionals: 0,
    run: async (a) => (await import('./mcp.js')).mcpCommand(a),
  },
  {
    path: ['memory', 'serve'],
    summary: 'internal: the process that holds the local memory store for the others',
    usage: 'Usage: supervise memory serve [--parent PID]',
    help: `
Internal. Started on demand so that a supervisor's own process never loads the embedded
database: it owns the local store (one process at a time may) and answers the others on a
unix socket in the memory folder. It exits once PID has exited and no client is connected.

  --parent PID        the process it serves
  --embedder JSON     memory.embedder of the process that started it`,
    options: { parent: { type: 'string' }, embedder: { type: 'string' } },
    maxPositionals: 0,
    run: async (a) => (await import('./memory.js')).serveCommand(a),
  },
];

/** The top-level command's options that take a separate value (`--only NAME`). */
const VALUE_OPTIONS = new Set(['--only', '--timeout']);

/** Splits argv into the command it names and the rest; global options may come first. */
export function findCommand(argv: string[]): { spec: CommandSpec; rest: string[] } {
  const words: { index: number; word: string }[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    // An option's value is never a command word: `--only init` names an agent.
    if (a === '-c' || a === '--config' || VALUE_OPTIONS.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    words.push({ index: i, word: a });
  }
  const first = words[0];
  if (!first) return { spec: COMMANDS[0]!, rest: argv };
  const candidates = COMMANDS.filter((c) => c.path[0] === first.word);
  if (candidates.length === 0) {
    const names = COMMANDS.filter((c) => c.path.length).map((c) => c.path.join(' '));
    throw new SuperviseError('UsageError', `unknown command "${first.word}".`, {}, `Commands: ${names.join(', ')}; see \`supervise --help\`.`);
  }
  const single = candidates.find((c) => c.path.length === 1);
  if (single) return { spec: single, rest: without(argv, [first.index]) };
  const second = words[1];
  const sub = second && candidates.find((c) => c.path[1] === second.word);
  if (!second && argv.some((a) => a === '-h' || a === '--help')) return { spec: groupSpec(first.word, candidates), rest: without(argv, [first.index]) };
  if (!sub || !second) {
    const subs = candidates.map((c) => c.path[1]).join(', ');
    const what = second ? `unknown subcommand "${second.word}"` : 'a subcommand is needed';
    throw new SuperviseError('UsageError', `${what} for \`supervise ${first.word}\`.`, {}, `Use one of: ${subs}.`);
  }
  return { spec: sub, rest: without(argv, [first.index, second.index]) };
}

function without(argv: string[], indexes: number[]): string[] {
  return argv.filter((_, i) => !indexes.includes(i));
}

/** `supervise handoff --help`: the group's subcommands, each with its usage and summary. */
function groupSpec(word: string, subs: CommandSpec[]): CommandSpec {
  const rows = subs.map((c) => [c.usage.replace(/^Usage: /, ''), c.summary]);
  const width = Math.max(...rows.map((r) => r[0]!.length));
  return {
    path: [word],
    summary: '',
    usage: `Usage: supervise ${word} <subcommand> [OPTIONS]`,
    help: `Subcommands:\n${rows.map(([a, b]) => `  ${a!.padEnd(width)}  ${b}`).join('\n')}\n\nHelp for one: supervise ${word} ${subs[0]!.path[1]} --help`,
    options: {},
    maxPositionals: 0,
    run: async () => 2,
  };
}

export function globalHelp(version: string): string {
  const rows = COMMANDS.map((c) => [c.path.length ? `supervise ${c.path.join(' ')}` : 'supervise', c.summary]);
  const width = Math.max(...rows.map((r) => r[0]!.length));
  return `supervise ${version} — run coding agents side by side, each in its own git worktree,
passing compressed state between them through a strict HANDOFF.md.

Usage: supervise [COMMAND] [OPTIONS]

Commands:
${rows.map(([a, b]) => `  ${a!.padEnd(width)}  ${b}`).join('\n')}

Options:
  --headless          run the agents without the TUI: one line per status change
  --json              with --headless: NDJSON lines
  --timeout SECONDS   with --headless: at the deadline stop every agent (handoffs captured), exit 1
  --fresh             start every agent over (by default a run resumes the agents that had not
                      finished and leaves the ones that finished cleanly as they were)
  --only NAME[,NAME]  run only these agents
${CONFIG_HELP}
  --no-color          no colours (also: NO_COLOR=1)
  -h, --help          help for a command: supervise handoff check --help
  -V, --version       print the version

Exit codes: 0 ok, 1 the work failed (an agent failed, a handoff is invalid), 2 bad usage or input.
Get started: supervise init, edit agents.yaml, then supervise. Try it first: supervise demo.
`;
}
