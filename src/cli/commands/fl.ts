import type { Command } from 'commander';
import { AbortError } from '../../errors/index.js';
import { createContext } from '../context.js';
import { registerFlPrivacy } from './fl-privacy.js';
import { registerFlSimulate } from './fl-simulate.js';
import { registerFlSplit } from './fl-split.js';

interface AggregateFlags {
  rule: string;
  global: string;
  out: string;
  beta?: string;
  f?: string;
  m?: string;
  maxNorm?: string;
  examples?: string;
}

/**
 * The `fl` command group, created once: other modules (e.g. a later `fl privacy` or
 * `fl simulate`) call this from their own `register` and attach their subcommands to it.
 */
export function flCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'fl') ??
    program.command('fl').description('federated learning: simulate a federated task, split data for Alliance nodes, aggregate ONNX updates bit for bit, price its privacy')
  );
}

/**
 * `flock fl aggregate`: one round's aggregation, as an Alliance voter computes it: the global
 * model and the updates in, the aggregate (canonical ONNX) out, its CID and what the rule made
 * of each update (kept, Krum score, distance to the median, norm, or why it was rejected).
 */
export function register(program: Command): void {
  registerFlPrivacy(flCommand(program));
  registerFlSimulate(flCommand(program));
  registerFlSplit(flCommand(program));
  flCommand(program)
    .command('aggregate')
    .description('aggregate ONNX updates of a global model into one model (deterministic: same inputs, same CID)')
    .argument('<updates...>', 'the updates: ONNX files of the global model’s graph with new float32 values')
    .requiredOption('--rule <rule>', 'fedavg | median | trimmed | krum | multikrum | bulyan')
    .requiredOption('--global <file>', 'the round’s global model (ONNX)')
    .requiredOption('-o, --out <file>', 'where to write the aggregate (ONNX)')
    .option('--beta <share>', 'trimmed: share cut from each end, floor(beta n) values each (default 0.2)')
    .option('--f <n>', 'krum, multikrum, bulyan: malicious updates tolerated (default 0)')
    .option('--m <n>', 'multikrum: updates kept (default n - f)')
    .option('--max-norm <x>', 'reject updates whose change (update - global) has an L2 norm over x')
    .option('--examples <n1,n2,...>', 'training examples behind each update, in argument order (FedAvg weights; default 1 each)')
    .addHelpText(
      'after',
      '\nUpdates are ordered by their CID, never by argument order, so any order gives the same aggregate.\nExit codes: 0 aggregated (rejected updates are listed with their reason), 2 bad flags, too few valid updates for the rule or an unreadable file, 9 the global model is unusable or every update was rejected.\n',
    )
    .action(async (updates: string[], flags: AggregateFlags, cmd: Command) => {
      const ctx = await createContext(cmd);
      const r = await aggregate(updates, flags);
      await ctx.output(r, (x) => ({
        table: {
          title: `${x.rule}: ${x.kept} of ${x.updates.length} update(s) kept, ${x.parameters} parameters -> ${x.out}\nCID ${x.cid}`,
          headers: ['update', 'cid', 'kept', 'norm', 'to median', 'krum score', 'rejected'],
          rows: x.updates.map((u) => [
            u.file,
            u.id,
            u.kept ? 'yes' : 'no',
            num(u.norm),
            num(u.distanceToMedian),
            num(u.krumScore),
            u.rejected ?? '',
          ]),
          alignRight: [3, 4, 5],
        },
      }));
    });
}

const num = (x: number | undefined) => (x === undefined ? '' : x.toPrecision(6));

function parseNumber(value: string | undefined, flag: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new AbortError(`${flag} ${value} is not ${integer ? 'an integer' : 'a number'}`, { code: 'FL_BAD_PARAMETER', hint: `see flock fl aggregate --help` });
  }
  return n;
}

function parseExamples(value: string | undefined, count: number): number[] {
  if (value === undefined) return new Array<number>(count).fill(1);
  const parts = value.split(',').map((s) => s.trim());
  const ns = parts.map(Number);
  if (parts.length !== count || parts.some((p, i) => p === '' || !Number.isInteger(ns[i]) || ns[i]! <= 0)) {
    throw new AbortError(`--examples ${value}: expected ${count} positive integers, one per update`, { code: 'FL_BAD_PARAMETER', hint: 'e.g. --examples 120,80,100 for three updates, in argument order' });
  }
  return ns;
}

async function aggregate(files: string[], flags: AggregateFlags) {
  const [fl, { readFileSync }, { writeFileAtomic }, { cidOf }] = await Promise.all([
    import('../../fl/index.js'),
    import('node:fs'),
    import('../../files/atomic.js'),
    import('../../storage/cid.js'),
  ]);
  if (!fl.isRuleName(flags.rule)) {
    throw new AbortError(`unknown rule ${flags.rule}`, { code: 'FL_INVALID_RULE', hint: `--rule is one of ${fl.RULE_NAMES.join(', ')}` });
  }
  const maxNorm = parseNumber(flags.maxNorm, '--max-norm', false);
  if (maxNorm !== undefined && !(maxNorm > 0)) throw new AbortError(`--max-norm ${flags.maxNorm} is not positive`, { code: 'FL_BAD_PARAMETER', hint: 'an L2 norm bound, e.g. --max-norm 10' });
  const opts = {
    rule: flags.rule,
    beta: parseNumber(flags.beta, '--beta', false),
    f: parseNumber(flags.f, '--f', true),
    m: parseNumber(flags.m, '--m', true),
    maxNorm,
  };
  const examples = parseExamples(flags.examples, files.length);
  const read = (file: string) => {
    try {
      return new Uint8Array(readFileSync(file));
    } catch (cause) {
      throw new AbortError(`cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { code: 'FL_FILE', hint: 'check the path', cause });
    }
  };
  const global = read(flags.global);
  const fileOf = new Map<string, string>();
  const updates = files.map((file, i) => {
    const bytes = read(file);
    const id = cidOf(bytes);
    const other = fileOf.get(id);
    if (other !== undefined) throw new AbortError(`${file} and ${other} are the same update (${id})`, { code: 'FL_DUPLICATE_UPDATE', hint: 'pass each update once' });
    fileOf.set(id, file);
    return { id, bytes, examples: examples[i]! };
  });
  const r = fl.aggregateModels(global, updates, opts);
  writeFileAtomic(flags.out, r.bytes, { mode: 0o644 });
  return {
    rule: r.rule,
    out: flags.out,
    cid: r.cid,
    bytes: r.bytes.length,
    parameters: r.parameters,
    kept: r.signals.filter((s) => s.kept).length,
    rejected: r.signals.filter((s) => s.rejected !== undefined).length,
    updates: r.signals.map((s) => ({ file: fileOf.get(s.id)!, examples: updates.find((u) => u.id === s.id)!.examples, ...s })),
  };
}
