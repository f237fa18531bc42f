/** A table read from a file: named columns and repeatable streaming passes over its rows. */
import { readLines, type ReadProgress } from './lines.js';
import { openCsv } from './csv.js';
import { openJsonl } from './jsonl.js';
import type { TableFormat, TableReader } from './reader.js';

export type { RowPosition, TableFormat, TableReader } from './reader.js';

/** Format from the name (.csv, .jsonl, .ndjson, optionally .gz), else from the first character. */
export async function detectFormat(file: string): Promise<TableFormat> {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'jsonl';
  for await (const line of readLines(file)) {
    const t = line.trimStart();
    if (t === '') continue;
    return t.startsWith('{') ? 'jsonl' : 'csv';
  }
  return 'csv';
}

export async function openTable(file: string, format?: TableFormat): Promise<TableReader> {
  const f = format ?? (await detectFormat(file));
  return f === 'jsonl' ? openJsonl(file) : openCsv(file);
}
