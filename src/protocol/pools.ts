import { ZeroAddress, getAddress, isAddress, type Signer } from 'ethers';
import type { Logger } from 'pino';
import { AbortError } from '../errors/index.js';
import { formatFlock } from '../units/index.js';
import { param, type Protocol } from './connect.js';
import { ensureAllowance, sendTx } from './tx.js';

const WAD = 10n ** 18n;

/** Checks and normalises an operator address given on the command line. */
export function operatorAddress(input: string, flag = '--to'): string {
  if (!isAddress(input) || input === ZeroAddress) {
    throw new AbortError(`${flag} "${input}" is not an address`, {
      code: 'INVALID_ADDRESS',
      hint: 'pass the operator as a 0x… address (`flock pool show <address>` checks it has a pool)',
    });
  }
  return getAddress(input);
}

/**
 * Parses an operator share: a fraction ("0.1") or a percentage ("10%"), into WAD.
 *
 * @example
 * parseSigma('10%') // 100000000000000000n
 */
export function parseSigma(input: string): bigint {
  const text = input.trim();
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text);
  if (!m) {
    throw new AbortError(`invalid sigma "${input}"`, {
      code: 'INVALID_SIGMA',
      hint: 'give the operator share as a fraction (0.1) or a percentage (10%)',
    });
  }
  const [whole, frac = ''] = m[1]!.split('.');
  const digits = frac.slice(0, 18).padEnd(18, '0');
  let value = BigInt(whole!) * WAD + BigInt(digits);
  if (m[2] === '%') value /= 100n;
  if (value > WAD) {
    throw new AbortError(`sigma ${input} is more than 100%`, { code: 'INVALID_SIGMA', hint: 'e.g. --sigma 0.1 or --sigma 10%' });
  }
  return value;
}

async function checkSigma(p: Protocol, sigma: bigint) {
  const [min, max] = await Promise.all([param(p, 'pool.sigmaMin'), param(p, 'pool.sigmaMax')]);
  if (sigma < min || sigma > max) {
    throw new AbortError(`sigma ${Number(sigma) / 1e18} is outside the governed bounds`, {
      code: 'SIGMA_OUT_OF_BOUNDS',
      hint: `choose between ${Number(min) / 1e18} and ${Number(max) / 1e18}`,
    });
  }
}

/** Opens the signer's delegation pool with operator share `sigma` (WAD). */
export async function createPool(p: Protocol, signer: Signer, sigma: bigint, log?: Logger) {
  const operator = await signer.getAddress();
  if ((await p.pools.pool(operator)).exists) {
    throw new AbortError(`${operator} already has a pool`, {
      code: 'POOL_EXISTS',
      hint: 'change its share with `flock pool set-sigma <share>`',
    });
  }
  await checkSigma(p, sigma);
  const r = await sendTx(signer, 'create pool', () => p.pools.createPool(sigma), log);
  return { operator, sigma, txHash: r.hash };
}

/** Changes the signer's operator share. */
export async function setSigma(p: Protocol, signer: Signer, sigma: bigint, log?: Logger) {
  const operator = await signer.getAddress();
  const before = await p.pools.pool(operator);
  if (!before.exists) throw noPool(operator);
  await checkSigma(p, sigma);
  const r = await sendTx(signer, 'set sigma', () => p.pools.setSigma(sigma), log);
  return { operator, oldSigma: before.sigma, sigma, txHash: r.hash };
}

function noPool(operator: string) {
  return new AbortError(`${operator} has no delegation pool`, {
    code: 'NO_POOL',
    hint: 'the operator opens one with `flock pool create --sigma <share>`',
  });
}

/** Delegates gmFLOCK to an operator's pool, approving the exact amount when needed. */
export async function delegate(p: Protocol, signer: Signer, operator: string, amount: bigint, log?: Logger) {
  const account = await signer.getAddress();
  if (!(await p.pools.pool(operator)).exists) throw noPool(operator);
  const balance = await p.gm.balanceOf(account);
  if (balance < amount) {
    throw new AbortError(`insufficient gmFLOCK: ${account} holds ${formatFlock(balance, { symbol: 'gmFLOCK' })}, delegating needs ${formatFlock(amount, { symbol: 'gmFLOCK' })}`, {
      code: 'INSUFFICIENT_BALANCE',
      hint: 'stake FLOCK first with `flock stake <amount> --lock <days>`',
    });
  }
  await ensureAllowance(signer, p.gm, account, await p.pools.getAddress(), amount, 'gmFLOCK for the pools', log);
  const r = await sendTx(signer, 'delegate', () => p.pools.delegate(operator, amount), log);
  const ev = r.logs.map((l) => p.pools.interface.parseLog(l)).find((e) => e?.name === 'Delegated');
  return { delegator: account, operator, amount, shares: (ev?.args.shares as bigint) ?? 0n, txHash: r.hash };
}

