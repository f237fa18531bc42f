/**
 * The order vitest starts test files in, for a run without vitest's duration cache (a fresh CI
 * clone): the longest files first, so that the last one to finish does not run alone while the
 * other worker idles. Vitest's own order without a cache is "larger files first", which put the
 * README's blocks (a small file that runs for 8 minutes) among the last. With a cache (a second
 * local run), vitest's order by measured duration is kept.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Files known to run longest (a run's durations: `npx vitest run --reporter=verbose`), longest first. */
const LONGEST = [
  'test/e2e/readme.test.ts',
  'test/e2e/demo.test.ts',
  'test/e2e/arena.test.ts',
  'test/e2e/governance.test.ts',
  'test/e2e/alliance.test.ts',
  'test/e2e/task-init.test.ts',
  'test/e2e/cli.test.ts',
];

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = LONGEST.findIndex((p) => f.moduleId.endsWith(p));
      return i < 0 ? LONGEST.length : i;
    };
    const cached = files.some((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${relative(this.ctx.config.root, f.moduleId)}`));
    return cached ? sorted : [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
