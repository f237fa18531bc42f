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

/** A proposal as named on the command line: its short number on this chain, or its full id. */
export type ProposalRef = { number: number } | { id: bigint };

/**
 * Parses a proposal reference: a short number (`3` or `#3`: the third proposal made on this
 * chain) or a full id (the Governor's 77-digit hash, or 0x hex). Decimals of up to 9 digits are
 * short numbers: a full id that small would be a 1-in-10^68 hash.
 *
 * @example
 * parseProposalRef('#3') // { number: 3 }
 */
export function parseProposalRef(text: string): ProposalRef {
  const t = text.trim();
  const short = /^#?(\d{1,9})$/.exec(t);
  if (short) {
    const number = Number(short[1]);
    if (number < 1) throw invalidProposal(`invalid proposal number "${text}": proposal numbers start at 1`, "`flock proposals list` shows them");
    return { number };
  }
  return { id: parseProposalId(t) };
}
