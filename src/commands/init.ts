/**
 * `supervise init`: agents.yaml, HANDOFF.md and the .gitignore line at the repository root (from
 * any folder inside it, as the other commands look for them there), never overwriting without --force.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SuperviseError } from '../errors.js';
import { exists, writeFileAtomic, writeFileExclusive } from '../fsutil.js';
import { initRoot } from '../config/find.js';
import { agentsYamlTemplate } from '../config/init.js';
import { handoffTemplate } from '../handoff/template.js';
import type { CommandArgs } from './table.js';
import { paint } from './io.js';

const IGNORE_LINE = '.supervise/';

export async function initCommand({ values, io }: CommandArgs): Promise<number> {
  const force = Boolean(values.force);
  const dir = await initRoot(io.cwd);
  const project = basename(dir);
  const files = [
    { name: 'agents.yaml', content: agentsYamlTemplate().replace(/^project: .*$/m, `project: ${JSON.stringify(project)}`) },
    { name: 'HANDOFF.md', content: handoffTemplate({ project, branch: 'main', agent: 'none yet' }) },
  ];
  const present = [];
  for (const f of files) if (await exists(join(dir, f.name))) present.push(f.name);
  if (present.length && !force) {
    throw new SuperviseError(
      'InputError',
      `${present.join(' and ')} already ${present.length > 1 ? 'exist' : 'exists'} in ${dir}; nothing was written.`,
      {},
      'Use `supervise init --force` to overwrite.',
    );
  }
  for (const f of files) {
    const path = join(dir, f.name);
    if (force) await writeFileAtomic(path, f.content);
    else await writeFileExclusive(path, f.content);
  }
  const ignoreAdded = await addIgnoreLine(join(dir, '.gitignore'));
  const c = paint(io);
  io.out(`${c.green('✓')} wrote ${files.map((f) => f.name).join(' and ')} in ${dir}${ignoreAdded ? `; added ${IGNORE_LINE} to .gitignore` : ''}`);
  io.out(`Next: describe your agents in agents.yaml, then run ${c.bold('supervise')}.`);
  return 0;
}

/** Appends `.supervise/` to .gitignore unless an equivalent line is there; true when it wrote. */
async function addIgnoreLine(path: string): Promise<boolean> {
  const current = (await exists(path)) ? await readFile(path, 'utf8') : '';
  const lines = current.split(/\r?\n/).map((l) => l.trim());
  if (lines.some((l) => l === IGNORE_LINE || l === '.supervise' || l === '/.supervise/' || l === '/.supervise')) return false;
  const sep = current === '' || current.endsWith('\n') ? '' : '\n';
  await writeFileAtomic(path, `${current}${sep}${IGNORE_LINE}\n`);
  return true;
}
