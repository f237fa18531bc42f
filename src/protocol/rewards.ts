import type { Signer } from 'ethers';
import type { Logger } from 'pino';
import type { Protocol } from './connect.js';
import { delegatedOperators } from './pools.js';
import { sendTx } from './tx.js';

export interface RewardsView {
  account: string;
  /** Per pool the account delegated to: FLOCK claimable now. */
  pools: { operator: string; pending: bigint }[];
  /** Operator commission claimable now (0 for non-operators). */
  commission: bigint;
  total: bigint;
}

/** What `account` could claim now, read from the contracts' own views. */
export async function pendingRewards(p: Protocol, account: string): Promise<RewardsView> {
  const operators = await delegatedOperators(p, account);
  const pools = await Promise.all(operators.map(async (operator) => ({ operator, pending: await p.pools.pendingRewards(operator, account) })));
  const commission = await p.pools.pendingCommission(account);
  return {
    account,
    pools: pools.filter((x) => x.pending > 0n),
    commission,
    total: pools.reduce((s, x) => s + x.pending, 0n) + commission,
  };
}

export interface ClaimReturnType {
  account: string;
  claims: { operator: string | null; amount: bigint; txHash: string }[];
  total: bigint;
}

/**
 * Claims every pool reward and the operator commission the account has pending. Each claim is one
 * O(1) transaction (pull-based, no loops on chain); the amounts come from the claim events.
 */
export async function claimRewards(p: Protocol, signer: Signer, log?: Logger): Promise<ClaimReturnType> {
  const account = await signer.getAddress();
  const view = await pendingRewards(p, account);
  const claims: ClaimReturnType['claims'] = [];
  for (const { operator } of view.pools) {
    const r = await sendTx(signer, `claim rewards from ${operator}`, () => p.pools.claim(operator), log);
    const ev = r.logs.map((l) => p.pools.interface.parseLog(l)).find((e) => e?.name === 'RewardsClaimed');
    claims.push({ operator, amount: (ev?.args.amount as bigint) ?? 0n, txHash: r.hash });
  }
  if (view.commission > 0n) {
    const r = await sendTx(signer, 'claim commission', () => p.pools.claimCommission(), log);
    const ev = r.logs.map((l) => p.pools.interface.parseLog(l)).find((e) => e?.name === 'CommissionClaimed');
    claims.push({ operator: null, amount: (ev?.args.amount as bigint) ?? 0n, txHash: r.hash });
  }
  return { account, claims, total: claims.reduce((s, c) => s + c.amount, 0n) };
}
