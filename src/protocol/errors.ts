import { AbortError, type ErrorCode } from '../errors/index.js';
import { formatFlock, formatTimestamp } from '../units/index.js';

/**
 * The protocol layer's failures the user can fix, one factory each, all AbortErrors with a code of
 * src/errors/codes.ts (which decides the exit code) and a hint with the next step. Reverts are
 * not here: chain/ethers-errors.ts decodes them, and the hints.ts files add their next steps.
 */
export type ProtocolErrorCode = Extract<
  ErrorCode,
  | 'NO_ARENA'
  | 'NO_GOVERNANCE'
  | 'NO_ALLIANCE'
  | 'UNKNOWN_ALLIANCE_TASK'
  | 'UNKNOWN_TASK'
  | 'SCORE_TOLERANCE'
  | 'NOT_FINALIZING'
  | 'SECRETS_MISMATCH'
  | 'INSUFFICIENT_GM'
  | 'INSUFFICIENT_BALANCE'
  | 'INSUFFICIENT_FLOCK'
  | 'GM_SHORTFALL'
  | 'INVALID_AMOUNT'
  | 'INVALID_ADDRESS'
  | 'LOCK_OUT_OF_RANGE'
  | 'UNKNOWN_POSITION'
  | 'NOTHING_TO_REDEEM'
  | 'STILL_LOCKED'
  | 'NO_POOL'
  | 'POOL_EXISTS'
  | 'INVALID_SIGMA'
  | 'SIGMA_OUT_OF_BOUNDS'
  | 'NOTHING_DELEGATED'
  | 'INSUFFICIENT_DELEGATION'
  | 'NOTHING_TO_WITHDRAW'
  | 'STILL_UNBONDING'
  | 'UNKNOWN_PROPOSAL'
  | 'INVALID_PROPOSAL'
  | 'UNKNOWN_PARAM'
  | 'PARAM_OUT_OF_BOUNDS'
  | 'BELOW_PROPOSAL_THRESHOLD'
  | 'NOTHING_TO_CLAIM'
  | 'NO_MARKET'
  | 'UNKNOWN_MODEL'
  | 'UNKNOWN_CHANNEL'
  | 'NO_HOST'
  | 'NOT_REGISTRABLE'
  | 'CHANNEL_CLOSING'
>;

const fail = (code: ProtocolErrorCode, message: string, hint: string, cause?: unknown) => new AbortError(message, { code, hint, cause });
const gm = (v: bigint) => formatFlock(v, { symbol: 'gmFLOCK' });
const STAKE_HINT = 'lock FLOCK into gmFLOCK first: `flock stake <amount> --lock <days>`';

// ---------------------------------------------------------------- deployment

export const noArena = (chainId: number) =>
  fail('NO_ARENA', `the flock deployment on chain ${chainId} has no Arena`, 'redeploy: `flock devnet down`, remove <home>/devnet and <home>/deployments, then `flock devnet up`');

export const noAlliance = (chainId: number) =>
  fail('NO_ALLIANCE', `the flock deployment on chain ${chainId} has no Alliance`, 'redeploy with this version of flock: `flock devnet down --reset`, then `flock devnet up`');

export const noMarket = (chainId: number) =>
  fail('NO_MARKET', `the flock deployment on chain ${chainId} has no model market`, 'redeploy with this version of flock: `flock devnet down --reset`, then `flock devnet up`');

export const noGovernor = (chainId: number) =>
  fail('NO_GOVERNANCE', `the deployment on chain ${chainId} has no Governor`, 'redeploy with this version of flock (`flock devnet up` on a fresh devnet, or `flock deploy`)');

// ---------------------------------------------------------------- balances

/** `action` ("creating a task", "registering") stakes `needed` gmFLOCK; the account holds less. */
export const insufficientGm = (action: string, needed: bigint, account: string, held: bigint) =>
  fail('INSUFFICIENT_GM', `${action} stakes ${gm(needed)}; ${account} holds ${gm(held)}`, STAKE_HINT);

