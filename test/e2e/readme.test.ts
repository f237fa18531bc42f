/**
 * The README's command blocks, run exactly as written (issue #10: the README's Arena round did not
 * work when pasted). Every ```sh block of README.md runs in bash -e from the repository root with
 * a fresh HOME (so the default ~/.flock is new) and no FLOCK_* variables, as a new user's shell
 * would (but FLOCK_RUNTIME_DIR: the devnet registry of the run, see src/devnet/registry.ts). Two exceptions, both visible in the README itself: `npm ci` lines are the set-up CI has
 * already done, and a block right after `<!-- readme-test: skip ... -->` (the development
 * commands, which are this test suite) is not run. A block that leaves a devnet running has it
 * stopped afterwards, whatever happened.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../harness/index.js';
import { ensureBuilt } from './helpers.js';

export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The heading the block is under. */
  section: string;
  code: string;
  skip?: string;
}

/** The ```sh blocks of a Markdown text, with the section each is in and its skip marker. */
export function shellBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#{1,6}\s+(.*)$/.exec(lines[i]!);
    if (heading) section = heading[1]!;
    if (!/^```(sh|bash|shell)\s*$/.test(lines[i]!)) continue;
    let j = i - 1;
    while (j >= 0 && lines[j]!.trim() === '') j--;
    const skip = /<!--\s*readme-test:\s*skip\s*(.*?)\s*-->/.exec(lines[j] ?? '')?.[1];
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    blocks.push({ line: start + 1, section, code: body.join('\n'), ...(skip !== undefined ? { skip: skip || 'marked' } : {}) });
  }
  return blocks;
}

/** The block as run: `npm ci` lines (the set-up, done before any test) left out. */
export function runnable(code: string): string {
  return code
    .split('\n')
    .filter((l) => !/^\s*npm ci(\s|$)/.test(l))
    .join('\n');
}

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const BLOCKS = shellBlocks(README);

function runBlock(code: string, home: string): Promise<{ code: number | null; out: string }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('FLOCK_') && k !== 'ETH_RPC_URL' && !k.startsWith('npm_')) env[k] = v;
  // The devnet registry of this run only: a developer's own devnet is neither found nor disturbed.
  Object.assign(env, { HOME: home, NO_COLOR: '1', FLOCK_RUNTIME_DIR: join(home, 'runtime') });
  return new Promise((resolve) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', code], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (c) => resolve({ code: c, out }));
  });
}

/** Stops the devnet a block left running in `home`'s ~/.flock (SIGTERM, as `devnet down` does). */
function stopDevnet(home: string): void {
  const state = join(home, '.flock', 'devnet', 'anvil.json');
  if (!existsSync(state)) return;
  try {
    process.kill((JSON.parse(readFileSync(state, 'utf8')) as { pid: number }).pid, 'SIGTERM');
  } catch {
    // Gone already.
  }
}

describe('README.md', () => {
  it('has the blocks a new user needs, and skips only what it says', () => {
    expect(shellBlocks('# A\n\n```sh\nnpm ci\nnpx flock demo\n```\n\n<!-- readme-test: skip (the test suite itself) -->\n```sh\nnpm test\n```\n')).toEqual([
      { line: 3, section: 'A', code: 'npm ci\nnpx flock demo' },
      { line: 9, section: 'A', code: 'npm test', skip: '(the test suite itself)' },
    ]);
    expect(runnable('npm ci            # set-up\nnpx flock demo')).toBe('npx flock demo');
    const run = BLOCKS.filter((b) => !b.skip);
    expect(run.length).toBeGreaterThanOrEqual(4);
    expect(runnable(run[0]!.code).trim()).toMatch(/^npx flock demo/); // the first command after `npm ci`
  });

  const homes: string[] = [];
  afterEach(() => {
    for (const h of homes.splice(0)) {
      stopDevnet(h);
      rmSync(h, { recursive: true, force: true });
    }
  });

  for (const b of BLOCKS.filter((x) => !x.skip)) {
    it(`runs the block at README.md:${b.line} (${b.section}) as written`, async () => {
      ensureBuilt();
      const home = mkdtempSync(join(tmpdir(), 'flock-readme-'));
      homes.push(home);
      const r = await runBlock(runnable(b.code), home);
      expect(r.code, `README.md:${b.line} failed:\n${b.code}\n--- output ---\n${r.out}`).toBe(0);
      expect(r.out).not.toMatch(/npm warn/i);
      // A claim the README shows pays something (the round once paid 0: no stake, no emission).
      for (const m of r.out.matchAll(/^task \d+: reward ([\d,.]+) FLOCK/gm)) expect(Number(m[1]!.replace(/,/g, '')), m[0]).toBeGreaterThan(0);
    }, 600_000);
  }
});
