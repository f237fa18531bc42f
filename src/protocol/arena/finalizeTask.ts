import { requireArena, type ProtocolConnection } from '../connection.js';
import { notFinalizing } from '../errors.js';
import { transact } from '../tx.js';
import { getSubmissions } from './getSubmissions.js';
import { Phase, PHASES, SubmissionStatus, type PhaseName, type TaskParameters } from './types.js';

export interface FinalizeTaskParameters extends TaskParameters {
  /** Submissions settled (or ranked) per transaction. */
  batch: number;
}

export interface FinalizeTaskReturnType {
  taskId: bigint;
  batches: number;
  phase: PhaseName;
  txHashes: string[];
}

/**
 * Finalizes a scored task in batches of `batch` submissions (anyone may): the consensus pass
 * (finalize) until done, then the ranking (rank), best first, until the task is Finalized.
 *
 * @example
 * const r = await finalizeTask(client, { taskId: 1n, batch: 50 });
 * r.phase; // 'finalized'
 */
export async function finalizeTask(client: ProtocolConnection, { taskId, batch }: FinalizeTaskParameters): Promise<FinalizeTaskReturnType> {
  const arena = requireArena(client);
  const log = client.log;
  const txHashes: string[] = [];
  const ph = async () => Number(await arena.phase(taskId));
  const start = await ph();
  if (start !== Phase.Finalizing && start !== Phase.Finalized && start !== Phase.Cancelled) {
    throw notFinalizing(taskId, PHASES[start]!, start === Phase.None ? undefined : Number((await arena.task(taskId)).scoreRevealEnd));
  }
  while ((await ph()) === Phase.Finalizing && !(await arena.settlement(taskId)).consensusDone) {
    txHashes.push((await transact(client, 'finalize', () => arena.finalize(taskId, BigInt(batch)))).hash);
    log?.info({ taskId: taskId.toString(), batch: txHashes.length }, 'consensus batch settled');
  }
  if ((await ph()) === Phase.Finalizing) {
    // The whole order, best first, ranked ones included: the contract skips those already ranked
    // and cuts back a ranking someone else sent in a wrong order, so this always completes it.
    const eligible = (await getSubmissions(client, { taskId })).filter((s) => s.status === SubmissionStatus.Eligible || s.status === SubmissionStatus.Ranked);
    // Best first (consensus is oriented so that higher is better); ties keep id order.
    eligible.sort((a, b) => (a.consensus === b.consensus ? Number(a.id - b.id) : a.consensus > b.consensus ? -1 : 1));
    for (let i = 0; i < eligible.length; i += batch) {
      const ids = eligible.slice(i, i + batch).map((e) => e.id);
      txHashes.push((await transact(client, 'rank', () => arena.rank(taskId, ids))).hash);
      log?.info({ taskId: taskId.toString(), ranked: i + ids.length, of: eligible.length }, 'ranking batch settled');
    }
  }
  return { taskId, batches: txHashes.length, phase: PHASES[await ph()]!, txHashes };
}
