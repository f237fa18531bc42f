import type { ProtocolConnection } from '../connection.js';
import { paramKey, type ParamName } from './params.js';

export interface GetParamParameters {
  /** A key of contracts/libraries/Params.sol, e.g. `lock.slope`. */
  name: ParamName;
}

/** The value in the parameter's unit on chain (WAD, seconds, wei or a count). */
export type GetParamReturnType = bigint;

/**
 * Reads a governed parameter from ProtocolConfig.
 *
 * @example
 * const max = await getParam(client, { name: 'lock.maxDuration' }); // 31536000n
 */
export async function getParam(client: ProtocolConnection, { name }: GetParamParameters): Promise<GetParamReturnType> {
  return client.contracts.config.get(paramKey(name));
}
