/**
 * `flock call --input`: a file of examples as rows of numbers, plain or gzip. CSV: one example a row, a header
 * row (any non-numeric cell) skipped, `drop` names a header column to leave out. JSON: an array
 * of rows, one row, or an Open Inference Protocol v2 request (its first input, by its shape).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { AbortError } from '../errors/index.js';

export function readInputRows(file: string, drop?: string): number[][] {
  let text: string;
  try {
    const bytes = readFileSync(file);
    text = (file.toLowerCase().endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (cause) {
    throw bad(file, `cannot be read (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`, cause);
  }
  const rows = /\.json(\.gz)?$/i.test(file) ? fromJson(file, text) : fromCsv(file, text, drop);
  if (rows.length === 0) throw bad(file, 'holds no rows');
  rows.forEach((r, i) => {
    const at = r.findIndex((v) => !Number.isFinite(v));
    if (at >= 0) throw bad(file, `row ${i + 1}, value ${at + 1} is not a finite number`);
  });
  return rows;
}

function fromJson(file: string, text: string): number[][] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (cause) {
    throw bad(file, `is not JSON (${(cause as Error).message})`, cause);
  }
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return [v as number[]];
  if (Array.isArray(v) && v.every((x) => Array.isArray(x))) return (v as unknown[][]).map((r) => r.map(Number));
  const input = (v as { inputs?: { shape?: number[]; data?: unknown[] }[] })?.inputs?.[0];
  if (input && Array.isArray(input.shape) && Array.isArray(input.data)) {
    const data = input.data.flat(Infinity as 1).map(Number);
    const n = input.shape[0] ?? 1;
    const width = data.length / n;
    if (!Number.isInteger(width)) throw bad(file, `its input's data (${data.length} values) does not fit its shape ${JSON.stringify(input.shape)}`);
    return Array.from({ length: n }, (_, i) => data.slice(i * width, (i + 1) * width));
  }
  throw bad(file, 'is neither an array of rows nor an Open Inference Protocol request ({"inputs": [{"shape": …, "data": …}]})');
}

function fromCsv(file: string, text: string, drop?: string): number[][] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return [];
  const cells = (l: string) => l.split(',').map((c) => c.trim());
  const first = cells(lines[0]!);
  const header = first.some((c) => c === '' || !Number.isFinite(Number(c))) ? first : undefined;
  let skip = -1;
  if (drop !== undefined) {
    skip = header ? header.indexOf(drop) : -1;
    if (skip < 0) throw bad(file, `has no column named ${drop}${header ? ` (its columns: ${header.join(', ')})` : ' (it has no header row)'}`);
  }
  return lines.slice(header ? 1 : 0).map((l) => cells(l).filter((_, i) => i !== skip).map(Number));
}

function bad(file: string, what: string, cause?: unknown): AbortError {
  return new AbortError(`--input ${file} ${what}`, { code: 'BAD_INPUT', hint: 'one example a row: CSV (a header row is fine; --drop <column> leaves one out) or a JSON array of rows', cause });
}
