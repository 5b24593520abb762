/** `supervise conflicts [--json]`: the conflict radar once, from the worktrees on disk (SPEC §8). */
import { relative, join } from 'node:path';
import { configFile } from '../config/find.js';
import { loadConfig } from '../config/load.js';
import { exists } from '../fsutil.js';
import { GitRepo, GitRunner } from '../git/git.js';
import { Radar, type RadarFinding } from '../radar/radar.js';
import { ownFiles } from '../supervisor/ownFiles.js';
import { paint, type Io } from './io.js';
import type { CommandArgs } from './table.js';

const MARK = { conflict: '✗', contract: '⚠', overlap: '!' } as const;

export async function conflictsCommand({ values, io }: CommandArgs): Promise<number> {
  const loaded = await loadConfig(await configFile(io.cwd, values.config as string | undefined));
  const git = new GitRunner();
  const repo = await GitRepo.open(loaded.root, git);
  const base = await repo.resolveBase(loaded.config.base);
  const agents: { name: string; worktree: string }[] = [];
  const missing: string[] = [];
  for (const a of loaded.config.agents) {
    const worktree = join(loaded.worktreeRoot, a.name);
    if (await exists(worktree)) agents.push({ name: a.name, worktree });
    else missing.push(a.name);
  }
  const radar = new Radar({ git, root: loaded.root, base: base.ref, exclude: ownFiles(loaded.config.handoff.file) });
  const report = await radar.refresh(agents);
  const findings = report.findings.map(({ kind, agents: who, files, detail, base: b }) => ({ kind, agents: who, files, detail, ...(b ? { base: true } : {}) }));
  if (values.json) io.out(JSON.stringify(findings, null, 2));
  else io.out(formatFindings(report.findings, agents.length, base.ref, io));
  const notes = [
    ...(missing.length ? [`(no worktree yet for ${missing.join(', ')} under ${relative(io.cwd, loaded.worktreeRoot) || '.'})`] : []),
    ...report.skipped.map((s) => `(${s.agent} left out: ${s.reason})`),
  ];
  if (notes.length) io.err(notes.join('\n'));
  return findings.length ? 1 : 0;
}

/** One line per finding, worst first; a check mark when there are none. */
export function formatFindings(findings: readonly RadarFinding[], agents: number, base: string, io: Io): string {
  const c = paint(io);
  if (findings.length === 0) return `${c.green('✓')} no conflicts predicted between ${agents} agent${agents === 1 ? '' : 's'} and ${base}`;
  const color = { conflict: c.red, contract: c.yellow, overlap: c.yellow } as const;
  return findings.map((f) => `${color[f.kind](MARK[f.kind])} ${f.detail}`).join('\n');
}
