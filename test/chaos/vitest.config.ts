import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run chaos`: the chaos round (issue #9) alone, never beside other tests: it stops the devnet
 * and the store on purpose and times its faults by the daemons' progress. Not part of the default
 * `vitest run` (vitest.config.ts includes test/unit and test/e2e only); .ci/run runs it after `npm test`.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/chaos/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 300_000,
    maxWorkers: 1,
  },
});
