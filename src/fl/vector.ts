/**
 * One flat vector per model: the float32 initializers concatenated in a canonical order, so every
 * rule sees coordinates in the same order on every machine (distances and norms are float64 sums
 * whose rounding depends on that order). The order is by initializer name, compared by UTF-16
 * code units (`<`), never localeCompare, whose order depends on the machine's ICU and locale.
 */
import type { FlModel } from './model.js';

export interface Layout {
  /** Initializer names in canonical order, with their offset and length in the flat vector. */
  entries: { name: string; offset: number; length: number; dims: number[] }[];
  /** Total number of float32 parameters. */
  size: number;
}

/** Code-unit order of strings: the same on every machine and locale. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The layout of a model's float32 initializers, sorted by name. */
export function layoutOf(model: FlModel): Layout {
  const sorted = [...model.tensors].sort((a, b) => compareCodeUnits(a.name, b.name));
  let offset = 0;
  const entries = sorted.map((t) => {
    const e = { name: t.name, offset, length: t.values.length, dims: t.dims };
    offset += t.values.length;
    return e;
  });
  return { entries, size: offset };
}

/** The model's float32 initializers as one vector in `layout`'s order (the model must match it). */
export function flatten(model: FlModel, layout: Layout): Float32Array {
  const out = new Float32Array(layout.size);
  for (const e of layout.entries) {
    const t = model.byName.get(e.name);
    if (!t || t.values.length !== e.length) throw new Error(`initializer ${e.name} does not match the layout`);
    out.set(t.values, e.offset);
  }
  return out;
}

/** A flat vector back to tensors by name (views on `vector`, no copy). */
export function unflatten(vector: Float32Array, layout: Layout): Map<string, Float32Array> {
  if (vector.length !== layout.size) throw new Error(`a vector of ${vector.length} values for a layout of ${layout.size}`);
  return new Map(layout.entries.map((e) => [e.name, vector.subarray(e.offset, e.offset + e.length)]));
}
