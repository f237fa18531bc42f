import { describe, expect, it } from 'vitest';
import { lineChart } from '../../../src/ui/line-chart.js';

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
/** Columns as a terminal counts them: code points, colour codes excluded. */
const widths = (s: string) => strip(s).split('\n').map((l) => [...l].length);
/** The y-axis tick labels, top to bottom. */
const yTicks = (s: string) => [...strip(s).matchAll(/^ *(\S+) ┤/gm)].map((m) => m[1]);

const ROUNDS = 30;
const fedavg = Array.from({ length: ROUNDS }, (_, i) => 0.95 - 0.45 * Math.exp(-i / 6));
const krum = Array.from({ length: ROUNDS }, (_, i) => 0.9 - 0.4 * Math.exp(-i / 9));
const central = Array.from({ length: ROUNDS }, () => 0.93);
const THREE = [
  { name: 'fedavg', values: fedavg },
  { name: 'krum', values: krum },
  { name: 'centralised', values: central },
];

describe('lineChart', () => {
  it('draws a tiny chart exactly', () => {
    expect(lineChart([{ name: 'a', values: [0, 1, 2] }], { width: 20, height: 3 })).toBe(
      [
        '2 ┤             ╭──●',
        '1 ┤     ╭──●────╯',
        '0 ┤●────╯',
        '  └┬───────┬───────┬',
        '   1       2       3',
        '● a',
      ].join('\n'),
    );
  });

  it('keeps every line within the width, labels and legend included', () => {
    for (const width of [20, 40, 60, 80, 120]) {
      const out = lineChart(THREE, { width, yLabel: 'accuracy', xLabel: 'round' });
      expect(Math.max(...widths(out))).toBeLessThanOrEqual(width);
    }
    const wide = lineChart([{ name: 'x', values: [12_345_678, 98_765_432] }], { width: 30, color: true });
    expect(Math.max(...widths(wide))).toBeLessThanOrEqual(30);
    // Default: an 80-column terminal, plot rows = height.
    const out = lineChart(THREE);
    expect(Math.max(...widths(out))).toBeLessThanOrEqual(80);
    expect(strip(out).split('\n').filter((l) => /[┤│]/.test(l))).toHaveLength(13);
    expect(lineChart(THREE, { height: 7 }).split('\n').filter((l) => /[┤│]/.test(l))).toHaveLength(7);
  });

  it('puts 3-5 compact round ticks on the y axis and 1..n on the x axis', () => {
    const out = lineChart(THREE, { yLabel: 'accuracy', xLabel: 'round' });
    const ticks = yTicks(out);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(5);
    for (const t of ticks) expect(t).toMatch(/^\d\.\d{1,2}$/);
    expect(Number(ticks[0])).toBeGreaterThanOrEqual(0.95);
    expect(Number(ticks.at(-1))).toBeLessThanOrEqual(0.5);
    const lines = out.split('\n');
    expect(lines[0]).toBe('accuracy');
    const xs = lines.find((l) => /^\s+1\s/.test(l))!.trim().split(/\s+/).map(Number);
    expect(xs[0]).toBe(1);
    expect(xs.at(-1)).toBe(ROUNDS);
    expect(lines.some((l) => l.trim() === 'round')).toBe(true);
    expect(yTicks(lineChart([{ name: 'big', values: [0, 120_000] }]))).toContain('100k');
  });

  it('names each series with its marker in the legend, wrapped when narrow', () => {
    const out = lineChart(THREE);
    expect(out.split('\n').at(-1)).toBe('● fedavg  × krum  + centralised');
    for (const m of ['●', '×', '+']) expect(out.split('\n').slice(0, -1).join('\n')).toContain(m);
    const narrow = lineChart(THREE, { width: 20 }).split('\n');
    expect(narrow.slice(-2)).toEqual(['● fedavg  × krum', '+ centralised']);
  });

  it('draws a single point', () => {
    const out = lineChart([{ name: 'one', values: [0.7] }], { width: 30, height: 5 });
    const lines = out.split('\n');
    expect(lines.filter((l) => l.includes('●'))).toEqual(['0.70 ┤●', '● one']);
    expect(lines).toContain('      1');
    expect(out).not.toMatch(/NaN|Infinity/);
  });

  it('draws a constant series as a flat line, without dividing by zero', () => {
    for (const v of [0, 5, 0.93, -2]) {
      const out = lineChart([{ name: 'flat', values: [v, v, v, v] }], { width: 40, height: 5 });
      expect(out).not.toMatch(/NaN|Infinity/);
      const row = out.split('\n').find((l) => l.includes('●') && /[┤│]/.test(l))!;
      expect(row).toMatch(/[┤│]●─+●─+●─+●$/);
      // A range around the value, not a zero span.
      const ticks = yTicks(out).map(Number);
      expect(ticks[0]).toBeGreaterThan(v);
      expect(ticks.at(-1)).toBeLessThan(v);
    }
    const zeros = lineChart([{ name: 'z', values: [0, 0] }], { width: 30, height: 3, min: 0 });
    expect(yTicks(zeros)).toEqual(['1.0', '0.5', '0.0']);
    expect(zeros.split('\n')[2]).toMatch(/┤●─+●$/);
  });

  it('leaves a gap at NaN, undefined or infinite values', () => {
    const values = [1, Number.NaN, 1, 1, undefined as unknown as number, 1, Number.POSITIVE_INFINITY, 1];
    const out = lineChart([{ name: 'g', values }], { width: 40, height: 3 });
    const row = out.split('\n').find((l) => l.includes('●') && l.includes('┤'))!;
    // Markers only at the defined points, lines only between neighbours that are both defined.
    expect(row.split('┤')[1]).toMatch(/^● +●─+● +● +●$/);
    expect(lineChart([{ name: 'none', values: [Number.NaN] }], { width: 30 })).not.toMatch(/NaN|●─/);
  });

  it('spans the longest series when lengths differ', () => {
    const out = lineChart(
      [
        { name: 'long', values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
        { name: 'short', values: [10, 9, 8] },
      ],
      { width: 40, height: 5 },
    );
    const lines = out.split('\n');
    expect(lines.at(-2)!.trim().split(/\s+/).at(-1)).toBe('10');
    // The short series stops at x = 3: a third of the way along, no × beyond it.
    const top = lines[0]!.split('┤')[1]!;
    expect(top.indexOf('×')).toBe(0);
    const crosses = lines.flatMap((l) => [...(l.split(/[┤│]/)[1] ?? '')].flatMap((ch, c) => (ch === '×' ? [c] : [])));
    expect(Math.max(...crosses)).toBeLessThan(40 / 3);
  });

  it('honours min and max, clipping values beyond them', () => {
    const out = lineChart([{ name: 'c', values: [0.2, 0.8, 1.3, -0.4] }], { width: 40, height: 9, min: 0, max: 1 });
    expect(yTicks(out)).toEqual(['1.00', '0.75', '0.50', '0.25', '0.00']);
    expect(out.split('\n').slice(0, -1).join('\n').match(/●/g)).toHaveLength(2);
    const lines = out.split('\n');
    expect(lines.slice(0, 9).every((l) => [...l].length <= 40)).toBe(true);
    // Only min: the top is rounded out above the data.
    expect(yTicks(lineChart([{ name: 'm', values: [0.3, 0.62] }], { min: 0 }))[0]).toMatch(/^0\.[6-9]\d?$|^1(\.0+)?$/);
  });

  it('adds ANSI colours only when asked, and is otherwise the same', () => {
    const plain = lineChart(THREE);
    expect(plain).not.toContain('\x1b');
    const colored = lineChart(THREE, { color: true });
    expect(colored).toContain('\x1b[36m●');
    expect(colored).toContain('\x1b[33m× krum\x1b[0m');
    expect(strip(colored)).toBe(plain);
    expect(lineChart(THREE)).toBe(plain);
  });

  it('draws empty axes for no series', () => {
    const out = lineChart([], { width: 30, height: 5 });
    expect(yTicks(out)).toHaveLength(5);
    expect(out).not.toMatch(/NaN|Infinity|●/);
  });

  it('xStart: the x axis counts from it (round 0 first)', () => {
    const out = lineChart([{ name: 'a', values: [0, 1, 2] }], { width: 20, height: 3, xStart: 0 });
    expect(out.split('\n').slice(-2, -1)[0]).toBe('   0       1       2');
    const wide = lineChart([{ name: 'a', values: Array.from({ length: 21 }, (_, i) => i) }], { xStart: 0 });
    expect(wide).toMatch(/^ +0 +5 +10 +15 +20$/m);
  });
});
