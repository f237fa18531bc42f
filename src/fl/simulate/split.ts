/**
 * Seeded partitions of a dataset's rows across federated clients, as Flower Datasets makes them:
 * IID (a shuffle dealt into near-equal shares) and label-skewed (DirichletPartitioner: for each
 * class, the share of its rows each client gets is drawn from Dirichlet(alpha), so a small alpha
 * gives each client a few dominant classes). Same seed, same partition, on every machine.
 */
import { mulberry32, permutation } from '../../engine/random.js';

export const SPLITS = ['iid', 'label-skew'] as const;
export type SplitKind = (typeof SPLITS)[number];

export interface SplitOptions {
  kind: SplitKind;
  seed: number;
  /** label-skew: Dirichlet concentration (default 0.5; smaller is more skewed). */
  alpha?: number;
  /** label-skew: redraw until every client holds at least this many rows (default 10). */
  minRows?: number;
}

/** Draws Gamma(shape, 1) (Marsaglia and Tsang 2000; shape < 1 boosted by U^(1/shape)). */
function gamma(shape: number, rnd: () => number): number {
  if (shape < 1) return gamma(shape + 1, rnd) * Math.pow(1 - rnd(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      // Box-Muller; 1 - rnd() lies in (0, 1], so the log is finite.
      x = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rnd();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** A draw from Dirichlet(alpha, ..., alpha) over `k` parts. */
function dirichlet(k: number, alpha: number, rnd: () => number): number[] {
  const g = Array.from({ length: k }, () => gamma(alpha, rnd));
  const sum = g.reduce((a, b) => a + b, 0);
  return g.map((x) => x / sum);
}

/**
 * Row indices per client (each list ascending). `labels[i]` is row i's class (label-skew) and
 * only its length matters for IID. Throws RangeError when the rows cannot give every client a
 * share (fewer rows than clients, or no Dirichlet draw in 100 meets `minRows`).
 *
 * @example
 * const parts = splitRows(labels, 10, { kind: 'label-skew', seed: 1, alpha: 0.5 });
 */
export function splitRows(labels: ArrayLike<number>, clients: number, opts: SplitOptions): number[][] {
  const n = labels.length;
  if (!(Number.isInteger(clients) && clients >= 1)) throw new RangeError(`clients must be a whole number >= 1, got ${clients}`);
  if (n < clients) throw new RangeError(`${n} rows cannot be split across ${clients} clients`);
  if (opts.kind === 'iid') {
    const order = permutation(n, opts.seed);
    const parts: number[][] = Array.from({ length: clients }, () => []);
    // Client c gets the c-th of `clients` near-equal slices of the shuffle.
    for (let c = 0; c < clients; c++) {
      const from = Math.floor((c * n) / clients);
      const to = Math.floor(((c + 1) * n) / clients);
      for (let i = from; i < to; i++) parts[c]!.push(order[i]!);
    }
    return parts.map((p) => p.sort((a, b) => a - b));
  }
  const alpha = opts.alpha ?? 0.5;
  if (!(alpha > 0 && Number.isFinite(alpha))) throw new RangeError(`alpha must be a positive number, got ${alpha}`);
  const minRows = Math.min(opts.minRows ?? 10, Math.floor(n / clients));
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const k = labels[i]!;
    if (!byClass.has(k)) byClass.set(k, []);
    byClass.get(k)!.push(i);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const rnd = mulberry32(opts.seed);
  for (let attempt = 0; attempt < 100; attempt++) {
    const parts: number[][] = Array.from({ length: clients }, () => []);
    for (const k of classes) {
      const rows = byClass.get(k)!;
      const shuffled = permutation(rows.length, Math.floor(rnd() * 2 ** 32));
      const p = dirichlet(clients, alpha, rnd);
      // Cumulative proportions -> cut points; the last client takes the remainder.
      let acc = 0;
      let from = 0;
      for (let c = 0; c < clients; c++) {
        acc += p[c]!;
        const to = c === clients - 1 ? rows.length : Math.min(rows.length, Math.round(acc * rows.length));
        for (let i = from; i < to; i++) parts[c]!.push(rows[shuffled[i]!]!);
        from = Math.max(from, to);
      }
    }
    if (parts.every((p) => p.length >= minRows)) return parts.map((p) => p.sort((a, b) => a - b));
  }
  throw new RangeError(`no label-skewed split with alpha ${alpha} gives each of ${clients} clients ${minRows} rows; raise alpha or use fewer clients`);
}

/** Rows per class per client: a split's label skew at a glance. */
export function classCounts(labels: ArrayLike<number>, parts: readonly number[][], classes: number): number[][] {
  return parts.map((rows) => {
    const counts = new Array<number>(classes).fill(0);
    for (const i of rows) counts[labels[i]!]!++;
    return counts;
  });
}
