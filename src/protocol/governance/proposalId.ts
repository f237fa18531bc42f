import { invalidProposal } from '../errors.js';

/**
 * Parses a proposal id as given on the command line (decimal or 0x hex).
 *
 * @example
 * parseProposalId('0x2a') // 42n
 */
export function parseProposalId(text: string): bigint {
  const t = text.trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(t)) throw invalidProposal(`invalid proposal id "${text}"`, '`flock proposals list` shows the proposal ids');
  return BigInt(t);
}
