import { describe, expect, it } from 'vitest';
import { alignedBodyBuffer, parseInferRequest, TensorRequestError } from '../../../src/daemons/serve/tensors.js';

/** A binary-extension body: JSON header then the raw tensor. */
function binaryBody(type: 'FP32' | 'FP64', values: number[]): { body: Buffer; jsonLength: number } {
  const data = type === 'FP32' ? Float32Array.from(values) : Float64Array.from(values);
  const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'x', shape: [1, values.length], datatype: type, parameters: { binary_data_size: data.byteLength } }] }));
  return { body: Buffer.concat([header, Buffer.from(data.buffer)]), jsonLength: header.length };
}

const parse = (type: 'FP32' | 'FP64', values: number[]) => {
  const { body, jsonLength } = binaryBody(type, values);
  return parseInferRequest(body, jsonLength, [{ name: 'x', type: type === 'FP32' ? 'float32' : 'float64', shape: ['N', values.length] }], ['y'], { maxDim: 1024 });
};

describe('parseInferRequest, binary tensors', () => {
  for (const type of ['FP32', 'FP64'] as const) {
    it(`${type}: keeps finite values (extremes and -0 included) bit for bit`, () => {
      const values = [0, -0, 1.5, -2, type === 'FP32' ? 3.4e38 : Number.MAX_VALUE, type === 'FP32' ? 1e-45 : Number.MIN_VALUE, -1e30];
      const feeds = parse(type, values).feeds;
      expect(Array.from(feeds.x!.data as Float32Array)).toEqual(Array.from(type === 'FP32' ? Float32Array.from(values) : Float64Array.from(values)));
    });

    for (const [bad, at] of [[Number.NaN, 3], [Number.POSITIVE_INFINITY, 0], [Number.NEGATIVE_INFINITY, 6]] as const) {
      it(`${type}: refuses ${bad} and names its element (${at})`, () => {
        const values = [1, 2, 3, 4, 5, 6, 7];
        values[at] = bad;
        expect(() => parse(type, values)).toThrow(TensorRequestError);
        expect(() => parse(type, values)).toThrow(`element ${at} is ${bad}: values must be finite`);
      });
    }
  }
});

describe('alignedBodyBuffer', () => {
  const info = [{ name: 'x', type: 'float64', shape: ['N', 3] }];
  for (const headerPad of [0, 1, 5, 7]) {
    it(`a body read into it gives views, not copies (JSON header of ${headerPad} extra bytes)`, () => {
      const { body: raw, jsonLength } = binaryBody('FP64', [1.25, -2, 3]);
      // Pad the JSON header with spaces so the tensor starts at every offset mod 8.
      const header = Buffer.concat([raw.subarray(0, jsonLength), Buffer.alloc(headerPad, ' ')]);
      const src = Buffer.concat([header, raw.subarray(jsonLength)]);
      const body = alignedBodyBuffer(src.length, header.length);
      src.copy(body);
      expect(body.byteOffset + header.length).toSatisfy((n: number) => n % 8 === 0);
      const feeds = parseInferRequest(body, header.length, info, ['y'], { maxDim: 8 }).feeds;
      expect(Array.from(feeds.x!.data as Float64Array)).toEqual([1.25, -2, 3]);
      expect(feeds.x!.data.buffer).toBe(body.buffer);
      // The same bytes where the tensor is misaligned: a copy, the same values.
      const odd = Buffer.concat([Buffer.alloc(1), src]).subarray(1);
      if ((odd.byteOffset + header.length) % 8 !== 0) {
        const copied = parseInferRequest(odd, header.length, info, ['y'], { maxDim: 8 }).feeds.x!.data;
        expect(copied.buffer).not.toBe(odd.buffer);
        expect(Array.from(copied as Float64Array)).toEqual([1.25, -2, 3]);
      }
    });
  }
});
