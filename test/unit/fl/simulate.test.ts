/**
 * simulate() in-process (real training on the shipped breast-cancer task, cpu backend): no tensor
 * leaks round after round, a rule that cannot work fails before any training, the saved rounds
 * aggregate again to the same CID, and DP noise lands only on trainable weights.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregateModels, readModel } from '../../../src/fl/index.js';
import { simulate, type SimulationOptions } from '../../../src/fl/simulate/index.js';
import { TASKS } from '../engine/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flock-fl-sim-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base: SimulationOptions = { task: join(TASKS, 'breast-cancer/task.yaml'), clients: 3, rounds: 2, rule: 'fedavg', split: 'iid', backend: 'cpu' };

describe('simulate', () => {
  it('leaves no tensors behind, however many rounds', async () => {
    await simulate(base); // the backend's own allocations happen once
    const before = tf.memory().numTensors;
    await simulate({ ...base, rounds: 3 });
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('a rule that cannot work with the clients fails before any training', async () => {
    let rounds = 0;
    const run = simulate({ ...base, clients: 10, rule: 'bulyan', f: 2, onRound: () => rounds++ });
    await expect(run).rejects.toMatchObject({ code: 'FL_TOO_FEW_UPDATES', message: 'Bulyan with f = 2 needs n >= 4f + 3 = 11 valid updates, got 10' });
    await expect(simulate({ ...base, rule: 'multikrum', m: 4 })).rejects.toMatchObject({ code: 'FL_TOO_FEW_UPDATES' });
    expect(rounds).toBe(0);
  });

  it('--save: a round’s files aggregate again (FedAvg, weighted by rows) to the round’s CID', async () => {
    const save = join(dir, 'fedavg');
    const r = await simulate({ ...base, save });
    const round = join(save, 'round-2');
    const files = readdirSync(round).filter((f) => f.startsWith('client-')).sort();
    expect(files).toEqual(['client-1.onnx', 'client-2.onnx', 'client-3.onnx']);
    const updates = files.map((f, i) => ({ bytes: new Uint8Array(readFileSync(join(round, f))), examples: r.clients[i]!.rows }));
    const again = aggregateModels(new Uint8Array(readFileSync(join(round, 'global.onnx'))), updates, { rule: 'fedavg' });
    expect(again.cid).toBe(r.rounds[2]!.cid);
    expect(Buffer.from(again.bytes).equals(readFileSync(join(round, 'aggregate.onnx')))).toBe(true);
    expect(Buffer.from(readFileSync(join(save, 'global.onnx'))).equals(readFileSync(join(round, 'aggregate.onnx')))).toBe(true);
  }, 120_000);

  it('DP: the noise lands on the trainable weights, never on the normalisation', async () => {
    const save = join(dir, 'dp');
    const r = await simulate({ ...base, rounds: 1, dp: { clip: 0.5, noise: 1 }, save });
    const round = join(save, 'round-1');
    const global = readModel(new Uint8Array(readFileSync(join(round, 'global.onnx'))));
    const noised = readModel(new Uint8Array(readFileSync(join(round, 'aggregate.onnx'))));
    const updates = readdirSync(round).filter((f) => f.startsWith('client-')).map((f) => new Uint8Array(readFileSync(join(round, f))));
    const mean = readModel(aggregateModels(readFileSync(join(round, 'global.onnx')), updates.map((bytes) => ({ bytes })), { rule: 'fedavg' }).bytes);
    for (const t of noised.tensors) {
      const frozen = t.name.startsWith('l0_FlockAffine/');
      const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
      expect(same(t.values, global.byName.get(t.name)!.values), t.name).toBe(frozen);
      // std = z C / m = 1 x 0.5 / 3 per coordinate: the noised weights are not the plain mean of the clipped updates.
      expect(same(t.values, mean.byName.get(t.name)!.values), t.name).toBe(frozen);
    }
    expect(r.privacy).toMatchObject({ sampleRate: 1, noiseMultiplier: 1, clip: 0.5, delta: 1e-5 });
  }, 120_000);
});
