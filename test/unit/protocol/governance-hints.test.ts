import { describe, expect, it } from 'vitest';
import { revertHint } from '../../../src/chain/ethers-errors.js';
import '../../../src/protocol/governance/hints.js';

/**
 * Issue #14: revert hints printed the proposal's 77-digit id. The user just named the proposal
 * (by its short number or id), so a hint says "the proposal" and `<proposal>`, never the id.
 */
const ID = 77194726158210796949047323339125271902179989777093709359638389338608753093290n;
const NAMES = [
  'FlockGovernorFlagWindowClosed',
  'FlockGovernorAlreadyFlagged',
  'FlockGovernorBondLocked',
  'FlockGovernorBondSettled',
  'FlockGovernorNotExecuted',
  'FlockGovernorNoReward',
  'GovernorUnexpectedProposalState',
  'GovernorAlreadyQueuedProposal',
];

describe('governance revert hints', () => {
  for (const name of NAMES) {
    it(`${name} names no 77-digit id`, () => {
      const hint = revertHint(name, [ID, 1n, 0n]);
      expect(hint).toBeDefined();
      expect(hint).not.toMatch(/\d{20,}/);
    });
  }
  it('still says which state the proposal is in', () => {
    expect(revertHint('GovernorUnexpectedProposalState', [ID, 1n])).toMatch(/^the proposal is active/);
  });
});
