/**
 * A plain-text line chart for a terminal, in the manner of asciichart / plotext: `flock fl
 * simulate` prints its per-round score with it, the benchmarks their curves. Pure and
 * deterministic (a string; it never asks the terminal anything), so a pipe or a log keeps it and
 * tests compare it exactly. Only box-drawing characters and simple markers: no braille, which
 * many terminal fonts lack.
 */

export interface LineSeries {
  name: string;
  /** values[i] is the value at x = xStart + i (default 1 + i); NaN, ±Infinity or a hole leaves a gap. */
  values: readonly number[];
}

export interface LineChartOptions {
  /** Total columns, axis labels included (default 80, the narrowest common terminal). */
  width?: number;
  /** Rows of the plot area, axes and legend excluded (default 13: 12 intervals split into 2, 3 or 4 ticks). */
  height?: number;
  yLabel?: string;
  xLabel?: string;
  /** The x of each series' first value (default 1; 0 for a chart that starts with round 0). */
  xStart?: number;
  /** Fix the bottom / top of the y axis; values beyond them are clipped. Unset ends are rounded out. */
  min?: number;
  max?: number;
  /** ANSI colours per series (default false: a pipe or a log file gets plain text). */
  color?: boolean;
}

const MARKERS = ['●', '×', '+', '○', '◆', '■', '▲', '*'];
/** cyan, yellow, magenta, green, red, blue: readable on dark and light backgrounds alike. */
const COLORS = [36, 33, 35, 32, 31, 34];

const isValue = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Draws the series against x = 1..n (n the longest series) with one marker per series, lines
 * between consecutive values, a y axis of 3-5 round ticks, and a legend.
 *
 * @example
 * console.log(lineChart([{ name: 'fedavg', values: accuracies }], { yLabel: 'accuracy', xLabel: 'round' }));
 */
export function lineChart(series: readonly LineSeries[], opts: LineChartOptions = {}): string {
  const width = Math.max(20, Math.floor(opts.width ?? 80));
  const height = Math.max(3, Math.floor(opts.height ?? 13));
  const axis = yAxis(
    series.flatMap((s) => s.values.filter(isValue)),
    height,
    isValue(opts.min) ? opts.min : undefined,
    isValue(opts.max) ? opts.max : undefined,
  );
  const lw = Math.max(...axis.ticks.map((t) => t.label.length));
  const plotW = Math.max(2, width - lw - 2);
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const col = (i: number) => (n === 1 ? 0 : Math.round((i * (plotW - 1)) / (n - 1)));
  // Fractional row of a value (0 = top); rows past the edges are clipped, and clamping to one
  // row beyond keeps a line to a far-off value from looping over millions of rows.
  const rowOf = (v: number) => Math.min(height, Math.max(-1, Math.round(((axis.hi - v) / (axis.hi - axis.lo)) * (height - 1))));

  const grid: { ch: string; s: number }[][] = Array.from({ length: height }, () => Array.from({ length: plotW }, () => ({ ch: ' ', s: -1 })));
  const put = (r: number, c: number, ch: string, s: number) => {
    const row = grid[r];
    if (row && c >= 0 && c < plotW) row[c] = { ch, s };
  };
  // Lines first, markers over them; the last series first, so the first one ends on top.
  for (let s = series.length - 1; s >= 0; s--) {
    const v = series[s]!.values;
    for (let i = 0; i + 1 < v.length; i++) {
      const a = v[i];
      const b = v[i + 1];
      if (!isValue(a) || !isValue(b)) continue;
      const c0 = col(i);
      const c1 = col(i + 1);
      let prev = rowOf(a);
      for (let c = c0 + 1; c <= c1; c++) {
        const f = (c - c0) / (c1 - c0);
        const r = rowOf(a * (1 - f) + b * f); // not a + (b - a) * f, which overflows or rounds away b
        if (r === prev) put(r, c, '─', s);
        else {
          // asciichart's steps: leave the old row with a corner, climb a │, enter the new one.
          const up = r < prev;
          put(prev, c, up ? '╯' : '╮', s);
          put(r, c, up ? '╭' : '╰', s);
          for (let k = Math.min(r, prev) + 1; k < Math.max(r, prev); k++) put(k, c, '│', s);
        }
        prev = r;
      }
    }
  }
  for (let s = series.length - 1; s >= 0; s--) {
    series[s]!.values.forEach((v, i) => {
      if (isValue(v)) {
        const r = rowOf(v);
        if (r >= 0 && r < height) put(r, col(i), marker(s), s);
      }
    });
  }

  const paint = (text: string, s: number) => (opts.color && s >= 0 ? `\x1b[${COLORS[s % COLORS.length]}m${text}\x1b[0m` : text);
  const tickAt = new Map(axis.ticks.map((t) => [t.row, t.label]));
  const lines: string[] = [];
  if (opts.yLabel) lines.push(opts.yLabel.slice(0, width));
  grid.forEach((row, r) => {
    const label = tickAt.get(r);
    const cells = runs(row).map((run) => paint(run.text, run.s)).join('');
    lines.push(`${(label ?? '').padStart(lw)} ${label === undefined ? '│' : '┤'}${cells}`.trimEnd());
  });
  const xt = xTicks(n, opts.xStart ?? 1, plotW, col);
  const axisLine = Array.from({ length: plotW }, (_, c) => (xt.some((t) => t.col === c) ? '┬' : '─')).join('');
  lines.push(`${' '.repeat(lw)} └${axisLine}`);
  const under = Array.from({ length: plotW }, () => ' ');
  for (const t of xt) [...t.label].forEach((ch, j) => (under[t.start + j] = ch));
  lines.push(`${' '.repeat(lw + 2)}${under.join('')}`.trimEnd());
  if (opts.xLabel) {
    const x = opts.xLabel.slice(0, plotW);
    lines.push(`${' '.repeat(lw + 2 + Math.floor((plotW - x.length) / 2))}${x}`);
  }
  lines.push(...legend(series, width, paint));
  return lines.join('\n');
}

