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
    // A run keeps no memories unless its test turns them on (SUPERVISE_MEMORY: 'on', as the memory
    // tests do): a store per supervisor would cost every test a second; and any store a test
    // opens is in a folder of this run, never the user's.
    env: { SUPERVISE_MEMORY: 'off', SUPERVISE_MEMORY_DIR: join(tmpdir(), `supervise-test-memory-${process.pid}`) },
  },
});
