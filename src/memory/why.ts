/**
 * What memory gave each agent, and why: one record per agent in `.supervise/memory/why/`, written
 * at each injection, printed by `supervise memory why AGENT` and shown by the TUI's `M`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configFile } from '../config/find.js';
import { loadConfig } from '../config/load.js';
import { SuperviseError } from '../errors.js';
import { writeFileAtomic } from '../fsutil.js';
import { paint } from '../commands/io.js';
import type { CommandArgs } from '../commands/table.js';
import type { MemoryKind } from './index.js';

/** One memory as it was weighed for a brief. */
export interface WhyHit {
  id: string;
  kind: MemoryKind;
  text: string;
  score: number;
  vectorScore: number;
  textScore: number;
  project?: string;
  agent?: string;
  source?: string;
  /** Tokens of its line in the brief. */
  tokens: number;
}

export interface WhyRecord {
  agent: string;
  /** ISO time of the injection. */
  at: string;
  /** What was searched: the agent's task and its handoff's open items. */
  query: string;
  /** memory.inject.budget, and the tokens the injected lines took. */
  budget: number;
  tokens: number;
  injected: WhyHit[];
  /** Found but left out, with the reason. */
  skipped: (WhyHit & { reason: string })[];
  /** Set when the agent started without memory: why. */
  error?: string;
}

export function whyDir(root: string): string {
  return join(root, '.supervise', 'memory', 'why');
}

export function whyFile(root: string, agent: string): string {
  return join(whyDir(root), `${agent}.json`);
}

export async function writeWhy(root: string, record: WhyRecord): Promise<void> {
  await writeFileAtomic(whyFile(root, record.agent), `${JSON.stringify(record, null, 2)}\n`);
}

/** The agent's last record, or undefined when it never started with memory on. */
export async function readWhy(root: string, agent: string): Promise<WhyRecord | undefined> {
  let text: string;
  try {
    text = await readFile(whyFile(root, agent), 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as WhyRecord;
  } catch (err) {
    throw new SuperviseError('InputError', `${whyFile(root, agent)} is not JSON (${(err as Error).message}).`, { file: whyFile(root, agent) }, 'It is rewritten when the agent next starts; remove it meanwhile.');
  }
}

/** Where a memory came from, in a few words: `decision · Billing/backend`. */
export function origin(h: Pick<WhyHit, 'kind' | 'project' | 'agent'>): string {
  const from = [h.project, h.agent].filter(Boolean).join('/');
  return from ? `${h.kind} · ${from}` : h.kind;
}

/** The record as lines for a terminal (also the TUI's `M` view). */
export function whyLines(r: WhyRecord): string[] {
  const lines = [`${r.agent} started ${r.at.replace('T', ' ').slice(0, 19)} UTC`, `query: ${r.query}`];
  if (r.error) lines.push(`no memories given: ${r.error}`);
  else lines.push(`given ${r.injected.length} memor${r.injected.length === 1 ? 'y' : 'ies'}, ${r.tokens}/${r.budget} tokens:`);
  for (const h of r.injected) lines.push(`  ${h.score.toFixed(3)}  [${origin(h)}] ${h.text}  (${h.id}; vector ${h.vectorScore.toFixed(2)}, words ${h.textScore.toFixed(2)})`);
  if (r.skipped.length) lines.push('left out:');
  for (const h of r.skipped) lines.push(`  ${h.score.toFixed(3)}  [${origin(h)}] ${h.text}  (${h.id}; ${h.reason})`);
  return lines;
}

/** `supervise memory why AGENT [--json]`. */
export async function whyCommand({ values, positionals, io }: CommandArgs): Promise<number> {
  const agent = positionals[0];
  if (!agent) throw new SuperviseError('UsageError', 'memory why needs the name of an agent.', {}, 'Run `supervise memory why AGENT`.');
  const loaded = await loadConfig(await configFile(io.cwd, values.config as string | undefined));
  const names = loaded.config.agents.map((a) => a.name);
  if (!names.includes(agent)) {
    throw new SuperviseError('UsageError', `no agent named "${agent}".`, { file: loaded.file }, `Agents: ${names.join(', ')}.`);
  }
  const record = await readWhy(loaded.root, agent);
  if (!record) {
    const off = loaded.config.memory?.store === 'off' ? ' (memory.store is off in agents.yaml)' : '';
    io.out(`${agent} has not been given anything from memory yet${off}: it is recorded each time the agent starts.`);
    return 0;
  }
  if (values.json) {
    io.out(JSON.stringify(record, null, 2));
    return 0;
  }
  const c = paint(io);
  const [head, ...rest] = whyLines(record);
  io.out(c.bold(head!));
  for (const l of rest) io.out(l);
  return 0;
}
