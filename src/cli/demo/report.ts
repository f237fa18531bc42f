/**
 * The demo's table: each actor's part, claim and loss, beside each model's true score on the
 * hidden split (computed here from the creator's kept validation set), which is what consensus
 * should have found.
 */
import type { ProtocolClient } from '../../protocol/client.js';
import { SUBMISSION_STATUSES } from '../../protocol/arena/index.js';
import { fromWad } from '../../units/index.js';
import { openContextStore } from '../storage.js';
import { TASK_STAKE, type Actor, type CastRole, type DemoDeps } from './cast.js';

export interface DemoRow {
  name: string;
  address: string;
  role: CastRole;
  label: string;
  submission: string | null;
  /** SUBMISSION_STATUSES name for a trainer; 'honest' / 'lazy' for a validator; 'creator'. */
  status: string;
  /** 1-based; null when not ranked. */
  rank: number | null;
  /** The on-chain consensus score (metric units); null when none. */
  consensus: number | null;
  /** The model's score on the hidden split, computed here; null for an invalid model. */
  trueScore: number | null;
  /** FLOCK paid by the claim (wei). */
  reward: bigint;
  /** gmFLOCK staked in the task and gmFLOCK lost to slashing (wei). */
  staked: bigint;
  slashed: bigint;
}


/** The table: each actor's part, claim and loss, with each model's true score on the hidden split. */
export async function tableRows(
  d: DemoDeps,
  actors: Actor[],
  claims: Map<string, { reward: bigint; stake: bigint }>,
  taskId: bigint,
  t: Awaited<ReturnType<ProtocolClient['arena']['getTask']>>,
): Promise<DemoRow[]> {
  const client = actors[0]!.client;
  const [{ fetchManifest }, { evaluateModel, loadEvaluationData }, { readSecrets, keptValidationPath }] = await Promise.all([
    import('../../tasks/manifest.js'),
    import('../../engine/index.js'),
    import('../../tasks/secrets.js'),
  ]);
  const store = await openContextStore(d.ctx);
  try {
    const manifest = await fetchManifest(store, t.dataCID);
    const secrets = readSecrets(d.ctx.config.home, client.record.chainId, taskId);
    const data = await loadEvaluationData(keptValidationPath(d.ctx.config.home, client.record.chainId, secrets.validationCID), manifest.spec.schema);
    const subs = await client.arena.getSubmissions({ taskId });
    const rows: DemoRow[] = [];
    for (const a of actors) {
      const claim = claims.get(a.name) ?? { reward: 0n, stake: 0n };
      const base = { name: a.name, address: a.address, role: a.role, label: a.label, reward: claim.reward };
      if (a.role === 'creator') {
        rows.push({ ...base, submission: null, status: 'creator', rank: null, consensus: null, trueScore: null, staked: t.creatorStake, slashed: t.creatorStake - claim.stake });
        continue;
      }
      if (a.role === 'validator') {
        rows.push({ ...base, submission: null, status: a.lazy ? 'lazy' : 'honest', rank: null, consensus: null, trueScore: null, staked: TASK_STAKE, slashed: TASK_STAKE - claim.stake });
        continue;
      }
      const s = subs.find((x) => x.account.toLowerCase() === a.address.toLowerCase())!;
      const ev = s.modelCID ? await evaluateModel(await store.get(s.modelCID), { contract: manifest.spec.contract, metric: manifest.spec.metric.name, data }) : undefined;
      const status = SUBMISSION_STATUSES[s.status]!;
      const scored = status === 'ranked' || status === 'eligible' || status === 'below-baseline';
      rows.push({
        ...base,
        submission: s.id.toString(),
        status,
        rank: status === 'ranked' ? Number(s.rank) + 1 : null,
        consensus: scored ? orient(fromWad(s.consensus), t.higherIsBetter) : null,
        trueScore: ev?.valid ? ev.score : null,
        staked: TASK_STAKE,
        slashed: TASK_STAKE - claim.stake,
      });
    }
    return rows;
  } finally {
    await store.close();
  }
}

/** The contract orients consensus so that higher is better; a lower-is-better metric is stored negated. */
function orient(v: number, higherIsBetter: boolean): number {
  return higherIsBetter ? v : -v;
}

