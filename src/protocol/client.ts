/**
 * The protocol client (viem's shape): one object holding the deployment, its contracts, the
 * signer and a logger, with every action of every domain bound to it, so a command or a daemon
 * writes `client.arena.commitModel({ taskId, commitment })`. The actions themselves are plain
 * functions of `(connection, params)` in the domain folders and can be called unbound as well.
 */
import * as account from './account/actions.js';
import * as alliance from './alliance/actions.js';
import * as arena from './arena/actions.js';
import { connectProtocol, type ConnectProtocolParameters, type ProtocolConnection } from './connection.js';
import * as emission from './emission/actions.js';
import * as governance from './governance/actions.js';
import * as market from './market/actions.js';
import * as pools from './pools/actions.js';
import * as rewards from './rewards/actions.js';
import * as staking from './staking/actions.js';

// `any`: the parameters differ from action to action; BoundActions recovers each one exactly.
type Action = (client: ProtocolConnection, ...args: any[]) => unknown;

/** `(client, ...args) => R` as `(...args) => R`, for every action of a domain. */
export type BoundActions<A extends Record<string, Action>> = {
  [K in keyof A]: A[K] extends (client: ProtocolConnection, ...args: infer P) => infer R ? (...args: P) => R : never;
};

/**
 * Binds every action of a domain to `client`.
 *
 * @example
 * const bound = bindActions(connection, { getPhase });
 * await bound.getPhase({ taskId: 1n });
 */
export function bindActions<A extends Record<string, Action>>(client: ProtocolConnection, actions: A): BoundActions<A> {
  return Object.fromEntries(Object.entries(actions).map(([name, action]) => [name, (...args: unknown[]) => action(client, ...args)])) as BoundActions<A>;
}

export type CreateProtocolClientParameters = ConnectProtocolParameters;

export interface ProtocolClient extends ProtocolConnection {
  account: BoundActions<typeof account>;
  alliance: BoundActions<typeof alliance>;
  market: BoundActions<typeof market>;
  arena: BoundActions<typeof arena>;
  emission: BoundActions<typeof emission>;
  governance: BoundActions<typeof governance>;
  pools: BoundActions<typeof pools>;
  rewards: BoundActions<typeof rewards>;
  staking: BoundActions<typeof staking>;
}

/**
 * Connects to a deployment and binds the actions of every domain to it. Writes need `signer`; a
 * client opened with a provider only reads.
 *
 * @example
 * const client = createProtocolClient({ record: await loadDeployment(ctx), signer: await ctx.signer(), log });
 * const { index } = await client.arena.register({ taskId: 1n, role: 'node', stake: 0n });
 * await client.arena.commitModel({ taskId: 1n, commitment });
 */
export function createProtocolClient(params: CreateProtocolClientParameters): ProtocolClient {
  const c = connectProtocol(params);
  return {
    ...c,
    account: bindActions(c, account),
    alliance: bindActions(c, alliance),
    market: bindActions(c, market),
    arena: bindActions(c, arena),
    emission: bindActions(c, emission),
    governance: bindActions(c, governance),
    pools: bindActions(c, pools),
    rewards: bindActions(c, rewards),
    staking: bindActions(c, staking),
  };
}
