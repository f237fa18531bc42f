import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTaskSpec } from '../../../src/engine/task.js';
import { buildAllianceManifest, loadAllianceSpec } from '../../../src/tasks/alliance-spec.js';
import { parse } from 'yaml';

const EXAMPLE = resolve('examples/alliance/alliance.yaml');

function specWith(patch: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'flock-alliance-spec-'));
  const base = readFileSync(EXAMPLE, 'utf8').replace('task: ../tasks/digits/task.yaml', `task: ${resolve('examples/tasks/digits/task.yaml')}`);
  const file = join(dir, 'alliance.yaml');
  writeFileSync(file, `${base}\n${patch}\n`);
  return file;
}

describe('alliance.yaml', () => {
  it('reads the shipped example into chain units', () => {
    const s = loadAllianceSpec(EXAMPLE);
    expect(s.taskFile).toBe(resolve('examples/tasks/digits/task.yaml'));
    expect(s.initialModel).toEqual({ build: true });
    expect(s).toMatchObject({ rounds: 5, proposersPerRound: 3, minParticipants: 6, maxParticipants: 20, rule: 'trimmed', clipNorm: 0n, fromArena: null });
    expect(s.durations).toEqual({ join: 600, proposeCommit: 300, proposeReveal: 300, voteCommit: 300, voteReveal: 300 });
    expect(s.creatorStake).toBe(100n * 10n ** 18n);
    expect(s.minStake).toBe(10n * 10n ** 18n);
    expect(s.beta).toBe(340000000000000000n);
    expect(s.maxUpdateNorm).toBe(100n * 10n ** 18n);
  });

  it('takes a privacy setting, an initial model file or CID, and an Arena winner', () => {
    const withPrivacy = specWith('');
    writeFileSync(withPrivacy, readFileSync(withPrivacy, 'utf8').replace('privacy: off', 'privacy: { clip: 1.5, noise: 1.1 }').replace('# initialModel: global0.onnx', 'initialModel: global0.onnx') + 'fromArena: { task: 3, submission: 0 }\n');
    const p = loadAllianceSpec(withPrivacy);
    expect(p.clipNorm).toBe(1500000000000000000n);
    expect(p.noiseMultiplier).toBe(1100000000000000000n);
    expect(p.initialModel).toEqual({ file: join(withPrivacy, '..', 'global0.onnx') });
    expect(p.fromArena).toEqual({ taskId: 3n, submissionId: 0n });
    const withCid = specWith('');
    writeFileSync(withCid, readFileSync(withCid, 'utf8').replace('# initialModel: global0.onnx', 'initialModel: bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'));
    expect(loadAllianceSpec(withCid).initialModel).toEqual({ cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy' });
  });

  it.each([
    ['participants: { min: 3, max: 20 }', /must exceed proposers/],
    ['participants: { min: 6, max: 300 }', /at most 256/],
    ['aggregation: { rule: krum, f: 1 }', /krum with f 1 needs proposers > 4/],
    ['aggregation: { rule: bulyan, f: 1 }', /bulyan with f 1 needs proposers >= 7/],
    ['aggregation: { rule: multikrum, f: 0, m: 4 }', /1 <= m <= proposers/],
    ['aggregation: { rule: trimmed, beta: 0.5 }', /aggregation\.beta/],
    ['rounds: 0', /rounds/],
    ['stake: { creator: 100, min: 0 }', /greater than zero/],
    ['colour: blue', /Unrecognized key/],
  ])('refuses %s in one line', (patch, why) => {
    const file = specWith('');
    const key = patch.split(':')[0]!;
    const text = readFileSync(file, 'utf8').split('\n').filter((l) => !l.startsWith(`${key}:`)).join('\n');
    writeFileSync(file, `${text}\n${patch}\n`);
    let err: any;
    try {
      loadAllianceSpec(file);
    } catch (e) {
      err = e;
    }
    expect(['BAD_TASK_SPEC', 'INVALID_AMOUNT']).toContain(err?.code);
    expect(err.message).toMatch(why);
    expect(err.message).not.toContain('\n');
  });

  it('publishes the task spec without any data file', () => {
    const spec = parseTaskSpec(parse(readFileSync('examples/tasks/digits/task.yaml', 'utf8')));
    const m = buildAllianceManifest(spec);
    expect(m.spec.data).toEqual({ train: 'private' });
    expect(JSON.stringify(m)).not.toMatch(/train\.csv|validation\.csv|data\.csv/);
    expect(parseTaskSpec(m.spec).schema).toEqual(spec.schema);
  });
});
