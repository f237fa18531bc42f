/**
 * The commit-reveal hashes, exactly as IArenaViews computes them (abi.encode, not encodePacked):
 * a commitment sent now must match the value and salt revealed later; and a validator's score
 * tree, exactly as contracts/libraries/ScoreTree.sol verifies it.
 */
import { AbiCoder, hexlify, keccak256, randomBytes, ZeroHash } from 'ethers';

const abi = AbiCoder.defaultAbiCoder();

/**
 * A fresh random 32-byte salt (0x-hex). Persist it before sending the commitment that uses it.
 *
 * @example
 * const salt = newSalt(); // '0x5f…'
 */
export function newSalt(): string {
  return hexlify(randomBytes(32));
}

/**
 * keccak256(abi.encode(validationCID, salt)), as IArenaViews.validationCommitment.
 *
 * @example
 * const commitment = validationCommitment('bafkrei…', newSalt());
 */
export function validationCommitment(validationCID: string, salt: string): string {
  return keccak256(abi.encode(['string', 'bytes32'], [validationCID, salt]));
}

/**
 * keccak256(abi.encode(modelCID, node, salt)), as IArenaViews.modelCommitment: the node's address
 * is in it, so nobody can copy another node's commitment.
 *
 * @example
 * const commitment = modelCommitment(modelCID, await signer.getAddress(), salt);
 */
export function modelCommitment(modelCID: string, node: string, salt: string): string {
  return keccak256(abi.encode(['string', 'address', 'bytes32'], [modelCID, node, salt]));
}

/**
 * keccak256(abi.encode(taskId, submissionId, validator, score, invalid, salt)), as
 * IArenaViews.scoreCommitment. `score` is WAD (toWad of the metric's value).
 *
 * @example
 * const commitment = scoreCommitment(1n, 0n, validator, toWad(0.93), false, salt);
 */
export function scoreCommitment(taskId: bigint, submissionId: bigint, validator: string, score: bigint, invalid: boolean, salt: string): string {
  return keccak256(abi.encode(['uint256', 'uint256', 'address', 'int256', 'bool', 'bytes32'], [taskId, submissionId, validator, score, invalid, salt]));
}

/**
 * keccak256(abi.encode(taskId, validator, salt)), as IArenaViews.unusableCommitment: what a
 * validator commits (commitScores) when the validation set cannot be used, and reveals with
 * rejectValidationSet.
 *
 * @example
 * const root = unusableCommitment(1n, validator, salt);
 */
export function unusableCommitment(taskId: bigint, validator: string, salt: string): string {
  return keccak256(abi.encode(['uint256', 'address', 'bytes32'], [taskId, validator, salt]));
}

/** The leaf of a submission a validator did not score (not revealed, or not scoreable yet). */
export const ZERO_LEAF: string = ZeroHash;

/** The depth of a score tree over `n` leaves: the least d with 2^d >= n (0 for n <= 1), as ScoreTree.depth. */
export function scoreTreeDepth(n: number): number {
  let d = 0;
  while (2 ** d < n) d++;
  return d;
}

/** A validator's score tree: its root, and the proof of each leaf. */
export interface ScoreTree {
  /** What commitScores sends. */
  root: string;
  /** scoreTreeDepth(leaves.length). */
  depth: number;
  /** The siblings of leaf `index` from the leaf up (what revealScores sends with it). */
  proof(index: number): string[];
}

/**
 * The positional Merkle tree of a validator's score leaves, as contracts/libraries/ScoreTree.sol
 * verifies it: leaf i is scoreCommitment(taskId, i, validator, score, invalid, salt_i) (ZERO_LEAF
 * for a submission not scored), the leaves padded with ZERO_LEAF to 2^depth, an inner node
 * keccak256(abi.encode(left, right)). One leaf per submission of the task (its nodeCount).
 *
 * @example
 * const tree = scoreTree(leaves);
 * await commitScores(client, { taskId, root: tree.root });
 * // later: revealScores(client, { taskId, openings: [{ submissionId: 2n, …, proof: tree.proof(2) }] })
 */
export function scoreTree(leaves: readonly string[]): ScoreTree {
  const depth = scoreTreeDepth(leaves.length);
  const levels: string[][] = [Array.from({ length: 2 ** depth }, (_, i) => leaves[i] ?? ZERO_LEAF)];
  while (levels.at(-1)!.length > 1) {
    const level = levels.at(-1)!;
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(keccak256(abi.encode(['bytes32', 'bytes32'], [level[i], level[i + 1]])));
    levels.push(next);
  }
  return {
    root: levels.at(-1)![0]!,
    depth,
    proof(index: number): string[] {
      if (!Number.isInteger(index) || index < 0 || index >= 2 ** depth) throw new RangeError(`leaf ${index} is outside a score tree of depth ${depth}`);
      return levels.slice(0, depth).map((level, d) => level[(index >> d) ^ 1]!);
    },
  };
}

/**
 * Whether `proof` opens `leaf` at `index` under `root`, as ScoreTree.verify on chain.
 *
 * @example
 * verifyScoreProof(tree.root, leaf, 2, tree.proof(2)); // true
 */
export function verifyScoreProof(root: string, leaf: string, index: number, proof: readonly string[]): boolean {
  if (index >> proof.length !== 0) return false;
  let h = leaf;
  for (let i = 0; i < proof.length; i++) {
    h = ((index >> i) & 1) === 0 ? keccak256(abi.encode(['bytes32', 'bytes32'], [h, proof[i]])) : keccak256(abi.encode(['bytes32', 'bytes32'], [proof[i], h]));
  }
  return h.toLowerCase() === root.toLowerCase();
}
