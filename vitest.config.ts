import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Real PTYs and real git repos: two cores, so keep parallelism modest.
    maxWorkers: 2,
    // Every supervisor a test starts keeps memories: in a folder of this run, never the user's.
    env: { SUPERVISE_MEMORY_DIR: join(tmpdir(), `supervise-test-memory-${process.pid}`) },
  },
});
