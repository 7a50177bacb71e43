import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most test files wait (on loopback HTTP, timers, child processes) far more than they
    // compute: Vitest's default of one worker per core less one leaves a 2-core machine (CI's)
    // running the files one at a time.
    maxWorkers: 2,
  },
});
