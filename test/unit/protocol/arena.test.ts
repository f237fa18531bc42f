import { AbiCoder, keccak256 } from 'ethers';
import { describe, expect, it } from 'vitest';
import { describePhase } from '../../../src/cli/describe.js';
import { modelCommitment, scoreCommitment, scoreToleranceWad, validationCommitment } from '../../../src/protocol/arena/index.js';
import { formatDuration, fromWad, toWad } from '../../../src/units/index.js';

const abi = AbiCoder.defaultAbiCoder();
const salt = `0x${'11'.repeat(32)}`;
const node = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('arena facade helpers', () => {
  it('computes the commitments exactly as the contracts (abi.encode, not encodePacked)', () => {
    expect(validationCommitment('bafy-v', salt)).toBe(keccak256(abi.encode(['string', 'bytes32'], ['bafy-v', salt])));
    expect(modelCommitment('bafy-m', node, salt)).toBe(keccak256(abi.encode(['string', 'address', 'bytes32'], ['bafy-m', node, salt])));
    expect(scoreCommitment(1n, 2n, node, 9n, false, salt)).toBe(
      keccak256(abi.encode(['uint256', 'uint256', 'address', 'int256', 'bool', 'bytes32'], [1n, 2n, node, 9n, false, salt])),
    );
  });

  it('requires a score tolerance for unbounded metrics before anything is sent (the contract’s ArenaBadTolerance)', () => {
    expect(scoreToleranceWad('accuracy', undefined)).toBe(0n); // arena.validatorTolerance
    expect(scoreToleranceWad('f1', 0.02)).toBe(2n * 10n ** 16n);
    expect(scoreToleranceWad('mse', 150)).toBe(150n * 10n ** 18n);
    for (const metric of ['mse', 'mae', 'log-loss'] as const) {
      expect(() => scoreToleranceWad(metric, undefined), metric).toThrow(expect.objectContaining({ code: 'SCORE_TOLERANCE', exitCode: 2 }));
      expect(() => scoreToleranceWad(metric, 0), metric).toThrow(/needs a score tolerance/);
    }
    for (const bad of [-1, Number.NaN, Infinity, 1e19, 1e-20]) expect(() => scoreToleranceWad('accuracy', bad), String(bad)).toThrow(expect.objectContaining({ code: 'SCORE_TOLERANCE' }));
  });

  it('converts scores to and from WAD', () => {
    expect(toWad(0.9)).toBe(900000000000000000n);
    expect(toWad(1)).toBe(10n ** 18n);
    expect(toWad(-0.5)).toBe(-500000000000000000n);
    expect(toWad(12.25)).toBe(12250000000000000000n);
    expect(fromWad(950000000000000000n)).toBeCloseTo(0.95);
  });

  it('says the phase in plain words with the time left', () => {
    expect(formatDuration(2 * 3600 + 3 * 60 + 5)).toBe('2 h 3 m');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(3 * 86400 + 4 * 3600)).toBe('3 d 4 h');
    const t = { submitEnd: 1000 + 7380, revealEnd: 0, scoreCommitEnd: 0, scoreRevealEnd: 0, validationRevealed: false };
    expect(describePhase({ ...t, phase: 'submit' }, 1000)).toBe('open for submissions: submissions close in 2 h 3 m');
    expect(describePhase({ ...t, phase: 'finalized' }, 1000)).toMatch(/claimed/);
    expect(describePhase({ ...t, phase: 'cancelled' }, 1000)).toBe('cancelled (the creator did not reveal the validation set): stakes can be claimed back');
    expect(describePhase({ ...t, phase: 'cancelled', validationRevealed: true }, 1000)).toMatch(/^cancelled \(validators rejected the validation set as unusable\)/);
  });
});