/** Staking needs FLOCK, delegating gmFLOCK; the account holds less than `needed`. */
export function insufficientBalance(token: 'FLOCK' | 'gmFLOCK', action: string, needed: bigint, account: string, held: bigint) {
  const f = (v: bigint) => formatFlock(v, { symbol: token });
  const hint = token === 'FLOCK' ? 'stake less, or receive FLOCK first (`flock wallet balance` shows what you hold)' : 'stake FLOCK first with `flock stake <amount> --lock <days>`';
  return fail('INSUFFICIENT_BALANCE', `insufficient ${token}: ${account} holds ${f(held)}, ${action} needs ${f(needed)}`, hint);
}

export const gmShortfall = (needed: bigint, account: string, held: bigint) =>
  fail('GM_SHORTFALL', `redeeming needs ${gm(needed)} but ${account} holds ${gm(held)}`, 'undelegate first (`flock undelegate --from <operator>`), or pass --accept-shortfall to forfeit the missing part to the treasury');

// ---------------------------------------------------------------- arena

export const unknownTask = (taskId: bigint, count: bigint) => fail('UNKNOWN_TASK', `no task ${taskId} (this chain has ${count})`, '`flock task list` lists them');

/** `endsAt`: when the score-reveal phase ends (unix seconds), after which anyone may finalize. */
export const notFinalizing = (taskId: bigint, phase: string, endsAt?: number) =>
  fail(
    'NOT_FINALIZING',
    `task ${taskId} is in its ${phase} phase; it can be finalized once its score-reveal phase ends${endsAt ? ` (${new Date(endsAt * 1000).toISOString()}, chain time)` : ''}`,
    `\`flock task show ${taskId}\` shows its deadlines; on a devnet, \`flock devnet warp\` moves the clock past it`,
  );

/** A task on an unbounded metric names no tolerance, or a tolerance is not a positive number within range. */
export const badScoreTolerance = (metric: string, given: number | undefined) =>
  fail(
    'SCORE_TOLERANCE',
    given === undefined
      ? `a ${metric} task needs a score tolerance: how far (in ${metric} units) a validator's score may lie from the consensus without being slashed`
      : `score tolerance ${given} is not a positive number of ${metric} units (at most 1e18)`,
    given === undefined
      ? 'set metric.tolerance in the task.yaml or pass --tolerance <value> (above the spread of the metric between honest evaluations); nothing was sent'
      : 'pass a positive tolerance in the metric’s units, e.g. --tolerance 0.02; nothing was sent',
  );

export const secretsMismatch = (taskId: bigint, path: string) => fail('SECRETS_MISMATCH', `the saved secrets of task ${taskId} do not match its on-chain commitment`, `check ${path}`);

// ---------------------------------------------------------------- staking

export const zeroStake = () => fail('INVALID_AMOUNT', 'stake amount must be greater than zero', 'e.g. `flock stake 100 --lock 30`');

export const lockOutOfRange = (duration: bigint, max: bigint) =>
  fail('LOCK_OUT_OF_RANGE', `lock of ${Number(duration) / 86400} days is out of range`, `choose --lock between 0 and ${max / 86_400n} days`);

export const unknownAllianceTask = (taskId: bigint, count: bigint) =>
  fail('UNKNOWN_ALLIANCE_TASK', `no Alliance task ${taskId} (this chain has ${count})`, '`flock alliance list` lists them');
export const unknownModel = (modelId: bigint) => fail('UNKNOWN_MODEL', `no model ${modelId} in the market`, '`flock models list` lists the registered models');
export const unknownChannel = (channelId: bigint) => fail('UNKNOWN_CHANNEL', `no payment channel ${channelId}`, '`flock market channels` lists yours');
export const notRegistrable = (why: string, hint: string) => fail('NOT_REGISTRABLE', `cannot register a model: ${why}`, hint);
export const noHost = (modelId: bigint, host?: string) =>
  fail('NO_HOST', host ? `${host} does not serve model ${modelId}` : `no host serves model ${modelId}`, `\`flock models show ${modelId}\` lists its hosts; a host starts with \`flock serve --model ${modelId}\``);
export const unknownPosition = (positionId: bigint, account: string) => fail('UNKNOWN_POSITION', `no open position #${positionId} for ${account}`, '`flock status` lists your positions and their ids');

export const stillLocked = (positionId: bigint, unlockAt: bigint) =>
  fail('STILL_LOCKED', `position #${positionId} is locked until ${formatTimestamp(unlockAt)}`, 'redeem after the unlock time; `flock status` lists your positions');

