import type { ProtocolConnection } from '../connection.js';
import { invalidProposal, paramOutOfBounds, unknownParam } from '../errors.js';
import { closeParamNames, formatParamValue, paramKey, paramKind, parseParamValue } from './params.js';
import type { ProposalAction } from './types.js';

export interface ParamActionParameters {
  /** `<param>=<value>` as given to `--set`, e.g. `pool.sigmaMax=0.4`. */
  assignment: string;
}

export type ParamActionReturnType = ProposalAction;

/**
 * `--set <param>=<value>`: a `config.set(param, value)` call for a proposal, checked against the
 * parameter's registered bounds on chain before anything is sent.
 *
 * @example
 * const action = await paramAction(client, { assignment: 'arena.gamma=0.4' });
 * action.summary; // 'arena.gamma: 0.2 -> 0.4'
 */
export async function paramAction(client: ProtocolConnection, { assignment }: ParamActionParameters): Promise<ParamActionReturnType> {
  const { config } = client.contracts;
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw invalidProposal(`invalid --set "${assignment}"`, 'write --set <param>=<value>, e.g. --set pool.sigmaMax=0.4');
  const name = assignment.slice(0, eq).trim();
  const kind = paramKind(name);
  if (!kind) throw unknownParam(`unknown parameter "${name}"`, closeParamNames(name));
  const key = paramKey(name);
  const value = parseParamValue(kind, assignment.slice(eq + 1), `value of ${name}`);
  const [min, max, registered] = await config.bounds(key);
  if (!registered) throw unknownParam(`parameter "${name}" is not registered on this chain`, []);
  const f = (v: bigint) => formatParamValue(kind, v);
  if (value < min || value > max) throw paramOutOfBounds(name, f(value), f(min), f(max));
  const current = await config.get(key);
  return {
    target: await config.getAddress(),
    value: 0n,
    calldata: config.interface.encodeFunctionData('set', [key, value]),
    summary: `${name}: ${f(current)} -> ${f(value)}`,
  };
}
