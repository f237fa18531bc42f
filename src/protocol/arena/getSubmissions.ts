import { requireArena, type ProtocolConnection } from '../connection.js';
import { readSubmission, type GetSubmissionReturnType } from './getSubmission.js';
import type { TaskParameters } from './types.js';

export type GetSubmissionsParameters = TaskParameters;
export type GetSubmissionsReturnType = GetSubmissionReturnType[];

/**
 * Every submission of a task, by id (0 .. nodeCount - 1).
 *
 * @example
 * const ranked = (await getSubmissions(client, { taskId: 1n })).filter((s) => s.status === SubmissionStatus.Ranked);
 */
export async function getSubmissions(client: ProtocolConnection, { taskId }: GetSubmissionsParameters): Promise<GetSubmissionsReturnType> {
  const arena = requireArena(client);
  const n = (await arena.task(taskId)).nodeCount;
  const out: GetSubmissionReturnType[] = [];
  for (let i = 0n; i < n; i++) out.push(await readSubmission(arena, taskId, i));
  return out;
}