export const nothingToRedeem = (account: string) => fail('NOTHING_TO_REDEEM', `${account} has no open positions`, 'stake with `flock stake <amount> --lock <days>`');

// ---------------------------------------------------------------- pools

export const invalidAddress = (flag: string, input: string) =>
  fail('INVALID_ADDRESS', `${flag} "${input}" is not an address`, 'pass the operator as a 0x… address (`flock pool show <address>` checks it has a pool)');

export const invalidSigma = (message: string, hint: string) => fail('INVALID_SIGMA', message, hint);

export const sigmaOutOfBounds = (sigma: number, min: number, max: number) => fail('SIGMA_OUT_OF_BOUNDS', `sigma ${sigma} is outside the governed bounds`, `choose between ${min} and ${max}`);

export const poolExists = (operator: string) => fail('POOL_EXISTS', `${operator} already has a pool`, 'change its share with `flock pool set-sigma <share>`');

export const noPool = (operator: string) => fail('NO_POOL', `${operator} has no delegation pool`, 'the operator opens one with `flock pool create --sigma <share>`');

export const nothingDelegated = (account: string, operator: string) => fail('NOTHING_DELEGATED', `${account} has nothing delegated to ${operator}`, '`flock status` shows your delegations');

export const insufficientDelegation = (delegated: bigint, operator: string) =>
  fail('INSUFFICIENT_DELEGATION', `only ${gm(delegated)} is delegated to ${operator}`, 'omit the amount to undelegate everything');

export const nothingToWithdraw = (account: string, operator: string) =>
  fail('NOTHING_TO_WITHDRAW', `${account} has no undelegation pending from ${operator}`, 'start one with `flock undelegate <amount> --from <operator>`');

export const stillUnbonding = (amount: bigint, readyAt: bigint) =>
  fail('STILL_UNBONDING', `the undelegation of ${gm(amount)} is ready at ${new Date(Number(readyAt) * 1000).toISOString()}`, 'run `flock undelegate --withdraw --from <operator>` again after that time');

// ---------------------------------------------------------------- governance

const LIST_HINT = '`flock proposals list` shows the proposals with their numbers and ids';

export const unknownProposal = (id: bigint) => fail('UNKNOWN_PROPOSAL', `no proposal ${id} on this chain`, LIST_HINT);

/** A --set, --call or proposal id the user wrote wrong. */
export const invalidProposal = (message: string, hint: string, cause?: unknown) => fail('INVALID_PROPOSAL', message, hint, cause);

/** A parameter name the catalogue lacks (or this chain has not registered), with the close names it has. */
export const unknownParam = (message: string, close: readonly string[]) =>
  fail('UNKNOWN_PARAM', close.length ? `${message}; did you mean ${close.join(', ')}?` : message, '`flock params` lists every governed parameter with its value');

/** A short proposal number past the last proposal of this chain. */
export const unknownProposalNumber = (n: number, count: number) =>
  fail('UNKNOWN_PROPOSAL', `no proposal #${n} on this chain: it has ${count === 0 ? 'none yet' : count === 1 ? 'only #1' : `#1 to #${count}`}`, LIST_HINT);

export const paramOutOfBounds = (name: string, value: string, min: string, max: string) =>
  fail('PARAM_OUT_OF_BOUNDS', `${name} = ${value} is outside its bounds`, `${name} must lie between ${min} and ${max}`);

export function belowProposalThreshold(weight: bigint, threshold: bigint, undelegated: bigint) {
  const hint = undelegated > 0n ? `${formatFlock(undelegated)} of yours does not vote yet: pass --self-delegate (it counts from the next second)` : 'hold or lock more FLOCK';
  return fail('BELOW_PROPOSAL_THRESHOLD', `you have ${formatFlock(weight)} of votes; proposing needs ${formatFlock(threshold)}`, hint);
}

export const insufficientBond = (bond: bigint, held: bigint) =>
  fail('INSUFFICIENT_FLOCK', `the proposal bond is ${formatFlock(bond)}; you hold ${formatFlock(held)} liquid`, 'the bond comes back when the proposal is not dropped as spam (`flock proposals claim <id>`)');

export const nothingToClaim = (id: bigint, why: string) => fail('NOTHING_TO_CLAIM', `nothing to claim for proposal ${id}: ${why}`, '`flock proposals show <proposal>` shows its bond and reward');
