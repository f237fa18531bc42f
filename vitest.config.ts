import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // e2e tests each start their own anvil on a free port; keep parallelism modest on 2 cores.
    maxWorkers: 2,
  },
});
