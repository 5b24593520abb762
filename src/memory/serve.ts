/** The owner process (`supervise memory serve`): holds PGlite for the processes that connect to it. */
import { becomeOwner, type OpenMemoryOptions } from './open.js';
import { liveOwner, memoryPaths, takeOwnerLock } from './owner.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Serves until `parent` is gone and no client is connected (or a signal); exits 0 at once when
 * another owner already serves the folder.
 */
export async function serveOwner(opts: OpenMemoryOptions, parent?: number): Promise<number> {
  const paths = memoryPaths(opts.env);
  const lock = takeOwnerLock(paths);
  if (!lock) {
    opts.progress?.(`another process (pid ${liveOwner(paths)?.pid ?? '?'}) already owns ${paths.dir}`);
    return 0;
  }
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  let clients = () => 1;
  const check = () => {
    if (parent !== undefined && !alive(parent) && clients() === 0) done();
  };
  const own = await becomeOwner(paths, lock, opts, opts.progress ?? (() => {}), () => check());
  clients = () => own.server.clients;
  opts.progress?.(`serving ${paths.dir} on ${paths.socket} (pid ${process.pid})`);
  const timer = setInterval(check, 1000);
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(sig, done);
  await finished;
  clearInterval(timer);
  await own.close();
  return 0;
}
