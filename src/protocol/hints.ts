import { registerRevertHint } from '../chain/ethers-errors.js';
import { formatTimestamp, fromWad, SECONDS_PER_DAY } from '../units/index.js';

/**
 * The next step for each custom error of the staking economy's contracts, shown under the
 * decoded revert. Registered once, when the protocol layer connects (connection.ts).
 */
const when = (t: unknown) => formatTimestamp(BigInt(t as bigint));
const wad = (v: unknown) => String(fromWad(BigInt(v as bigint)));
const days = (t: unknown) => Number(t) / SECONDS_PER_DAY;

registerRevertHint('GmFlockLockTooLong', ([, max]) => `lock at most ${days(max)} days: --lock 0..${days(max)}`);
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
