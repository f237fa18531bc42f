/**
 * Turns for the Alliance steps anyone may take (start a round, draw its roles, settle it). Every
 * node that sees such a step due could send it, and on a real chain each one's gas estimate passes
 * while the first transaction is still pending: all but one revert on chain and pay for it (17 in
 * a 20-node round before turns, docs/BENCHMARKS.md). So the members take turns: an order that every
 * node computes alike, fresh for each round and step so that the gas is shared; the first in it
 * sends at once, the k-th only once k turns passed with the step still due.
 */
import { createHash } from 'node:crypto';

export type AnyoneStep = 'start' | 'draw' | 'settle';

const key = (taskId: bigint, round: number, step: AnyoneStep, account: string) => createHash('sha256').update(`${taskId}:${round}:${step}:${account.toLowerCase()}`).digest('hex');

/**
 * The place of `account` (0 first) among `members` ordered by sha256(task, round, step, member);
 * an account that is no member comes after all of them.
 *
 * @example
 * const turn = turnOf(members, 1n, 3, 'settle', myAddress); // 0: send at once
 */
export function turnOf(members: readonly string[], taskId: bigint, round: number, step: AnyoneStep, account: string): number {
  const mine = account.toLowerCase();
  if (!members.some((m) => m.toLowerCase() === mine)) return members.length;
  const own = key(taskId, round, step, mine);
  return members.filter((m) => m.toLowerCase() !== mine && key(taskId, round, step, m) < own).length;
}
