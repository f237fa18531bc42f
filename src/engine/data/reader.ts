import type { ReadProgress } from './lines.js';

/** Where a pass over a table is: the file line of the row last yielded. */
export interface RowPosition {
  line: number;
}

/** What every table format (csv.ts, jsonl.ts) opens into; table.ts picks the format. */
export type TableFormat = 'csv' | 'jsonl';

export interface TableReader {
  readonly file: string;
  readonly format: TableFormat;
  readonly columns: readonly string[];
  /**
   * A fresh, lazy pass over the data rows; values are aligned with `columns`. When `at` is given,
   * `at.line` is set to the 1-based line of the file each row came from before it is yielded, so
   * a caller's error can point at the line (blank lines and the header are counted).
   */
  rows(progress?: ReadProgress, at?: RowPosition): AsyncGenerator<readonly unknown[]>;
}
