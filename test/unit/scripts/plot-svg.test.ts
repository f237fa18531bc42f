/**
 * scripts/plot-svg.mjs draws the benchmark charts as standalone SVG: well-formed, one polyline
 * per series inside the plot area, text escaped, the same bytes for the same data.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PALETTE, svgLineChart } from '../../../scripts/plot-svg.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts', 'plot-svg.mjs');

const CHART = {
  title: 'MNIST <non-IID> & friends',
  xLabel: 'round',
  yLabel: 'accuracy',
  series: [
    { name: 'FedAvg', values: [0.5, 0.62, 0.71, 0.78, 0.83, 0.86, 0.88, 0.9, 0.91, 0.92] },
    { name: 'Krum <f=1>', values: [0.48, 0.55, 0.6, 0.66, 0.7, 0.74, 0.77, 0.8, 0.82, 0.83] },
    { name: 'centralised', values: Array.from({ length: 10 }, () => 0.93), dashed: true },
  ],
};

const attr = (tag: string, name: string) => Number(new RegExp(`\\s${name}="([^"]*)"`).exec(tag)![1]);

function plotArea(svg: string) {
  const tag = /<rect class="plot-area"[^>]*>/.exec(svg)![0];
  return { x: attr(tag, 'x'), y: attr(tag, 'y'), w: attr(tag, 'width'), h: attr(tag, 'height') };
}

function polylines(svg: string): [number, number][][] {
  return [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => m[1]!.split(' ').map((p) => p.split(',').map(Number) as [number, number]));
}

describe('svgLineChart', () => {
  it('is a standalone SVG with balanced tags, one polyline per series and a legend', () => {
    const svg = svgLineChart(CHART);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    // Every opened element is closed (self-closing ones aside), in order.
    const stack: string[] = [];
    for (const [, close, name, , self] of svg.matchAll(/<(\/?)([\w:-]+)([^>]*?)(\/?)>/g)) {
      if (close) expect(stack.pop()).toBe(name);
      else if (!self) stack.push(name!);
    }
    expect(stack).toEqual([]);
    expect(svg.match(/<polyline /g)).toHaveLength(3);
    for (const c of PALETTE.slice(0, 3)) expect(svg).toContain(`stroke="${c}"`);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2); // the dashed line and its legend swatch
    const legend = svg.slice(svg.indexOf('<g class="legend">'));
    for (const name of ['FedAvg', 'Krum &lt;f=1&gt;', 'centralised']) expect(legend).toContain(`>${name}</text>`);
    expect(svg).toContain('>round</text>');
    expect(svg).toContain('>accuracy</text>');
  });

  it('escapes text', () => {
    const svg = svgLineChart(CHART);
    expect(svg).toContain('>MNIST &lt;non-IID&gt; &amp; friends</text>');
    // No raw < or & inside any text node.
    for (const [, text] of svg.matchAll(/>([^<]*)</g)) expect(text).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
    expect(svgLineChart({ ...CHART, title: `"it's"` })).toContain('&quot;it&#39;s&quot;');
  });

  it('keeps every point inside the plot area, first and last x at its edges', () => {
    for (const chart of [CHART, { ...CHART, yMin: 0, yMax: 1 }, { ...CHART, width: 480, height: 300 }]) {
      const svg = svgLineChart(chart);
      const a = plotArea(svg);
      const lines = polylines(svg);
      for (const pts of lines) {
        for (const [x, y] of pts) {
          expect(x).toBeGreaterThanOrEqual(a.x);
          expect(x).toBeLessThanOrEqual(a.x + a.w);
          expect(y).toBeGreaterThanOrEqual(a.y);
          expect(y).toBeLessThanOrEqual(a.y + a.h);
        }
        expect(pts[0]![0]).toBeCloseTo(a.x, 1);
        expect(pts.at(-1)![0]).toBeCloseTo(a.x + a.w, 1);
      }
      // Higher values sit higher: FedAvg ends above where it starts.
      expect(lines[0]!.at(-1)![1]).toBeLessThan(lines[0]![0]![1]);
    }
  });

  it('xStart: the axis counts from it (round 0 first); the points span the same plot area', () => {
    const from0 = svgLineChart({ ...CHART, xStart: 0 });
    const ticks = [...from0.matchAll(/<text [^>]*text-anchor="middle">(\d+)<\/text>/g)].map((m) => Number(m[1]));
    expect(ticks[0]).toBe(0);
    expect(ticks.at(-1)).toBe(9);
    expect(polylines(from0)).toEqual(polylines(svgLineChart(CHART)));
  });

  it('writes numbers with fixed decimals and is deterministic', () => {
    const svg = svgLineChart(CHART);
    expect(svgLineChart(CHART)).toBe(svg);
    for (const [, pts] of svg.matchAll(/points="([^"]*)"/g)) expect(pts).toMatch(/^(-?\d+\.\d,-?\d+\.\d ?)+$/);
    for (const [, v] of svg.matchAll(/\s(?:x|y|x1|y1|x2|y2|cx|cy)="([^"]*)"/g)) expect(v).toMatch(/^-?\d+(\.\d)?$/);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('splits a series at missing values and survives a flat or single-point series', () => {
    const gap = svgLineChart({ title: 't', series: [{ name: 'g', values: [1, 2, null as unknown as number, 3, 4] }] });
    expect(gap.match(/<polyline /g)).toHaveLength(2);
    const flat = svgLineChart({ title: 't', series: [{ name: 'f', values: [0.9, 0.9, 0.9] }] });
    expect(flat).not.toMatch(/NaN|Infinity/);
    expect(new Set(polylines(flat)[0]!.map(([, y]) => y)).size).toBe(1);
    const one = svgLineChart({ title: 't', series: [{ name: 'o', values: [3] }] });
    expect(one).not.toMatch(/NaN|Infinity/);
    expect(one).toContain('<circle ');
  });
});

describe('scripts/plot-svg.mjs CLI', () => {
  it('writes one chart, or an array of charts by id with --out-dir', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plot-svg-'));
    try {
      writeFileSync(join(dir, 'one.json'), JSON.stringify(CHART));
      const one = spawnSync(process.execPath, [SCRIPT, join(dir, 'one.json'), join(dir, 'one.svg')], { encoding: 'utf8' });
      expect(one.status, one.stderr).toBe(0);
      expect(readFileSync(join(dir, 'one.svg'), 'utf8')).toBe(svgLineChart(CHART));

      const many = [
        { ...CHART, id: 'accuracy' },
        { ...CHART, id: 'loss', title: 'loss' },
      ];
      writeFileSync(join(dir, 'many.json'), JSON.stringify(many));
      const out = join(dir, 'charts');
      const r = spawnSync(process.execPath, [SCRIPT, join(dir, 'many.json'), '--out-dir', out], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(join(out, 'loss.svg'), 'utf8')).toContain('>loss</text>');
      expect(readFileSync(join(out, 'accuracy.svg'), 'utf8')).toBe(svgLineChart(many[0]!));

      const bad = spawnSync(process.execPath, [SCRIPT, join(dir, 'many.json'), join(dir, 'x.svg')], { encoding: 'utf8' });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('--out-dir');
      writeFileSync(join(dir, 'noid.json'), JSON.stringify([CHART]));
      const noid = spawnSync(process.execPath, [SCRIPT, join(dir, 'noid.json'), '--out-dir', out], { encoding: 'utf8' });
      expect(noid.status).toBe(1);
      expect(noid.stderr).toContain('id');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