function marker(s: number): string {
  return MARKERS[s % MARKERS.length]!;
}

/** Consecutive cells of one series, so colour codes wrap runs rather than every character. */
function runs(row: readonly { ch: string; s: number }[]): { text: string; s: number }[] {
  const out: { text: string; s: number }[] = [];
  for (const cell of row) {
    const s = cell.ch === ' ' ? -1 : cell.s;
    const last = out[out.length - 1];
    if (last && last.s === s) last.text += cell.ch;
    else out.push({ text: cell.ch, s });
  }
  return out;
}

/** `● fedavg  × krum`, wrapped so no line is wider than the chart. */
function legend(series: readonly LineSeries[], width: number, paint: (text: string, s: number) => string): string[] {
  const lines: string[] = [];
  let line = '';
  let len = 0;
  series.forEach((x, s) => {
    const item = `${marker(s)} ${x.name}`.slice(0, width);
    if (len > 0 && len + 2 + item.length > width) {
      lines.push(line);
      line = '';
      len = 0;
    }
    line += `${len > 0 ? '  ' : ''}${paint(item, s)}`;
    len += (len > 0 ? 2 : 0) + item.length;
  });
  if (len > 0) lines.push(line);
  return lines;
}

interface YAxis {
  lo: number;
  hi: number;
  ticks: { row: number; label: string }[];
}

/**
 * The y range and its ticks. Free ends are rounded out to a multiple of a 1-2-2.5-5 step, trying
 * 4, 3 and 2 intervals (those that divide the rows, so every tick sits on its row exactly) and
 * keeping the tightest fit; a flat series gets a range around its value instead of a zero span.
 */
function yAxis(values: readonly number[], height: number, min?: number, max?: number): YAxis {
  const fixedLo = min !== undefined;
  const fixedHi = max !== undefined;
  let lo = min ?? (values.length ? values.reduce((a, b) => Math.min(a, b)) : 0);
  let hi = max ?? (values.length ? values.reduce((a, b) => Math.max(a, b)) : 1);
  if (fixedLo && fixedHi && hi < lo) [lo, hi] = [hi, lo];
  if (!fixedHi && hi < lo) hi = lo;
  if (!fixedLo && lo > hi) lo = hi;
  if (hi === lo) {
    const unit = lo === 0 ? 1 : 10 ** Math.floor(Math.log10(Math.abs(lo)));
    if (!fixedLo) lo -= unit;
    if (!fixedHi || fixedLo) hi += unit;
  }
  const rows = height - 1;
  const divisors = [4, 3, 2].filter((k) => k <= rows && rows % k === 0);
  let best: { lo: number; step: number; k: number } | undefined;
  for (const k of divisors.length ? divisors : [4, 3, 2].filter((k) => k <= rows)) {
    const fit = fitRange(lo, hi, k, fixedLo, fixedHi);
    if (!best || fit.step * k < best.step * best.k - 1e-12 * Math.abs(fit.step)) best = fit;
  }
  const { lo: base, step, k } = best!;
  const top = fixedHi ? hi : base + k * step;
  const format = tickFormat(base, top, step);
  const ticks = Array.from({ length: k + 1 }, (_, j) => ({
    row: Math.round(((k - j) * rows) / k),
    label: format(j === k ? top : base + j * step),
  }));
  return { lo: base, hi: top, ticks };
}

