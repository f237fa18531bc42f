/**
 * The Alliance's role draw (protocol/alliance/roles.ts), and the fixture that ties it to the
 * Solidity library: test/contracts/fixtures/alliance-roles.json holds vectors (word, stakes, k,
 * expected proposers) written from this TypeScript code; test/contracts/alliance/AllianceRoles.t.sol
 * checks contracts/alliance/AllianceRoles.sol against the same file, and the last test here checks
 * the file is what the TypeScript code gives now. Regenerate it (after a deliberate change of the
 * algorithm, on both sides) with:
 *   FLOCK_WRITE_FIXTURES=1 npx vitest run test/unit/protocol/alliance-roles.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { AbiCoder, keccak256 } from 'ethers';
import { describe, expect, it } from 'vitest';
import { ALLIANCE_MAX_PARTICIPANTS, ALLIANCE_MAX_PROPOSERS, allianceProposers, isAllianceProposer } from '../../../src/protocol/alliance/index.js';
import { BugError } from '../../../src/errors/base.js';

const FIXTURE = new URL('../../contracts/fixtures/alliance-roles.json', import.meta.url);
const abi = AbiCoder.defaultAbiCoder();

/** A deterministic stream of uint256 values (keccak of a label and a counter). */
function stream(label: string) {
  let i = 0;
  return () => BigInt(keccak256(abi.encode(['string', 'uint256'], [label, i++])));
}

interface Vector {
  word: string;
  stakes: string[];
  k: number;
  proposers: number[];
}

/** The fixture's vectors: sizes 1..256, zero stakes, stakes from 1 wei to 1e24, k from 0 to all. */
function vectors(): Vector[] {
  const next = stream('alliance-roles');
  const sizes = [1, 2, 3, 4, 5, 7, 8, 10, 12, 16, 20, 25, 31, 32, 33, 40, 50, 64, 64, 65, 100, 128, 200, 255, 256, 256];
  const out: Vector[] = [];
  sizes.forEach((n, v) => {
    const scale = [1n, 1_000n, 10n ** 18n, 10n ** 24n][v % 4]!;
    const stakes = Array.from({ length: n }, (_, j) => {
      const r = next();
      if (n > 1 && j > 0 && r % 5n === 0n) return 0n; // about a fifth are zero (never participant 0)
      if (v % 7 === 3 && j === 0) return scale * 1_000_000n; // one dominant stake
      return (r >> 8n) % (scale * 100n) + 1n;
    });
    const positive = stakes.filter((s) => s > 0n).length;
    const max = Math.min(positive, ALLIANCE_MAX_PROPOSERS);
    const ks = [...new Set([0, 1, Math.min(max, 10), max, Number(next() % BigInt(max + 1))])];
    for (const k of ks) {
      const word = v === 0 && k === 0 ? 0n : v === 1 ? (1n << 256n) - 1n : next();
      out.push({ word: word.toString(), stakes: stakes.map(String), k, proposers: allianceProposers(word, stakes, k) });
    }
  });
  return out;
}

describe('allianceProposers', () => {
  const stakes = [10n, 0n, 30n, 60n, 0n, 5n];

  it('draws k distinct participants with positive stake, deterministically', () => {
    for (let w = 0n; w < 50n; w++) {
      const p = allianceProposers(w, stakes, 3);
      expect(p).toHaveLength(3);
      expect(new Set(p).size).toBe(3);
      for (const i of p) expect(stakes[i]! > 0n).toBe(true);
      expect(allianceProposers(w, stakes, 3)).toEqual(p);
    }
  });

  it('draws everyone with stake when k is the number of positive stakes', () => {
    expect(allianceProposers(7n, stakes, 4).sort()).toEqual([0, 2, 3, 5]);
    expect(allianceProposers(7n, stakes, 0)).toEqual([]);
  });

  it('follows the first draw by stake (loosely, over many words)', () => {
    const counts = [0, 0, 0, 0, 0, 0];
    const N = 2000;
    for (let w = 0; w < N; w++) counts[allianceProposers(BigInt(w), stakes, 1)[0]!]!++;
    // Expected shares 10/105, 30/105, 60/105, 5/105; allow 4 points either way.
    expect(Math.abs(counts[3]! / N - 60 / 105)).toBeLessThan(0.04);
    expect(Math.abs(counts[2]! / N - 30 / 105)).toBeLessThan(0.04);
    expect(counts[1]).toBe(0);
    expect(counts[4]).toBe(0);
  });

  it('refuses what the contract reverts on', () => {
    expect(() => allianceProposers(1n, stakes, 5)).toThrow(/AllianceRolesTooManyProposers\(5, 4\)/);
    expect(() => allianceProposers(1n, Array(ALLIANCE_MAX_PARTICIPANTS + 1).fill(1n), 1)).toThrow(/AllianceRolesTooManyParticipants\(257, 256\)/);
    expect(() => allianceProposers(1n, Array(100).fill(1n), ALLIANCE_MAX_PROPOSERS + 1)).toThrow(/AllianceRolesTooManyProposers\(65, 64\)/);
    expect(() => allianceProposers(1n, [0n, 0n], 1)).toThrow(BugError);
    expect(() => allianceProposers(1n, [1n, -1n], 1)).toThrow(/negative/);
    expect(() => allianceProposers(1n, [1n << 255n, 1n << 255n], 1)).toThrow(/uint256/);
  });

  it('answers isAllianceProposer from the drawn list', () => {
    const p = allianceProposers(3n, stakes, 2);
    for (let i = 0; i < stakes.length; i++) expect(isAllianceProposer(p, i)).toBe(p.includes(i));
  });

  it('matches the fixture the Solidity library is checked against', () => {
    const all = vectors();
    const now = { count: all.length, vectors: all };
    if (process.env['FLOCK_WRITE_FIXTURES'] === '1') writeFileSync(FIXTURE, `${JSON.stringify(now)}\n`);
    const committed = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { count: number; vectors: Vector[] };
    expect(committed.vectors.length).toBeGreaterThanOrEqual(30);
    expect(committed).toEqual(now);
  });
});
