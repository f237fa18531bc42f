import type { Command } from 'commander';
import { parse } from 'yaml';
import type { DataSchema } from '../../engine/index.js';
import { AbortError } from '../../errors/index.js';
import type { SplitFileResult } from '../../fl/split-file.js';
import { createContext } from '../context.js';

interface SplitFlags {
  spec: string;
  clients: string;
  split: string;
  alpha?: string;
  seed: string;
  out: string;
}

/** A flag's value as a number (whole when asked), or a one-line FL_BAD_PARAMETER error. */
function num(flag: string, raw: string | undefined, integer = false): number | undefined {
  if (raw === undefined) return undefined;
  const v = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new AbortError(`${flag} ${raw} is not ${integer ? 'a whole number' : 'a number'}`, { code: 'FL_BAD_PARAMETER', hint: 'see flock fl split --help' });
  }
  return v;
}

/** The task's schema from a task.yaml, or from the task.yaml an alliance.yaml names (`task:`). */
async function taskOf(file: string): Promise<{ name: string; schema: DataSchema }> {
  const [{ loadTaskSpec }, { readFileSync }, path] = await Promise.all([import('../../engine/index.js'), import('node:fs'), import('node:path')]);
  try {
    const raw = parse(readFileSync(file, 'utf8')) as unknown;
    const named = raw && typeof raw === 'object' && !('schema' in raw) && typeof (raw as { task?: unknown }).task === 'string' ? (raw as { task: string }).task : undefined;
    const t = await loadTaskSpec(named === undefined ? file : path.resolve(path.dirname(path.resolve(file)), named));
    return { name: t.spec.name, schema: t.spec.schema };
  } catch (cause) {
    throw new AbortError(`cannot use ${file}: ${(cause as Error).message}`, { code: 'FL_BAD_TASK', hint: 'pass a task.yaml (or an alliance.yaml naming one), e.g. examples/tasks/breast-cancer/task.yaml', cause });
  }
}

function human(r: SplitFileResult & { task: string; data: string; split: string; seed: number; alpha?: number }): string[] {
  const counts = (c: SplitFileResult['clients'][number]) => (c.classCounts && r.classes ? `  ${c.classCounts.map((n, k) => `${r.classes![k]} ${n}`).join(', ')}` : '');
  const width = Math.max(...r.clients.map((c) => String(c.rows).length));
  return [
    `${r.data}: ${r.rows} rows of ${r.task} split across ${r.clients.length} clients (${r.split}${r.split === 'label-skew' ? `, alpha ${r.alpha ?? 0.5}` : ''}, seed ${r.seed})`,
    ...r.clients.map((c) => `${c.file}  ${String(c.rows).padStart(width)} rows${counts(c)}`),
    `each node joins with its own file: flock alliance join --task <id> --data ${r.clients[0]!.file}`,
  ];
}

/**
 * `flock fl split`: a data file dealt into one file per client (the rows as they are), so several
 * Alliance nodes can be tried on one machine, each on private data of its own.
 */
export function registerFlSplit(fl: Command): void {
  fl.command('split')
    .description('split a data file into one file per client (seeded; iid or label-skew): private data for several Alliance nodes on one machine')
    .argument('<data>', 'the data file (CSV with a header, or JSONL; plain or .gz) in the task’s schema')
    .requiredOption('--spec <task.yaml>', 'the task (or an alliance.yaml naming it): the label column and classes')
    .requiredOption('--clients <n>', 'how many clients (files), at least 2')
    .option('--split <kind>', 'iid | label-skew (Dirichlet over classes)', 'iid')
    .option('--alpha <a>', 'label-skew: Dirichlet concentration; smaller is more skewed (default 0.5)')
    .option('--seed <n>', 'seeds the split: same file, flags and seed, same files', '1')
    .requiredOption('--out <dir>', 'where to write client-1.csv … client-<n>.csv (files 0600, the folder 0700 when created)')
    .addHelpText(
      'after',
      '\nEach row of the input goes to exactly one client, as the same text, in the input’s order; each file starts with the header. JSONL input gives client-<n>.jsonl.\nExample: flock fl split examples/tasks/breast-cancer/train.csv.gz --spec examples/tasks/breast-cancer/task.yaml --clients 3 --split label-skew --out nodes\nExit codes: 0 written, 2 bad flags, fewer rows than clients, an unreadable task, or a data file missing or outside the task’s schema.\n',
    )
    .action(async (data: string, flags: SplitFlags, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ SPLITS }, { splitDataFile }] = await Promise.all([import('../../fl/simulate/split.js'), import('../../fl/split-file.js')]);
      const split = flags.split as (typeof SPLITS)[number];
      if (!SPLITS.includes(split)) throw new AbortError(`unknown split ${flags.split}`, { code: 'FL_BAD_PARAMETER', hint: `--split is one of ${SPLITS.join(', ')}` });
      const clients = num('--clients', flags.clients, true)!;
      const alpha = num('--alpha', flags.alpha);
      if (alpha !== undefined && split !== 'label-skew') throw new AbortError('--alpha is for --split label-skew', { code: 'FL_BAD_PARAMETER', hint: 'add --split label-skew, or drop --alpha' });
      const seed = num('--seed', flags.seed, true)!;
      const task = await taskOf(flags.spec);
      const r = await splitDataFile({ file: data, schema: task.schema, clients, kind: split, seed, out: flags.out, ...(alpha !== undefined ? { alpha } : {}) });
      await ctx.output({ task: task.name, data, split, seed, ...(alpha !== undefined ? { alpha } : {}), ...r }, human);
    });
}
