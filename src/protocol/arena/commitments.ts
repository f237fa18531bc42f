/**
 * The commit-reveal hashes, exactly as IArenaViews computes them (abi.encode, not encodePacked):
 * a commitment sent now must match the value and salt revealed later.
 */
import { AbiCoder, hexlify, keccak256, randomBytes } from 'ethers';

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
