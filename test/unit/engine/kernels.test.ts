import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/index.js';

/** Reference weight gradient of sum(conv2d(x, w)^2), straight from the definition. */
function reference(x: Float32Array, [n, h, w, ci]: number[], k: Float32Array, kh: number, kw: number, co: number, s: number, pad: 'same' | 'valid'): Float64Array {
  const oh = pad === 'same' ? Math.ceil(h! / s) : Math.ceil((h! - kh + 1) / s);
  const ow = pad === 'same' ? Math.ceil(w! / s) : Math.ceil((w! - kw + 1) / s);
  const top = pad === 'same' ? Math.floor(Math.max((oh - 1) * s + kh - h!, 0) / 2) : 0;
  const left = pad === 'same' ? Math.floor(Math.max((ow - 1) * s + kw - w!, 0) / 2) : 0;
  const at = (b: number, r: number, c: number, ch: number) => (r < 0 || c < 0 || r >= h! || c >= w! ? 0 : x[((b * h! + r) * w! + c) * ci! + ch]!);
  // y = conv(x, k); d(sum y^2)/dk = sum 2 y * patch
  const y = new Float64Array(n! * oh * ow * co);
  for (let b = 0; b < n!; b++)
    for (let r = 0; r < oh; r++)
      for (let c = 0; c < ow; c++)
        for (let o = 0; o < co; o++) {
          let acc = 0;
          for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let q = 0; q < ci!; q++) acc += at(b, r * s + i - top, c * s + j - left, q) * k[((i * kw + j) * ci! + q) * co + o]!;
          y[((b * oh + r) * ow + c) * co + o] = acc;
        }
  const g = new Float64Array(kh * kw * ci! * co);
  for (let b = 0; b < n!; b++)
    for (let r = 0; r < oh; r++)
      for (let c = 0; c < ow; c++)
        for (let o = 0; o < co; o++) {
          const dy = 2 * y[((b * oh + r) * ow + c) * co + o]!;
          for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let q = 0; q < ci!; q++) g[((i * kw + j) * ci! + q) * co + o]! += dy * at(b, r * s + i - top, c * s + j - left, q);
        }
  return g;
}

describe('composed Conv2DBackpropFilter (wasm lacks it, cpu has a slow one)', () => {
  const cases = [
    { x: [2, 8, 8, 1], k: 3, co: 4, s: 1, pad: 'same' as const },
    { x: [3, 8, 8, 3], k: 3, co: 5, s: 2, pad: 'same' as const },
    { x: [2, 9, 7, 2], k: 3, co: 3, s: 2, pad: 'valid' as const },
    { x: [1, 6, 6, 4], k: 2, co: 2, s: 1, pad: 'valid' as const },
    { x: [2, 10, 10, 2], k: 5, co: 3, s: 3, pad: 'same' as const },
  ];
  for (const backend of ['wasm', 'cpu'] as const) {
    it.each(cases)(`${backend}: matches the definition for %o`, async (c) => {
      await initBackend({ backend });
      expect(tf.getBackend()).toBe(backend);
      const n = c.x.reduce((a, b) => a * b, 1);
      const xs = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 2);
      const ks = Float32Array.from({ length: c.k * c.k * c.x[3]! * c.co }, (_, i) => Math.cos(i * 0.11));
      const got = tf.tidy(() => {
        const x = tf.tensor4d(xs, c.x as [number, number, number, number]);
        const g = tf.grad((w: tf.Tensor) => tf.conv2d(x, w as tf.Tensor4D, c.s, c.pad).square().sum())(tf.tensor4d(ks, [c.k, c.k, c.x[3]!, c.co]));
        return g.dataSync().slice();
      });
      const ref = reference(xs, c.x, ks, c.k, c.k, c.co, c.s, c.pad);
      expect(got.length).toBe(ref.length);
      for (let i = 0; i < ref.length; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(ref[i]!)));
    });
  }
});
