/**
 * The validator's score tree (protocol/arena/commitments.ts) against the contracts': the roots and
 * proofs below were printed by forge from test/contracts/utils/ScoreTrees.sol (the Solidity tests'
 * tree builder) and each proof checked there with contracts/libraries/ScoreTree.sol's verify, for
 * leaf i = keccak256(abi.encode(n, i)) except leaf 1 = 0 (a submission not scored), n = 1, 2, 3, 5.
 * The e2e Arena round checks the same tree end to end: the lazy validator's openings verify on
 * anvil against the root it committed.
 */
import { AbiCoder, keccak256, ZeroHash } from 'ethers';
import { describe, expect, it } from 'vitest';
import { scoreTree, scoreTreeDepth, unusableCommitment, verifyScoreProof, ZERO_LEAF } from '../../../src/protocol/arena/index.js';

const abi = AbiCoder.defaultAbiCoder();
const Z = ZeroHash;
const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => (i === 1 ? ZERO_LEAF : keccak256(abi.encode(['uint256', 'uint256'], [n, i]))));

/** forge -vv output of the vector test (see the header). */
const VECTORS: Record<number, { root: string; proofs: string[][] }> = {
  1: { root: '0xada5013122d395ba3c54772283fb069b10426056ef8ca54750cb9bb552a59e7d', proofs: [[]] },
  2: {
    root: '0x0c9a8e9277a1f3d1aea46f53a2b3d5771f7e2d5c084d658e8c79779611a21fa6',
    proofs: [[Z], ['0xabbb5caa7dda850e60932de0934eb1f9d0f59695050f761dc64e443e5030a569']],
  },
  3: {
    root: '0xb8aa567315b4c1e4ed1d750198fc0e532c07df45b2ea5b69be23f49396e2b067',
    proofs: [
      [Z, '0x8f40fed67a54b324a7b9b0858076c71ba76a10f44436d351fbe1225104d672a2'],
      ['0x101e368776582e57ab3d116ffe2517c0a585cd5b23174b01e275c2d8329c3d83', '0x8f40fed67a54b324a7b9b0858076c71ba76a10f44436d351fbe1225104d672a2'],
      [Z, '0xc8e57578fc24bf8c63aec7d01bd48899659acba8bfe22f74fb00cb31ecc0c92f'],
    ],
  },
  5: {
    root: '0x3b9c10a12dac529308ef5232ebd86106d922ba5a13f36a22b6e2556db308382f',
    proofs: [
      [Z, '0x4b9c5a5e125d37c0129a93859dd6e52eecac08df20b736acead692d3e571004a', '0x93ef835234b0405eb2537b65e62872164930e91062052595629ee9a1c00e92a4'],
      ['0x2b232c97452f0950c94e2539fdc7e69d21166113cf7a9bcb99b220a3fe5d720a', '0x4b9c5a5e125d37c0129a93859dd6e52eecac08df20b736acead692d3e571004a', '0x93ef835234b0405eb2537b65e62872164930e91062052595629ee9a1c00e92a4'],
      ['0x405aad32e1adbac89bb7f176e338b8fc6e994ca210c9bb7bdca249b465942250', '0x975b6f41ff2bc7dbe5dfcfd23723b058afa9be74f35626732cc71dfa7ba27bed', '0x93ef835234b0405eb2537b65e62872164930e91062052595629ee9a1c00e92a4'],
      ['0xb98b78633099fa36ed8b8680c4f8092689e1e04080eb9cbb077ca38a14d7e384', '0x975b6f41ff2bc7dbe5dfcfd23723b058afa9be74f35626732cc71dfa7ba27bed', '0x93ef835234b0405eb2537b65e62872164930e91062052595629ee9a1c00e92a4'],
      [Z, '0xad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5', '0x28e4cc105fba06b2bde4963c1ada761e04dc28bc62baaa2704d17cea0aacb38b'],
    ],
  },
};

describe('score tree', () => {
  it('has the depth of ScoreTree.depth: the least d with 2^d >= n', () => {
    expect([0, 1, 2, 3, 4, 5, 8, 9, 1000].map(scoreTreeDepth)).toEqual([0, 0, 1, 2, 2, 3, 3, 4, 10]);
  });

  for (const [n, v] of Object.entries(VECTORS)) {
    it(`gives the contracts' root and proofs over ${n} leaves (zero leaf at 1, zero padding)`, () => {
      const leaves = leavesOf(Number(n));
      const tree = scoreTree(leaves);
      expect(tree.root).toBe(v.root);
      expect(tree.depth).toBe(scoreTreeDepth(Number(n)));
      v.proofs.forEach((proof, i) => {
        expect(tree.proof(i), `proof ${i}`).toEqual(proof);
        expect(verifyScoreProof(tree.root, leaves[i]!, i, proof), `verify ${i}`).toBe(true);
      });
    });
  }

  it('a proof opens its leaf at its own index only (positional), with exactly depth siblings', () => {
    const leaves = leavesOf(5);
    const tree = scoreTree(leaves);
    expect(verifyScoreProof(tree.root, leaves[2]!, 3, tree.proof(2))).toBe(false);
    expect(verifyScoreProof(tree.root, leaves[3]!, 2, tree.proof(2))).toBe(false);
    expect(verifyScoreProof(tree.root, leaves[2]!, 2, tree.proof(2).slice(0, 2))).toBe(false);
    expect(verifyScoreProof(tree.root, leaves[2]!, 10, tree.proof(2))).toBe(false);
    // A padding leaf is a zero leaf under the root too, and nothing else is.
    expect(verifyScoreProof(tree.root, ZERO_LEAF, 7, tree.proof(7))).toBe(true);
    expect(() => tree.proof(8)).toThrow(RangeError);
  });

  it('computes the unusable commitment as IArenaViews.unusableCommitment', () => {
    const v = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
    const salt = `0x${'22'.repeat(32)}`;
    expect(unusableCommitment(3n, v, salt)).toBe(keccak256(abi.encode(['uint256', 'address', 'bytes32'], [3n, v, salt])));
  });
});
