import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { activeBackend, describeBackends, EngineError, initBackend } from '../../../src/engine/index.js';

// On these machines the native tfjs packages cannot install (their install script downloads
// libtensorflow), so auto selection lands on wasm.
describe('backend selection', () => {
  it('auto picks the best available backend and explains each better one', async () => {
    const report = await describeBackends();
    expect(report.selected?.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const byName = Object.fromEntries(report.backends.map((b) => [b.name, b]));
    expect(byName['node-gpu']).toMatchObject({ package: '@tensorflow/tfjs-node-gpu', available: false });
    expect(byName['node-gpu']!.reason).toMatch(/not installed \(its install script downloads libtensorflow/);
    expect(byName['node']!.reason).toMatch(/not installed/);
    expect(byName['wasm']).toEqual({ name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', available: true });
    expect(byName['cpu']!.available).toBe(true);
    expect(report.selected!.skipped.map((s) => s.name)).toEqual(['node-gpu', 'node']);
    expect(report.onnxruntime).toMatchObject({ available: true, version: '1.30.0' });
  });

  it('--backend forces a backend and says why the better ones were not used', async () => {
    const info = await initBackend({ backend: 'cpu' });
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(activeBackend()).toBe(info);
    expect(info.skipped.find((s) => s.name === 'wasm')!.reason).toBe('installed, but --backend cpu was requested');
    expect(info.skipped.find((s) => s.name === 'node')!.reason).toMatch(/not installed/);
  });

  it('a forced backend that is missing is an error with a hint, not a silent fallback', async () => {
    const err = await initBackend({ backend: 'node-gpu' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('backend-unavailable');
    expect((err as EngineError).hint).toMatch(/--backend/);
    expect(tf.getBackend()).toBe('cpu'); // unchanged
  });
});
