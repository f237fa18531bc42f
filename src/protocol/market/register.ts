/**
 * Registering a model from its task, checked first so a user gets a reason instead of a revert:
 * an Arena task must be finalized (its winner is the submission ranked 0), an Alliance task
 * finished with at least one accepted round. A model registered already is returned as it is.
 */
import { requireAlliance, requireArena, type ProtocolConnection } from '../connection.js';
import { notRegistrable } from '../errors.js';
import { Phase, SubmissionStatus } from '../arena/types.js';
import { TaskStatus } from '../alliance/types.js';
import { findModel, getModel } from './views.js';
import { registerAllianceModel, registerArenaModel } from './writes.js';

export type RegisterModelParameters = { source: 'arena'; taskId: bigint; submissionId?: bigint } | { source: 'alliance'; taskId: bigint };

export async function registerModel(client: ProtocolConnection, p: RegisterModelParameters): Promise<{ modelId: bigint; modelCID: string; already: boolean; txHash?: string }> {
  let submissionId = 0n;
  if (p.source === 'arena') {
    const arena = requireArena(client);
    const phase = Number(await arena.phase(p.taskId));
    if (phase !== Phase.Finalized) throw notRegistrable(`Arena task ${p.taskId} is not finalized`, `\`flock task show ${p.taskId}\` says what comes next`);
    if (p.submissionId !== undefined) submissionId = p.submissionId;
    else {
      const n = (await arena.task(p.taskId)).nodeCount;
      let found: bigint | undefined;
      for (let i = 0n; i < n && found === undefined; i++) {
        const s = await arena.submission(p.taskId, i);
        if (Number(s.status) === SubmissionStatus.Ranked && s.rank === 0n) found = i;
      }
      if (found === undefined) throw notRegistrable(`Arena task ${p.taskId} ranked no submission (none beat the baseline)`, 'only a winner can be registered');
      submissionId = found;
    }
  } else {
    const t = await requireAlliance(client).task(p.taskId);
    if (Number(t.status) !== TaskStatus.Finished) throw notRegistrable(`Alliance task ${p.taskId} is not finished`, `\`flock alliance show ${p.taskId}\` says what comes next`);
    if (Number(t.roundsAccepted) === 0) throw notRegistrable(`Alliance task ${p.taskId} accepted no round: its model is the initial one, made by nobody in it`, 'only a model the network trained can be registered');
  }
  const existing = await findModel(client, { source: p.source, taskId: p.taskId, submissionId });
  if (existing !== undefined) return { modelId: existing, modelCID: (await getModel(client, { modelId: existing })).modelCID, already: true };
  const r = p.source === 'arena' ? await registerArenaModel(client, { taskId: p.taskId, submissionId }) : await registerAllianceModel(client, { taskId: p.taskId });
  return { modelId: r.modelId, modelCID: (await getModel(client, { modelId: r.modelId })).modelCID, already: false, txHash: r.txHash };
}
