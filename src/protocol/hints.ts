import { registerRevertHint } from '../chain/ethers-errors.js';

/**
 * The next step for each custom error of the staking economy's contracts, shown under the
 * decoded revert. Registered once, when the protocol layer is first imported.
 */
const when = (t: unknown) => new Date(Number(t) * 1000).toISOString().replace('.000Z', 'Z');
const wad = (v: unknown) => (Number(v) / 1e18).toString();

registerRevertHint('GmFlockLockTooLong', ([, max]) => `lock at most ${Number(max) / 86400} days: --lock 0..${Number(max) / 86400}`);
registerRevertHint('GmFlockZeroAmount', () => 'stake an amount greater than zero');
registerRevertHint('GmFlockStillLocked', ([id, at]) => `position #${id} unlocks at ${when(at)}; \`flock status\` lists your positions`);
registerRevertHint('GmFlockUnknownPosition', () => '`flock status` lists your positions and their ids');
registerRevertHint('GmFlockInsufficientGm', () => 'undelegate your gmFLOCK first (`flock undelegate`), or pass --accept-shortfall to forfeit the missing part');
registerRevertHint('GmFlockNonTransferable', () => 'gmFLOCK moves only into protocol contracts, e.g. `flock delegate`');
registerRevertHint('PoolsUnknownPool', ([op]) => `${op} has no pool; the operator opens one with \`flock pool create --sigma <share>\``);
registerRevertHint('PoolsAlreadyExists', () => 'change the share with `flock pool set-sigma <share>`');
registerRevertHint('PoolsSigmaOutOfBounds', ([, min, max]) => `sigma must lie between ${wad(min)} and ${wad(max)}`);
registerRevertHint('PoolsSigmaCooldown', ([at]) => `sigma may change again at ${when(at)}`);
registerRevertHint('PoolsFrozen', ([at]) => `the pool is frozen until ${when(at)} (a task it serves is ending)`);
registerRevertHint('PoolsInsufficientShares', () => '`flock status` shows your delegations');
registerRevertHint('PoolsUnbonding', ([at]) => `the undelegation cooldown ends at ${when(at)}`);
registerRevertHint('PoolsNothingToWithdraw', () => 'start with `flock undelegate <amount> --from <operator>`');
registerRevertHint('PoolsInsolvent', () => 'this pool lost all its stake to slashing; delegate to another operator');
registerRevertHint('ConfigValueOutOfBounds', ([, , min, max]) => `the value must lie between ${min} and ${max}`);
