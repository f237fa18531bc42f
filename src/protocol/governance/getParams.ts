import type { ProtocolConnection } from '../connection.js';
import { unknownParam } from '../errors.js';
import { closeParamNames, formatParamDisplay, paramKey, paramUnit, PARAM_NAMES, PARAMS, type ParamName, type ParamUnit } from './params.js';

export interface GetParamsParameters {
  /** Just this parameter; an AbortError (UNKNOWN_PARAM) naming the close ones when there is none. */
  name?: string;
}

/** A governed parameter as ProtocolConfig holds it now, with its bounds and meaning. */
export interface ParamInfo {
  name: ParamName;
  /** In the parameter's on-chain unit (WAD, seconds, wei or a count). */
  value: bigint;
  min: bigint;
  max: bigint;
  /** What ProtocolConfig was deployed with. */
  default: bigint;
  unit: ParamUnit;
  /** value, min and max as {@link formatParamDisplay} writes them: `5%`, `7 d`, `1,074 FLOCK`. */
  display: { value: string; min: string; max: string; default: string };
  meaning: string;
}

export type GetParamsReturnType = ParamInfo[];

/**
 * The governed parameters with their current values and bounds read from ProtocolConfig, in
 * Params.sol's order (or just `name`).
 *
 * @example
 * const [gamma] = await getParams(client, { name: 'arena.gamma' });
 * gamma.display.value; // '20%'
 */
export async function getParams(client: ProtocolConnection, { name }: GetParamsParameters = {}): Promise<GetParamsReturnType> {
  const { config } = client.contracts;
  let names: ParamName[] = PARAM_NAMES;
  if (name !== undefined) {
    if (!Object.hasOwn(PARAMS, name)) throw unknownParam(`unknown parameter "${name}"`, closeParamNames(name));
    names = [name as ParamName];
  }
  return Promise.all(
    names.map(async (n) => {
      const key = paramKey(n);
      const [value, [min, max]] = await Promise.all([config.get(key), config.bounds(key)]);
      const f = (v: bigint) => formatParamDisplay(n, v);
      const spec = PARAMS[n];
      return {
        name: n,
        value,
        min,
        max,
        default: spec.default,
        unit: paramUnit(n),
        display: { value: f(value), min: f(min), max: f(max), default: f(spec.default) },
        meaning: spec.meaning,
      };
    }),
  );
}
