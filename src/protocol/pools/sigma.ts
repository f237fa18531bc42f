import { getAddress, isAddress, ZeroAddress } from 'ethers';
import { fromWad, WAD } from '../../units/index.js';
import type { ProtocolConnection } from '../connection.js';
import { invalidAddress, invalidSigma, sigmaOutOfBounds } from '../errors.js';
import { getParam } from '../governance/getParam.js';

/**
 * Checks and normalises an operator address given on the command line (`flag` names it in the
 * message).
 *
 * @example
 * operatorAddress('0x70997970c51812dc3a010c7d01b50e0d17dc79c8', '--to') // '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
 */
export function operatorAddress(input: string, flag = '--to'): string {
  if (!isAddress(input) || input === ZeroAddress) throw invalidAddress(flag, input);
  return getAddress(input);
}

/**
 * Parses an operator share: a fraction ("0.1") or a percentage ("10%"), into WAD.
 *
 * @example
 * parseSigma('10%') // 100000000000000000n
 */
export function parseSigma(input: string): bigint {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(input.trim());
  if (!m) throw invalidSigma(`invalid sigma "${input}"`, 'give the operator share as a fraction (0.1) or a percentage (10%)');
  const [whole, frac = ''] = m[1]!.split('.');
  let value = BigInt(whole!) * WAD + BigInt(frac.slice(0, 18).padEnd(18, '0'));
  if (m[2] === '%') value /= 100n;
  if (value > WAD) throw invalidSigma(`sigma ${input} is more than 100%`, 'e.g. --sigma 0.1 or --sigma 10%');
  return value;
}

/** An AbortError (SIGMA_OUT_OF_BOUNDS) unless pool.sigmaMin <= sigma <= pool.sigmaMax. */
export async function checkSigma(client: ProtocolConnection, sigma: bigint): Promise<void> {
  const [min, max] = await Promise.all([getParam(client, { name: 'pool.sigmaMin' }), getParam(client, { name: 'pool.sigmaMax' })]);
  if (sigma < min || sigma > max) throw sigmaOutOfBounds(fromWad(sigma), fromWad(min), fromWad(max));
}
