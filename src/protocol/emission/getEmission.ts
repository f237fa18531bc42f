import type { ProtocolConnection } from '../connection.js';
import { getParam } from '../governance/getParam.js';

export interface GetEmissionReturnType {
  currentDay: bigint;
  /** First day not yet released to gauges. */
  nextDay: bigint;
  /** The schedule's amount for today, before the daily cap. */
  today: bigint;
  dailyCap: bigint;
  reserve: bigint;
  totalReleased: bigint;
  totalPulled: bigint;
  /** Emission accrued to the delegation pools and not yet pulled by them. */
  poolsAccrued: bigint;
}

/**
 * Where the emission schedule stands: today's amount, what was released and pulled, the reserve.
 *
 * @example
 * const { currentDay, today } = await getEmission(client);
 */
export async function getEmission(client: ProtocolConnection): Promise<GetEmissionReturnType> {
  const { emission: e, pools } = client.contracts;
  const [currentDay, nextDay, reserve, totalReleased, totalPulled, poolsAccrued] = await Promise.all([
    e.currentDay(),
    e.nextDay(),
    e.reserve(),
    e.totalReleased(),
    e.totalPulled(),
    e.accrued(pools.getAddress()),
  ]);
  const [today, dailyCap] = await Promise.all([e.scheduledForDay(currentDay), getParam(client, { name: 'emission.dailyCap' })]);
  return { currentDay, nextDay, today, dailyCap, reserve, totalReleased, totalPulled, poolsAccrued };
}
