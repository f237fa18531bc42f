import { defineConfig } from 'vitest/config';
import LongestFirst from './test/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // e2e tests each start their own anvil on a free port; keep parallelism modest on 2 cores.
    maxWorkers: 2,
    // Longest files first on a fresh clone (test/sequencer.ts).
    sequence: { sequencer: LongestFirst },
  },
});
