#!/usr/bin/env node
// Line charts as standalone SVG, for the benchmark reports and docs (the terminal has
// src/ui/line-chart.ts). Plain Node, no dependencies, deterministic: every number is written with
// fixed decimals, so a regenerated chart diffs clean when its data did not change.
//   node scripts/plot-svg.mjs <input.json> <out.svg>        one chart: { title, xLabel, yLabel, series, yMin?, yMax? }
//   node scripts/plot-svg.mjs <input.json> --out-dir <dir>  an array of charts, each with an `id`: <dir>/<id>.svg
// series: [{ name, values, dashed? }], values[i] plotted at x = xStart + i (xStart default 1); null (JSON's NaN) leaves a gap.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Okabe & Ito's colour-blind-safe palette, the yellow last (faint on white). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

const FONT_PX = 12;
/** Rough width of a character of the 12 px sans-serif, to lay the legend out without a browser. */
const CHAR_PX = 6.8;

/**
 * A standalone SVG line chart: title, legend, grid, axes with round ticks, one polyline per
 * series (per unbroken run of values, where values are missing), clipped to the plot area.
 *
 * @example
 * writeFileSync('acc.svg', svgLineChart({ title: 'MNIST', xLabel: 'round', yLabel: 'accuracy',
 *   series: [{ name: 'FedAvg', values: acc }, { name: 'centralised', values: base, dashed: true }] }));
 */
