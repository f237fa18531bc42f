/**
 * The Alliance's commit-reveal hashes, exactly as contracts/alliance/Alliance.sol checks them
 * (abi.encode, not encodePacked). The task, the round and the sender are inside, so a commitment
 * cannot be replayed in another round or copied by another participant.
 */
import { AbiCoder, keccak256 } from 'ethers';

const abi = AbiCoder.defaultAbiCoder();

/** What a voter reveals (IAllianceTypes.Vote); scores are WAD, `blame` a bit mask of participant indexes. */
export interface AllianceVote {
  aggregateCID: string;
  previousScore: bigint;
  newScore: bigint;
  blame: bigint;
}

/**
 * keccak256(abi.encode(taskId, round, updateCID, examples, proposer, salt)).
 *
 * @example
 * const commitment = updateCommitment(1n, 2n, cid, 640n, proposer, newSalt());
 */
export function updateCommitment(taskId: bigint, round: bigint, updateCID: string, examples: bigint, proposer: string, salt: string): string {
  return keccak256(abi.encode(['uint256', 'uint256', 'string', 'uint64', 'address', 'bytes32'], [taskId, round, updateCID, examples, proposer, salt]));
}

/**
 * keccak256(abi.encode(taskId, round, vote, voter, salt)), the vote as the Vote struct (a tuple).
 *
 * @example
 * const commitment = voteCommitment(1n, 2n, { aggregateCID, previousScore, newScore, blame: 0n }, voter, newSalt());
 */
export function voteCommitment(taskId: bigint, round: bigint, vote: AllianceVote, voter: string, salt: string): string {
  return keccak256(
    abi.encode(
      ['uint256', 'uint256', 'tuple(string,int256,int256,uint256)', 'address', 'bytes32'],
      [taskId, round, [vote.aggregateCID, vote.previousScore, vote.newScore, vote.blame], voter, salt],
    ),
  );
}
