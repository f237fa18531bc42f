import type { ReactElement } from 'react';
import type { TableProps } from '../ui/Table.js';

/** What a command's human renderer may return; `undefined` prints nothing. */
export type HumanOutput = string | string[] | { table: TableProps } | ReactElement | undefined | void;

/** JSON.stringify that writes bigints as decimal strings (token amounts exceed 2^53). */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent);
}

function isReactElement(v: unknown): v is ReactElement {
  return typeof v === 'object' && v !== null && '$$typeof' in v;
}

/**
 * Prints a command's result: JSON on stdout with --json, else its human rendering. ink is loaded
 * only when a table or element is actually rendered, and renders once (no live redraw), so
 * output is the same in a terminal and in a pipe.
 */
export async function printResult<T>(result: T, json: boolean, human?: (r: T) => HumanOutput, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  if (json) {
    out.write(`${toJson(result ?? null)}\n`);
    return;
  }
  const rendered = human ? human(result) : typeof result === 'string' ? result : toJson(result);
  if (rendered === undefined || rendered === null) return;
  if (typeof rendered === 'string') {
    out.write(rendered.endsWith('\n') ? rendered : `${rendered}\n`);
  } else if (Array.isArray(rendered)) {
    out.write(`${rendered.join('\n')}\n`);
  } else {
    const [{ renderToString }, react] = await Promise.all([import('ink'), import('react')]);
    let element: ReactElement;
    if (isReactElement(rendered)) element = rendered;
    else {
      const { Table } = await import('../ui/Table.js');
      element = react.createElement(Table, (rendered as { table: TableProps }).table);
    }
    const columns = (out as NodeJS.WriteStream).columns || 160;
    out.write(`${renderToString(element, { columns })}\n`);
  }
}