export function svgLineChart({ title = '', xLabel = '', yLabel = '', series = [], yMin, yMax, xStart = 1, width = 720, height = 400 }) {
  const finite = series.flatMap((s) => s.values.filter(isValue));
  const n = Math.max(1, ...series.map((s) => s.values.length));

  // Legend under the title, wrapped into rows.
  const items = [];
  let lx = 0;
  let row = 0;
  const legendW = width - 32;
  for (const [i, s] of series.entries()) {
    const w = 28 + String(s.name).length * CHAR_PX;
    if (lx > 0 && lx + w > legendW) {
      lx = 0;
      row += 1;
    }
    items.push({ i, s, x: 16 + lx, row });
    lx += w + 18;
  }
  const legendRows = series.length ? row + 1 : 0;
  const top = (title ? 36 : 14) + legendRows * 18 + 10;
  const plot = { x: yLabel ? 64 : 48, y: top, w: 0, h: 0 };
  plot.w = width - plot.x - 20;
  plot.h = height - top - (xLabel ? 50 : 32);

  const y = yScale(finite, isValue(yMin) ? yMin : undefined, isValue(yMax) ? yMax : undefined);
  const last = xStart + n - 1;
  const [x0, x1] = n === 1 ? [xStart - 1, xStart + 1] : [xStart, last];
  const px = (x) => plot.x + ((x - x0) / (x1 - x0)) * plot.w;
  const py = (v) => plot.y + plot.h - ((v - y.lo) / (y.hi - y.lo)) * plot.h;

  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="${FONT_PX}">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  if (title) out.push(`<text x="${f(width / 2)}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`);
  out.push(`<defs><clipPath id="plot-clip"><rect x="${f(plot.x)}" y="${f(plot.y)}" width="${f(plot.w)}" height="${f(plot.h)}"/></clipPath></defs>`);

  // Grid and tick labels.
  out.push('<g class="grid" stroke="#e3e3e3" stroke-width="1">');
  for (const v of y.ticks) out.push(`<line x1="${f(plot.x)}" y1="${f(py(v))}" x2="${f(plot.x + plot.w)}" y2="${f(py(v))}"/>`);
  const xt = xTicks(xStart, last);
  for (const x of xt) out.push(`<line x1="${f(px(x))}" y1="${f(plot.y)}" x2="${f(px(x))}" y2="${f(plot.y + plot.h)}"/>`);
  out.push('</g>');
  out.push('<g class="ticks" fill="#333333">');
  for (const v of y.ticks) out.push(`<text x="${f(plot.x - 6)}" y="${f(py(v) + 4)}" text-anchor="end">${esc(y.format(v))}</text>`);
  for (const x of xt) out.push(`<text x="${f(px(x))}" y="${f(plot.y + plot.h + 16)}" text-anchor="middle">${x}</text>`);
  out.push('</g>');
  out.push(`<rect class="plot-area" x="${f(plot.x)}" y="${f(plot.y)}" width="${f(plot.w)}" height="${f(plot.h)}" fill="none" stroke="#333333" stroke-width="1"/>`);
  if (xLabel) out.push(`<text x="${f(plot.x + plot.w / 2)}" y="${f(height - 12)}" text-anchor="middle">${esc(xLabel)}</text>`);
  if (yLabel) {
    const cy = f(plot.y + plot.h / 2);
    out.push(`<text x="16" y="${cy}" text-anchor="middle" transform="rotate(-90 16 ${cy})">${esc(yLabel)}</text>`);
  }

  // Series, clipped: values beyond a fixed yMin / yMax leave the plot rather than squash it.
  out.push('<g class="series" clip-path="url(#plot-clip)" fill="none" stroke-width="2" stroke-linejoin="round" stroke-linecap="round">');
  for (const [i, s] of series.entries()) {
    const color = PALETTE[i % PALETTE.length];
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    for (const run of runs(s.values, xStart)) {
      const pts = run.map(([x, v]) => `${f(px(x))},${f(py(v))}`);
      if (pts.length === 1) {
        const [cx, cy] = pts[0].split(',');
        out.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${color}" stroke="none"/>`);
      } else out.push(`<polyline stroke="${color}"${dash} points="${pts.join(' ')}"/>`);
    }
  }
  out.push('</g>');

  out.push('<g class="legend">');
  for (const { i, s, x, row: r } of items) {
    const ly = (title ? 36 : 14) + r * 18 + 6;
    const color = PALETTE[i % PALETTE.length];
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<line x1="${f(x)}" y1="${f(ly)}" x2="${f(x + 22)}" y2="${f(ly)}" stroke="${color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${f(x + 28)}" y="${f(ly + 4)}">${esc(s.name)}</text>`);
  }
  out.push('</g>');
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

const isValue = (v) => typeof v === 'number' && Number.isFinite(v);
const f = (v) => v.toFixed(1);

/** XML text and attribute escaping. */
export function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** Unbroken runs of [x, value], x = xStart + index. */
function runs(values, xStart) {
  const out = [];
  let cur = [];
  values.forEach((v, i) => {
    if (isValue(v)) cur.push([xStart + i, v]);
    else if (cur.length) {
      out.push(cur);
      cur = [];
    }
  });
  if (cur.length) out.push(cur);
  return out;
}

/** The smallest of 1, 2, 2.5, 5 times a power of ten that is >= x. */
function niceCeil(x) {
  const e = 10 ** Math.floor(Math.log10(x));
  return ([1, 2, 2.5, 5, 10].find((m) => m * e >= x * (1 - 1e-9)) ?? 10) * e;
}

function decimals(x) {
  for (let d = 0; d < 6; d++) {
    const s = Math.abs(x) * 10 ** d;
    if (Math.abs(s - Math.round(s)) < 1e-6 * Math.max(1, s)) return d;
  }
  return 6;
}

/** The y range (free ends rounded out to a tick, a flat series given room) and about 5 round ticks. */
function yScale(values, min, max) {
  let lo = min ?? (values.length ? values.reduce((a, b) => Math.min(a, b)) : 0);
  let hi = max ?? (values.length ? values.reduce((a, b) => Math.max(a, b)) : 1);
  if (min !== undefined && max !== undefined && hi < lo) [lo, hi] = [hi, lo];
  if (max === undefined && hi < lo) hi = lo;
  if (min === undefined && lo > hi) lo = hi;
  if (hi === lo) {
    const unit = lo === 0 ? 1 : 10 ** Math.floor(Math.log10(Math.abs(lo)));
    if (min === undefined) lo -= unit;
    if (max === undefined || min !== undefined) hi += unit;
  }
  const step = niceCeil((hi - lo) / 5);
  if (min === undefined) lo = Math.floor(lo / step + 1e-9) * step;
  if (max === undefined) hi = Math.ceil(hi / step - 1e-9) * step;
  const ticks = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  const d = Math.min(6, decimals(step));
  return { lo, hi, ticks, format: (v) => v.toFixed(d) };
}

/** The first x, then multiples of a 1-2-5 step up to the last, at most about 10. */
function xTicks(first, last) {
  const n = last - first + 1;
  let step = 1;
  for (let e = 1; ; e *= 10) {
    const s = [1, 2, 5].map((m) => m * e).find((s) => n / s <= 10);
    if (s !== undefined) {
      step = s;
      break;
    }
  }
  const xs = [first];
  for (let x = (Math.floor(first / step) + 1) * step; x <= last; x += step) xs.push(x);
  return xs;
}

function usage(message) {
  process.stderr.write(`${message}\nusage: node scripts/plot-svg.mjs <input.json> <out.svg>\n       node scripts/plot-svg.mjs <input.json> --out-dir <dir>   (an array of charts, each with an id)\n`);
  process.exit(1);
}

function main(argv) {
  const i = argv.indexOf('--out-dir');
  const outDir = i >= 0 ? argv[i + 1] : undefined;
  const rest = i >= 0 ? argv.filter((_, j) => j !== i && j !== i + 1) : argv;
  if (i >= 0 && !outDir) usage('--out-dir needs a directory');
  const [input, outFile] = rest;
  if (!input || (!outDir && !outFile) || (outDir && outFile)) usage('expected an input file and either an output file or --out-dir');
  let data;
  try {
    data = JSON.parse(readFileSync(input, 'utf8'));
  } catch (e) {
    usage(`cannot read ${input}: ${e.message}`);
  }
  const charts = Array.isArray(data) ? data : [data];
  for (const [k, c] of charts.entries()) {
    if (!c || !Array.isArray(c.series) || !c.series.every((s) => s && typeof s.name === 'string' && Array.isArray(s.values))) {
      usage(`chart ${c?.id ?? k}: series must be [{ name, values: number[] }]`);
    }
  }
  if (!outDir) {
    if (charts.length !== 1) usage(`${input} holds ${charts.length} charts: use --out-dir`);
    writeFileSync(outFile, svgLineChart(charts[0]));
    process.stdout.write(`${outFile}\n`);
    return;
  }
  mkdirSync(outDir, { recursive: true });
  const seen = new Set();
  for (const c of charts) {
    if (typeof c.id !== 'string' || !/^[\w.-]+$/.test(c.id) || c.id.startsWith('.')) usage(`each chart needs an id usable as a file name (letters, digits, _ . -), got ${JSON.stringify(c.id)}`);
    if (seen.has(c.id)) usage(`duplicate chart id ${c.id}`);
    seen.add(c.id);
  }
  for (const c of charts) {
    const file = join(outDir, `${c.id}.svg`);
    writeFileSync(file, svgLineChart(c));
    process.stdout.write(`${file}\n`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
