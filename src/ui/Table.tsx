import { Box, Text } from 'ink';

export interface TableProps {
  headers: string[];
  rows: string[][];
  /** Indexes of right-aligned columns (amounts). */
  alignRight?: number[];
  title?: string;
}

/**
 * A plain aligned table: bold headers, two spaces between columns, no borders so it pastes
 * cleanly into issues and chat. Rendered once with ink's renderToString by the CLI's output().
 */
export function Table({ headers, rows, alignRight = [], title }: TableProps) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number) => {
    const w = widths[i] ?? text.length;
    return alignRight.includes(i) ? text.padStart(w) : text.padEnd(w);
  };
  return (
    <Box flexDirection="column">
      {title ? <Text bold>{title}</Text> : null}
      <Text bold>{headers.map(cell).join('  ').trimEnd()}</Text>
      {rows.map((r, j) => (
        <Text key={j}>{headers.map((_, i) => cell(r[i] ?? '', i)).join('  ').trimEnd()}</Text>
      ))}
    </Box>
  );
}
