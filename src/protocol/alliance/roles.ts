import { AbiCoder, keccak256 } from 'ethers';
import { BugError } from '../../errors/base.js';

/** The most participants a round may have (AllianceRoles.MAX_PARTICIPANTS). */
export const ALLIANCE_MAX_PARTICIPANTS = 256;

/** The most proposers a round may draw (AllianceRoles.MAX_PROPOSERS). */
export const ALLIANCE_MAX_PROPOSERS = 64;

const abi = AbiCoder.defaultAbiCoder();
const UINT256_MAX = (1n << 256n) - 1n;

/**
 * The proposers of an Alliance round, the twin of contracts/alliance/AllianceRoles.sol: k
 * participants drawn by stake without replacement from the round's random word; everyone else
 * votes. Draw i takes r = keccak256(abi.encode(word, i)) mod the stake not yet drawn and walks the
 * participants in their fixed order, skipping those already drawn, until r falls inside a stake.
 * Zero stakes are never drawn. test/contracts/fixtures/alliance-roles.json, written from this
 * function, is checked against the Solidity library by forge, so both give the same answer.
 *
 * Throws (a BugError naming the Solidity error the contract would revert with) when there are
 * more than ALLIANCE_MAX_PARTICIPANTS stakes, when k exceeds ALLIANCE_MAX_PROPOSERS or the number
 * of positive stakes, or when a stake is negative or the stakes' sum does not fit in uint256.
 *
 * @example
 * allianceProposers(word, [10n, 0n, 30n, 60n], 2); // e.g. [3, 2]: participants 0 and 1 vote
 */
export function allianceProposers(word: bigint, stakes: readonly bigint[], k: number): number[] {
  const n = stakes.length;
  if (n > ALLIANCE_MAX_PARTICIPANTS) {
    throw new BugError(`AllianceRolesTooManyParticipants(${n}, ${ALLIANCE_MAX_PARTICIPANTS})`);
  }
  if (word < 0n || word > UINT256_MAX) throw new BugError(`alliance roles: the word ${word} is not a uint256`);
  let remaining = 0n;
  let positive = 0;
  for (const s of stakes) {
    if (s < 0n) throw new BugError(`alliance roles: negative stake ${s}`);
    if (s > 0n) {
      remaining += s;
      positive++;
    }
  }
  if (remaining > UINT256_MAX) throw new BugError('alliance roles: the stakes sum past uint256 (the contract reverts with an overflow)');
  const max = Math.min(positive, ALLIANCE_MAX_PROPOSERS);
  if (!Number.isSafeInteger(k) || k < 0 || k > max) throw new BugError(`AllianceRolesTooManyProposers(${k}, ${max})`);

  const drawn = new Array<boolean>(n).fill(false);
  const indexes: number[] = [];
  for (let i = 0; i < k; i++) {
    let r = BigInt(keccak256(abi.encode(['uint256', 'uint256'], [word, i]))) % remaining;
    let j = 0;
    for (; ; j++) {
      if (drawn[j]) continue;
      const s = stakes[j]!;
      if (r < s) break;
      r -= s;
    }
    indexes.push(j);
    drawn[j] = true;
    remaining -= stakes[j]!;
  }
  return indexes;
}

/** Whether participant `index` proposes in a round whose proposers are `proposers` (else it votes). */
export function isAllianceProposer(proposers: readonly number[], index: number): boolean {
  return proposers.includes(index);
}
