/**
 * What the Alliance node daemon uses of the chain: the protocol client's Alliance actions and views
 * (the CLI passes `client.alliance`), and this account's clock and nonce cache.
 */
import type * as alliance from '../../protocol/alliance/actions.js';
import type { ProtocolConnection } from '../../protocol/connection.js';
import type { Store } from '../../storage/index.js';
import type { ChainAccount } from '../arena/ports.js';
import type { DaemonRuntime } from '../kernel/index.js';

type Bound<F> = F extends (client: ProtocolConnection, ...args: infer P) => infer R ? (...args: P) => R : never;

/** The Alliance actions a node calls, bound to its client. */
export type AllianceActions = { [K in keyof typeof alliance]: Bound<(typeof alliance)[K]> };

export interface AllianceDaemonDeps {
  rt: DaemonRuntime;
  alliance: AllianceActions;
  chain: ChainAccount;
  store: Store;
  home: string;
}