/**
 * Starts undelegating `amount` gmFLOCK (or everything, when omitted) from `operator`'s pool.
 * The amount is converted to shares rounding up, capped at what the account holds.
 */
export async function undelegate(p: Protocol, signer: Signer, operator: string, amount: bigint | undefined, log?: Logger) {
  const account = await signer.getAddress();
  const [shares, stakeNow] = await p.pools.delegation(operator, account);
  if (shares === 0n) {
    throw new AbortError(`${account} has nothing delegated to ${operator}`, {
      code: 'NOTHING_DELEGATED',
      hint: '`flock status` shows your delegations',
    });
  }
  let toUndelegate = shares;
  if (amount !== undefined) {
    if (amount > stakeNow) {
      throw new AbortError(`only ${formatFlock(stakeNow, { symbol: 'gmFLOCK' })} is delegated to ${operator}`, {
        code: 'INSUFFICIENT_DELEGATION',
        hint: 'omit the amount to undelegate everything',
      });
    }
    toUndelegate = stakeNow === 0n ? shares : (amount * shares + stakeNow - 1n) / stakeNow;
    if (toUndelegate > shares) toUndelegate = shares;
  }
  const r = await sendTx(signer, 'undelegate', () => p.pools.undelegate(operator, toUndelegate), log);
  const ev = r.logs.map((l) => p.pools.interface.parseLog(l)).find((e) => e?.name === 'UndelegationRequested');
  return {
    delegator: account,
    operator,
    shares: toUndelegate,
    amount: (ev?.args.amount as bigint) ?? 0n,
    readyAt: (ev?.args.readyAt as bigint) ?? 0n,
    cooldown: await param(p, 'pool.undelegateCooldown'),
    txHash: r.hash,
  };
}

/** Withdraws unbonded gmFLOCK from `operator`'s pool after the cooldown. */
export async function withdraw(p: Protocol, signer: Signer, operator: string, log?: Logger) {
  const account = await signer.getAddress();
  const [shares, amount, readyAt] = await p.pools.unbonding(operator, account);
  if (shares === 0n) {
    throw new AbortError(`${account} has no undelegation pending from ${operator}`, {
      code: 'NOTHING_TO_WITHDRAW',
      hint: 'start one with `flock undelegate <amount> --from <operator>`',
    });
  }
  const now = BigInt((await p.pools.runner!.provider!.getBlock('latest'))!.timestamp);
  if (now < readyAt) {
    throw new AbortError(`the undelegation of ${formatFlock(amount, { symbol: 'gmFLOCK' })} is ready at ${new Date(Number(readyAt) * 1000).toISOString()}`, {
      code: 'STILL_UNBONDING',
      hint: 'run `flock undelegate --withdraw --from <operator>` again after that time',
    });
  }
  const r = await sendTx(signer, 'withdraw', () => p.pools.withdraw(operator), log);
  const ev = r.logs.map((l) => p.pools.interface.parseLog(l)).find((e) => e?.name === 'Withdrawn');
  return { delegator: account, operator, amount: (ev?.args.amount as bigint) ?? amount, txHash: r.hash };
}

/** Operators `account` has ever delegated to, found from `Delegated` events (no on-chain list exists, by design). */
export async function delegatedOperators(p: Protocol, account: string): Promise<string[]> {
  const logs = await p.pools.queryFilter(p.pools.filters.Delegated(account), p.record.block);
  return [...new Set(logs.map((l) => getAddress(l.args.operator as string)))];
}

export interface DelegationView {
  operator: string;
  shares: bigint;
  stake: bigint;
  pendingRewards: bigint;
  unbonding: { shares: bigint; amount: bigint; readyAt: bigint };
}

/** The account's live delegations, with pending rewards and any undelegation in progress. */
export async function delegations(p: Protocol, account: string): Promise<DelegationView[]> {
  const out: DelegationView[] = [];
  for (const operator of await delegatedOperators(p, account)) {
    const [[shares, stake], pendingRewards, [ubShares, ubAmount, readyAt]] = await Promise.all([
      p.pools.delegation(operator, account),
      p.pools.pendingRewards(operator, account),
      p.pools.unbonding(operator, account),
    ]);
    if (shares === 0n && pendingRewards === 0n && ubShares === 0n) continue;
    out.push({ operator, shares, stake, pendingRewards, unbonding: { shares: ubShares, amount: ubAmount, readyAt } });
  }
  return out;
}
