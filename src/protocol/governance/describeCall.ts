import { decodeBytes32String } from 'ethers';
import type { ProtocolConnection } from '../connection.js';
import { formatParamValue, paramKind } from './params.js';

export interface DescribeCallParameters {
  target: string;
  calldata: string;
}

/**
 * One proposed call decoded into words: `set arena.gamma = 0.4` for a parameter change,
 * `Contract.function(args)` when the target is a protocol contract, else the raw selector.
 *
 * @example
 * describeCall(client, { target: configAddress, calldata }) // 'set arena.gamma = 0.4'
 */
export function describeCall(client: ProtocolConnection, { target, calldata }: DescribeCallParameters): string {
  const same = (a: string) => a.toLowerCase() === target.toLowerCase();
  const named = Object.entries(client.record.contracts).find(([, a]) => same(a));
  const { config, token, gm, emission, pools, timelock, governor } = client.contracts;
  const known = named && [config, token, gm, emission, pools, timelock, governor].find((c) => c && same(c.target.toString()));
  const call = known?.interface.parseTransaction({ data: calldata });
  if (named && call) {
    if (known === config && call.name === 'set') {
      const param = decodeBytes32String(call.args[0] as string);
      return `set ${param} = ${formatParamValue(paramKind(param), call.args[1] as bigint)}`;
    }
    return `${named[0]}.${call.name}(${call.args.map(String).join(', ')})`;
  }
  return `${target} ${calldata.slice(0, 10)} (${(calldata.length - 2) / 2} bytes of calldata)`;
}
