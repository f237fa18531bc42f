/**
 * The layering of src/ (README "Architecture"): no module imports a higher layer, and no import
 * cycles. scripts/check-layers.mjs does the work; the second case proves it can fail.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { check, LAYERS } from '../../../scripts/check-layers.mjs';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

describe('architecture', () => {
  it('src/ has no upward import and no import cycle', () => {
    expect(check(SRC)).toEqual([]);
  });

  it('errors/ is the ground floor and cli/ the top', () => {
    expect((LAYERS as string[][])[0]).toEqual(['errors']);
    expect((LAYERS as string[][]).at(-1)).toEqual(['cli']);
  });

  it('reports an upward import, a type-only one, a dynamic one, an unknown folder and a cycle', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flock-layers-'));
    const put = (file: string, text: string) => {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    };
    try {
      put('cli/main.ts', "export const x = 1;\n");
      put('errors/index.ts', "import { x } from '../cli/main.js';\nexport const y = x;\n");
      put('protocol/a.ts', "import type { Z } from '../daemons/z.js';\nexport type A = Z;\n");
      put('daemons/z.ts', "export type Z = 1;\nexport const load = () => import('../ui/view.js');\n");
      put('ui/view.ts', "import { b } from './b.js';\nexport const a = b;\n");
      put('ui/b.ts', "import { a } from './view.js';\nexport const b = () => a;\n");
      put('misc/thing.ts', "export const t = 1;\n");
      const problems = check(dir) as string[];
      expect(problems.some((p) => p.startsWith('errors/index.ts imports cli/main.ts'))).toBe(true);
      expect(problems.some((p) => p.startsWith('protocol/a.ts imports daemons/z.ts'))).toBe(true);
      expect(problems.some((p) => p.startsWith('daemons/z.ts imports ui/view.ts'))).toBe(true);
      expect(problems.some((p) => p.includes('"misc" is in no layer'))).toBe(true);
      expect(problems.some((p) => p.startsWith('import cycle:') && p.includes('ui/view.ts') && p.includes('ui/b.ts'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
