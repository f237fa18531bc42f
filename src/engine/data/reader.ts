import type { ReadProgress } from './lines.js';

/** What every table format (csv.ts, jsonl.ts) opens into; table.ts picks the format. */
export type TableFormat = 'csv' | 'jsonl';

export interface TableReader {
  readonly file: string;
  readonly format: TableFormat;
  readonly columns: readonly string[];
  /** A fresh, lazy pass over the data rows; values are aligned with `columns`. */
  rows(progress?: ReadProgress): AsyncGenerator<readonly unknown[]>;
}
