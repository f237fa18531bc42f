/**
 * `flock fl split` end to end: the built CLI deals the shipped breast-cancer training file into
 * one private file per client (what several Alliance nodes on one machine join with): a line per
 * client, --json, the same files again for the same seed, and bad input as one line with a code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempHome, type TempHome } from '../harness/index.js';
import { ensureBuilt } from './helpers.js';

let t: TempHome;
const DATA = join(ROOT, 'examples/tasks/breast-cancer/train.csv.gz');
const SPEC = join(ROOT, 'examples/tasks/breast-cancer/task.yaml');
const INPUT = gunzipSync(readFileSync(DATA)).toString('utf8').split('\n').filter((l) => l.trim() !== '');

beforeAll(() => {
  ensureBuilt();
  t = tempHome('flock-fl-split-e2e-');
});
afterAll(() => t.cleanup());

const split = (args: string[]) => runCli(['fl', 'split', DATA, '--spec', SPEC, ...args], { home: t.home, cwd: t.dir });

interface Client {
  file: string;
  rows: number;
  classCounts: number[];
}

describe('flock fl split', () => {
  it('--json: one file per client holding every row once, the same files for the same seed', async () => {
    const r = await split(['--clients', '3', '--split', 'label-skew', '--alpha', '0.5', '--seed', '4', '--out', 'nodes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = r.json();
    expect(j).toMatchObject({ task: 'breast-cancer', data: DATA, split: 'label-skew', alpha: 0.5, seed: 4, format: 'csv', rows: INPUT.length - 1, classes: ['malignant', 'benign'] });
    const clients = j.clients as Client[];
    expect(clients.map((c) => c.file)).toEqual(['nodes/client-1.csv', 'nodes/client-2.csv', 'nodes/client-3.csv']);
    expect(readdirSync(join(t.dir, 'nodes')).sort()).toEqual(['client-1.csv', 'client-2.csv', 'client-3.csv']);
    const rows: string[] = [];
    for (const c of clients) {
      const lines = readFileSync(join(t.dir, c.file), 'utf8').split('\n').slice(0, -1);
      expect(lines[0]).toBe(INPUT[0]);
      expect(lines.length - 1).toBe(c.rows);
      expect(c.classCounts.reduce((a, b) => a + b, 0)).toBe(c.rows);
      expect(statSync(join(t.dir, c.file)).mode & 0o777).toBe(0o600);
      rows.push(...lines.slice(1));
    }
    expect(rows.sort()).toEqual(INPUT.slice(1).sort());
    expect(statSync(join(t.dir, 'nodes')).mode & 0o777).toBe(0o700);

    const again = await split(['--clients', '3', '--split', 'label-skew', '--alpha', '0.5', '--seed', '4', '--out', 'again', '--json']);
    expect(again.code, again.stderr).toBe(0);
    for (let c = 1; c <= 3; c++) expect(readFileSync(join(t.dir, 'again', `client-${c}.csv`), 'utf8')).toBe(readFileSync(join(t.dir, 'nodes', `client-${c}.csv`), 'utf8'));
  }, 60_000);

  it('text: a line per client with its rows and class counts', async () => {
    const r = await split(['--clients', '4', '--out', join(t.dir, 'iid')]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${DATA}: ${INPUT.length - 1} rows of breast-cancer split across 4 clients (iid, seed 1)`);
    expect(lines.slice(1, 5)).toHaveLength(4);
    lines.slice(1, 5).forEach((l, i) => expect(l).toMatch(new RegExp(`^${join(t.dir, 'iid', `client-${i + 1}.csv`)}  11\\d rows  malignant \\d+, benign \\d+$`)));
    expect(lines[5]).toBe(`each node joins with its own file: flock alliance join --task <id> --data ${join(t.dir, 'iid', 'client-1.csv')}`);
  }, 60_000);

  it('bad input: one line with a hint, exit 2, a documented code, nothing written', async () => {
    const cases: [string[], string, RegExp][] = [
      [['--clients', '1'], 'FL_BAD_PARAMETER', /^--clients 1: a split needs at least 2 clients$/],
      [['--clients', '2.5'], 'FL_BAD_PARAMETER', /^--clients 2\.5 is not a whole number$/],
      [['--clients', '1000'], 'FL_BAD_PARAMETER', /^446 rows cannot be split across 1000 clients$/],
      [['--clients', '2', '--split', 'zipf'], 'FL_BAD_PARAMETER', /^unknown split zipf$/],
      [['--clients', '2', '--alpha', '0.5'], 'FL_BAD_PARAMETER', /^--alpha is for --split label-skew$/],
    ];
    for (const [args, code, message] of cases) {
      const r = await split([...args, '--out', 'bad', '--json']);
      expect(r.code, args.join(' ')).toBe(2);
      const e = r.json().error;
      expect(e.code, args.join(' ')).toBe(code);
      expect(e.message, args.join(' ')).toMatch(message);
      expect(e.hint, args.join(' ')).toBeTruthy();
    }
    const missing = await runCli(['fl', 'split', join(t.dir, 'nope.csv'), '--spec', SPEC, '--clients', '2', '--out', 'bad'], { home: t.home, cwd: t.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr.split('\n')[0]).toBe(`error: no data file ${join(t.dir, 'nope.csv')}`);
    expect(missing.stderr).toMatch(/^hint: /m);
    // Another task's file: the label column is not there.
    const other = await runCli(['fl', 'split', join(ROOT, 'examples/tasks/digits/train.csv.gz'), '--spec', SPEC, '--clients', '2', '--out', 'bad', '--json'], { home: t.home, cwd: t.dir });
    expect(other.code).toBe(2);
    expect(other.json().error).toMatchObject({ code: 'FL_BAD_DATA' });
    expect(other.json().error.message).toMatch(/label column 'diagnosis' not found/);
    const task = await runCli(['fl', 'split', DATA, '--spec', join(t.dir, 'nope.yaml'), '--clients', '2', '--out', 'bad', '--json'], { home: t.home, cwd: t.dir });
    expect(task.code).toBe(2);
    expect(task.json().error.code).toBe('FL_BAD_TASK');
    expect(readdirSync(t.dir)).not.toContain('bad');
  }, 60_000);

  it('an alliance.yaml names its task: its schema is used', async () => {
    const r = await runCli(['fl', 'split', join(ROOT, 'examples/tasks/digits/train.csv.gz'), '--spec', join(ROOT, 'examples/alliance/alliance.yaml'), '--clients', '2', '--out', 'digits', '--json'], { home: t.home, cwd: t.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ task: 'digits', classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
  }, 60_000);
});