function fitRange(lo: number, hi: number, k: number, fixedLo: boolean, fixedHi: boolean): { lo: number; step: number; k: number } {
  if (fixedLo && fixedHi) return { lo, step: (hi - lo) / k, k };
  let step = niceCeil((hi - lo) / k);
  for (;;) {
    const base = fixedLo ? lo : fixedHi ? hi - k * step : Math.floor(lo / step + 1e-9) * step;
    if (base + k * step >= hi - 1e-9 * step) return { lo: base, step, k };
    step = niceCeil(step * 1.000001);
  }
}

/** The smallest of 1, 2, 2.5, 5 times a power of ten that is >= x. */
function niceCeil(x: number): number {
  const e = 10 ** Math.floor(Math.log10(x));
  return ([1, 2, 2.5, 5, 10].find((m) => m * e >= x * (1 - 1e-9)) ?? 10) * e;
}

/** Fewest decimals that tell ticks apart (0.95, not 0.9500000001); k / M / G past 10,000. */
function tickFormat(lo: number, hi: number, step: number): (v: number) => string {
  const big = Math.max(Math.abs(lo), Math.abs(hi));
  const [scale, suffix] = big >= 1e9 ? [1e9, 'G'] : big >= 1e6 ? [1e6, 'M'] : big >= 1e4 ? [1e3, 'k'] : [1, ''];
  const s = step / scale;
  const d = Math.min(Math.max(decimals(s), decimals(lo / scale)), Math.max(0, 2 - Math.floor(Math.log10(s))));
  return (v) => {
    const text = (v / scale).toFixed(d);
    if (Number(text) === 0) return text.replace('-', ''); // no -0.00, no 0k
    return `${text}${suffix}`;
  };
}

function decimals(x: number): number {
  for (let d = 0; d < 6; d++) {
    const s = Math.abs(x) * 10 ** d;
    if (Math.abs(s - Math.round(s)) < 1e-6 * Math.max(1, s)) return d;
  }
  return 6;
}

/** Round x ticks (the first x, then multiples of a 1-2-5 step, and the last), their labels never touching. */
function xTicks(n: number, first: number, plotW: number, col: (i: number) => number): { col: number; start: number; label: string }[] {
  const lastX = first + n - 1;
  const digits = Math.max(String(first).length, String(lastX).length);
  const gap = (n > 1 ? (plotW - 1) / (n - 1) : plotW) || 1;
  let step = 1;
  for (let e = 1; ; e *= 10) {
    const fit = [1, 2, 5].map((m) => m * e).find((s) => s * gap >= digits + 2 && n / s <= 10);
    if (fit !== undefined) {
      step = fit;
      break;
    }
  }
  const xs = [first];
  for (let x = (Math.floor(first / step) + 1) * step; x < lastX; x += step) xs.push(x);
  if (n > 1) xs.push(lastX);
  const place = (x: number) => {
    const label = String(x);
    const c = col(x - first);
    const start = Math.min(plotW - label.length, Math.max(0, c - Math.floor((label.length - 1) / 2)));
    return { col: c, start, label };
  };
  const last = place(lastX);
  const out: ReturnType<typeof place>[] = [];
  for (const x of xs) {
    const t = place(x);
    const prev = out[out.length - 1];
    if (prev && t.start <= prev.start + prev.label.length) continue;
    if (x !== lastX && n > 1 && t.start + t.label.length >= last.start) continue;
    out.push(t);
  }
  return out;
}
