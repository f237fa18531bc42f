/** JSON Lines tables: one object per line; the first object's keys name the columns. */
import { EngineError } from '../errors.js';
import { readLines, type ReadProgress } from './lines.js';
import type { RowPosition, TableReader } from './reader.js';

function parseObject(file: string, line: string, lineNo: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new EngineError('bad-data', `${file}:${lineNo}: not valid JSON`, { cause: err });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new EngineError('bad-data', `${file}:${lineNo}: each line must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

export async function openJsonl(file: string): Promise<TableReader> {
  let columns: string[] | undefined;
  let lineNo = 0;
  for await (const line of readLines(file)) {
    lineNo++;
    if (line.trim() === '') continue;
    columns = Object.keys(parseObject(file, line, lineNo));
    break;
  }
  if (!columns) throw new EngineError('bad-data', `${file}: empty JSONL file`);
  const cols = columns;
  return {
    file,
    format: 'jsonl',
    columns: cols,
    async *rows(progress?: ReadProgress, at?: RowPosition) {
      let n = 0;
      for await (const line of readLines(file, progress)) {
        n++;
        if (line.trim() === '') continue;
        const obj = parseObject(file, line, n);
        if (at) at.line = n;
        yield cols.map((c) => obj[c]);
      }
    },
  };
}
