/**
 * Where an Alliance task's current round stands, counted from the chain, and whether everyone has
 * done what the phase asks: what `flock alliance wait` polls between a script's clock warps, so a
 * script never moves a devnet's clock under nodes that are still working.
 */
import { BugError } from '../../errors/index.js';
import { requireAlliance, type ProtocolConnection } from '../connection.js';
import type { AllianceRoundView, AllianceTaskView } from './views.js';
import { getAllianceParticipants, getAllianceRole, getAllianceRound, getAllianceTask, getAllianceUpdates, getAllianceVote } from './views.js';

export interface AllianceProgress {
  task: AllianceTaskView;
  /** The current round (undefined before round 1). */
  round?: AllianceRoundView;
  participants: number;
  proposers: { total: number; committed: number; revealed: number };
  voters: { total: number; committed: number; revealed: number };
  /** Chain time the numbers were read at. */
  now: number;
}

/**
 * Reads the task, its current round and every role's commits and reveals (one call per voter).
 *
 * @example
 * const p = await getAllianceProgress(client, { taskId: 1n });
 */
export async function getAllianceProgress(client: ProtocolConnection, { taskId }: { taskId: bigint }): Promise<AllianceProgress> {
  const task = await getAllianceTask(client, { taskId });
  const provider = requireAlliance(client).runner?.provider;
  if (!provider) throw new BugError('an Alliance progress read needs a connection with a provider');
  const now = (await provider.getBlock('latest'))!.timestamp;
  const members = await getAllianceParticipants(client, { taskId });
  const proposers = { total: 0, committed: 0, revealed: 0 };
  const voters = { total: 0, committed: 0, revealed: 0 };
  if (task.round === 0) return { task, participants: members.length, proposers, voters, now };
  const round = await getAllianceRound(client, { taskId, round: task.round });
  if (round.phase !== 'drawing') {
    for (const u of await getAllianceUpdates(client, { taskId, round: task.round })) {
      proposers.total++;
      if (u.committed) proposers.committed++;
      if (u.revealed) proposers.revealed++;
    }
    for (const m of members) {
      if ((await getAllianceRole(client, { taskId, round: task.round, account: m.account })).role !== 'voter') continue;
      const v = await getAllianceVote(client, { taskId, round: task.round, account: m.account });
      voters.total++;
      if (v.committed) voters.committed++;
      if (v.revealed) voters.revealed++;
    }
  }
  return { task, round, participants: members.length, proposers, voters, now };
}

export interface AllianceReadyOptions {
  /** While joining: wait for at least this many participants (default: the task's minimum). */
  participants?: number;
}

/**
 * Whether the phase's work is done, and what it still waits for. Joining: enough participants
 * (before the join window ends; after it, until a node starts round 1). Drawing: until the word
 * came and a node drew the roles. ProposeCommit / VoteCommit: every proposer / voter committed.
 * The reveals: every one that committed revealed. Settling: until a node settled the round, and
 * started the next (so a script's next warp cannot close the next round's commits early).
 *
 * @example
 * const { ready, awaiting } = allianceReady(await getAllianceProgress(client, { taskId: 1n }));
 */
export function allianceReady(p: AllianceProgress, o: AllianceReadyOptions = {}): { ready: boolean; awaiting: string[] } {
  const awaiting: string[] = [];
  const { task, round, proposers: u, voters: v } = p;
  if (task.status === 'joining') {
    const want = o.participants ?? task.spec.minParticipants;
    if (p.now >= task.joinEnd) awaiting.push('a node to start round 1');
    else if (p.participants < want) awaiting.push(`participants ${p.participants}/${want}`);
  } else if (task.status === 'running' && round) {
    switch (round.phase) {
      case 'drawing':
        awaiting.push(`round ${round.round}'s random word and its draw`);
        break;
      case 'propose-commit':
        if (u.committed < u.total) awaiting.push(`updates committed ${u.committed}/${u.total}`);
        break;
      case 'propose-reveal':
        if (u.revealed < u.committed) awaiting.push(`updates revealed ${u.revealed}/${u.committed}`);
        break;
      case 'vote-commit':
        if (v.committed < v.total) awaiting.push(`votes committed ${v.committed}/${v.total}`);
        break;
      case 'vote-reveal':
        if (v.revealed < v.committed) awaiting.push(`votes revealed ${v.revealed}/${v.committed}`);
        break;
      case 'settling':
        awaiting.push(`a node to settle round ${round.round}`);
        break;
      case 'settled':
        // The next round's commits come next: a warp before they are in would close them.
        if (round.round < task.spec.rounds) awaiting.push(`a node to start round ${round.round + 1}`);
        break;
    }
  }
  return { ready: awaiting.length === 0, awaiting };
}

/** When the phase the progress is in ends (chain time), if it is a timed one. */
export function allianceDeadline(p: AllianceProgress): number | undefined {
  if (p.task.status === 'joining') return p.task.joinEnd;
  const r = p.round;
  if (!r) return undefined;
  return { 'propose-commit': r.proposeCommitEnd, 'propose-reveal': r.proposeRevealEnd, 'vote-commit': r.voteCommitEnd, 'vote-reveal': r.voteRevealEnd }[r.phase as string];
}
