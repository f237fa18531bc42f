/** CSV tables (RFC 4180 quoting within a line; one record per line). */
import { EngineError } from '../errors.js';
import { readLines, type ReadProgress } from './lines.js';
import type { RowPosition, TableReader } from './reader.js';

/** Splits one CSV record. Quoted fields may contain the delimiter and doubled quotes. */
export function parseCsvLine(line: string, delimiter = ','): string[] {
  if (!line.includes('"')) return line.split(delimiter).map((f) => f.trim());
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      out.push(field.trim());
      field = '';
    } else field += ch;
  }
  if (quoted) throw new EngineError('bad-data', `unterminated quoted field in CSV line: ${line.slice(0, 80)}`);
  out.push(field.trim());
  return out;
}

function isNumeric(s: string): boolean {
  return s !== '' && Number.isFinite(Number(s));
}

/** `x1,x2,x3,label` for a header of `n` columns (elided past 6). */
function exampleHeader(n: number): string {
  const names = Array.from({ length: Math.max(n - 1, 0) }, (_, i) => `x${i + 1}`);
  return [...(names.length > 5 ? [...names.slice(0, 3), '...', names.at(-1)!] : names), 'label'].join(',');
}

/**
 * Opens a CSV file (plain or gzip) whose first line is a header. The header is read now; each
 * `rows()` call starts a fresh streaming pass over the data lines.
 */
export async function openCsv(file: string, delimiter = ','): Promise<TableReader> {
  let header: string[] | undefined;
  for await (const line of readLines(file)) {
    if (line.trim() === '') continue;
    header = parseCsvLine(line, delimiter);
    break;
  }
  if (!header) throw new EngineError('bad-data', `${file}: empty CSV file`);
  // A column named by a number is far more often a first row of data than a name: refuse it
  // rather than read 5.1,3.5,...,setosa as column names and fail later on a missing label.
  const numeric = header.findIndex(isNumeric);
  if (numeric >= 0) {
    throw new EngineError('bad-data', `${file}:1: the first line looks like data, not a header: '${header[numeric]}' (column ${numeric + 1}) is a number`, {
      hint: `add a first line naming the columns, e.g. ${exampleHeader(header.length)} (a column name must not be a number)`,
    });
  }
  const columns = header;
  return {
    file,
    format: 'csv',
    columns,
    async *rows(progress?: ReadProgress, at?: RowPosition) {
      let first = true;
      let lineNo = 0;
      for await (const line of readLines(file, progress)) {
        lineNo++;
        if (line.trim() === '') continue;
        if (first) {
          first = false; // the header
          continue;
        }
        const fields = parseCsvLine(line, delimiter);
        if (fields.length !== columns.length) {
          throw new EngineError(
            'bad-data',
            `${file}:${lineNo}: ${fields.length} fields, the header has ${columns.length}`,
          );
        }
        if (at) at.line = lineNo;
        yield fields;
      }
    },
  };
}
