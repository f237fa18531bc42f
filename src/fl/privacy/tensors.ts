/** Model weights as the privacy code sees them: one flat array per ONNX initializer name. */
export type FloatArray = Float32Array | Float64Array;
export type TensorMap<T extends FloatArray = FloatArray> = ReadonlyMap<string, T>;

/** Names in a canonical (code-unit) order, so every pass over the tensors runs in the same order. */
export function sortedNames(m: TensorMap): string[] {
  return [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Same type of array as `like` (Float32Array stays float32: one rounding, at the end). */
export function sameKind<T extends FloatArray>(like: T, length: number): T {
  return (like instanceof Float32Array ? new Float32Array(length) : new Float64Array(length)) as T;
}
