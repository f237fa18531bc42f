import { encodeBytes32String as encodeBytes32, getAddress, Interface, isAddress, type FunctionFragment } from 'ethers';
import { invalidProposal } from '../errors.js';
import type { ProposalAction } from './types.js';

/**
 * `--call <target> <signature> <args...>`: any call for a proposal. Arrays and tuples are given
 * as JSON, a bytes32 as text or 0x-hex, a bool as true/1.
 *
 * @example
 * rawCallAction(treasuryOwner, 'setTreasury(address)', ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8']);
 */
export function rawCallAction(target: string, signature: string, args: string[]): ProposalAction {
  if (!isAddress(target)) throw invalidProposal(`invalid call target "${target}"`, 'the target is a contract address (0x…)');
  let iface: Interface;
  try {
    iface = new Interface([`function ${signature.replace(/^function\s+/, '')}`]);
  } catch (cause) {
    throw invalidProposal(`invalid function signature "${signature}"`, 'write it as in Solidity, e.g. "set(bytes32,uint256)"', cause);
  }
  const fn = iface.fragments[0] as FunctionFragment;
  if (fn.inputs.length !== args.length) {
    throw invalidProposal(`${fn.format()} takes ${fn.inputs.length} argument(s), got ${args.length}`, 'pass one value per parameter after the signature');
  }
  const values = args.map((a, i) => {
    const t = fn.inputs[i]!.type;
    if (t === 'bool') return a === 'true' || a === '1';
    if (t.endsWith(']') || t.startsWith('tuple')) return JSON.parse(a) as unknown;
    if (t === 'bytes32' && !a.startsWith('0x')) return encodeBytes32(a);
    return a;
  });
  let calldata: string;
  try {
    calldata = iface.encodeFunctionData(fn, values);
  } catch (cause) {
    throw invalidProposal(`cannot encode ${fn.format()} with (${args.join(', ')})`, 'check each argument against its type', cause);
  }
  return { target: getAddress(target), value: 0n, calldata, summary: `${getAddress(target)}.${fn.format()}(${args.join(', ')})` };
}
