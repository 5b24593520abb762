/**
 * Predicted conflicts of a landing: `git merge-tree --write-tree` (git 2.38+) merges in memory,
 * touching no index, worktree or ref. (The conflict radar in src/radar/ predicts the same between
 * every pair of agents; this is the one question landing asks: the branch against base's head.)
 */
import { SuperviseError } from '../errors.js';
import { describe, GitExit, gitMessage, revision, type GitRunner } from '../git/run.js';

export interface MergePreview {
  /** The tree the merge would make (with conflict markers where it conflicts). */
  tree: string;
  /** Sorted paths that would conflict; [] for a clean merge. */
  conflicts: string[];
}

/** What merging `theirs` into `ours` would give, computed in `root` without changing anything. */
export async function previewMerge(git: GitRunner, root: string, ours: string, theirs: string): Promise<MergePreview> {
  const args = ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', revision(ours, 'base'), revision(theirs, 'branch')];
  let out;
  try {
    out = await git.run(root, args, [0, 1]);
  } catch (err) {
    if (err instanceof GitExit && err.code === 129) {
      throw new SuperviseError('GitError', 'this git cannot predict merge conflicts (git merge-tree --write-tree).', {}, 'Install git 2.38 or newer.');
    }
    throw new SuperviseError('GitError', `cannot compare "${ours}" and "${theirs}": ${describe(err)}`);
  }
  const fields = out.stdout.split('\0');
  const tree = fields[0] ?? '';
  // Status 1 is a conflict, but git also exits 1 for a name it cannot resolve, printing no tree.
  if (!/^[0-9a-f]{40,64}$/.test(tree)) {
    throw new SuperviseError('GitError', `cannot compare "${ours}" and "${theirs}": ${gitMessage(out.stderr) || 'git merge-tree printed no tree'}`);
  }
  const conflicts = out.code === 0 ? [] : [...new Set(fields.slice(1).filter(Boolean))].sort();
  return { tree, conflicts };
}

/** A commit object for the merge `preview` made (parents `ours` and `theirs`), touching no ref: the head a dry run lands the next agent on. */
export async function simulatedMerge(git: GitRunner, root: string, preview: MergePreview, ours: string, theirs: string): Promise<string> {
  const out = await git.run(root, ['commit-tree', preview.tree, '-p', revision(ours, 'base'), '-p', revision(theirs, 'branch'), '-m', 'supervise land --dry-run']);
  return out.stdout.trim();
}
