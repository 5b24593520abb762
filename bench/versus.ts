/**
 * Two builds of `supervise` side by side, each streaming the Claude-like load of bench/tui.ts (b)
 * into a focused 200×50 pane over the same seconds: the CPU of each and their ratio. This
 * machine's speed drifts by a third from one minute to the next, so a change to the compositor
 * is judged against the build before it at the same time, not against an earlier run.
 * Build both first, then: node scripts/run.mjs bench/versus.ts OTHER/dist/cli.js [runs] [seconds]
 * (a build of another commit: `git worktree add ../other REV`, link node_modules, `npm run build`).
 */
import { existsSync } from 'node:fs';
import { CLI, cpuPercents, makeRepo, PtyScreen, sleep } from './tuiKit.js';

const [other, runs = '5', seconds = '10'] = process.argv.slice(2);
if (!other || !existsSync(other) || !existsSync(CLI)) {
  process.stderr.write('usage: node scripts/run.mjs bench/versus.ts OTHER/dist/cli.js [runs] [seconds]  (both builds must exist; `npm run build` makes this one)\n');
  process.exit(2);
}
const FLOOD = ['--fake-flood', String(1 << 30), '--fake-rate', '102400', '--fake-spinner-hz', '10'];
// As in bench/tui.ts: measured once V8 has compiled the hot paths.
const WARM_UP_MS = 15_000;
// The terminal size whose focused pane is 200×50 (bench/tui.ts works it out from the layout).
const SIZE = { cols: 234, rows: 55 };

const ratios: number[] = [];
for (let run = 1; run <= Number(runs); run++) {
  const sides = [CLI, other].map((cli) => {
    const repo = makeRepo([{ name: 'flood', args: FLOOD }]);
    return { repo, tui: new PtyScreen(process.execPath, [cli], { cwd: repo.dir, ...SIZE }) };
  });
  try {
    await Promise.all(sides.map((s) => s.tui.waitFor((t) => t.includes('Streaming logs'), 30_000, 'the flood in the pane')));
    for (const s of sides) s.tui.parse = false;
    await sleep(WARM_UP_MS);
    const [mine, theirs] = await cpuPercents(sides.map((s) => s.tui.pid), Number(seconds));
    ratios.push(mine! / theirs!);
    process.stdout.write(`run ${run}: this build ${mine!.toFixed(2)} % CPU, the other ${theirs!.toFixed(2)} %, ratio ${ratios.at(-1)!.toFixed(2)}\n`);
  } finally {
    for (const s of sides) {
      await s.tui.quit();
      s.repo.cleanup();
    }
  }
}
const sorted = [...ratios].sort((a, b) => a - b);
process.stdout.write(`median ratio this build / the other: ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)}\n`);
process.exit(0);
