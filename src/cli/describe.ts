/**
 * Plain words for protocol state, relative to chain time: the CLI's presentation of what the
 * protocol layer returns as data (a phase or state name and its deadlines). Nothing below cli/
 * needs them; the JSON output of `task` and `proposals` carries them as `status`.
 */
import type { GetSubmissionReturnType, TaskView } from '../protocol/arena/index.js';
import { SubmissionStatus, SUBMISSION_STATUSES } from '../protocol/arena/index.js';
import type { ProposalInfo } from '../protocol/governance/index.js';
import { formatDuration, fromWad } from '../units/index.js';

/**
 * A task's phase in plain words with its deadline, relative to chain time `now` (unix seconds).
 *
 * @example
 * describePhase(task, now) // 'open for submissions: submissions close in 2 h 3 m'
 */
export function describePhase(t: Pick<TaskView, 'phase' | 'submitEnd' | 'revealEnd' | 'scoreCommitEnd' | 'scoreRevealEnd' | 'validationRevealed'>, now: number): string {
  const left = (end: number) => formatDuration(end - now);
  switch (t.phase) {
    case 'submit':
      return `open for submissions: submissions close in ${left(t.submitEnd)}`;
    case 'reveal':
      return `reveal: nodes reveal their models${t.validationRevealed ? '' : ' and the creator the validation set'}; ends in ${left(t.revealEnd)}`;
    case 'score-commit':
      return `scoring: validators score every model and commit one root each; ends in ${left(t.scoreCommitEnd)}`;
    case 'score-reveal':
      return `score reveal: validators open the scores drawn to count; ends in ${left(t.scoreRevealEnd)}`;
    case 'finalizing':
      return 'scored: waiting to be finalized (`flock task finalize`)';
    case 'finalized':
      return 'finalized: rewards can be claimed';
    case 'cancelled':
      // Cancelled with the validation set revealed: most of the committed stake rejected it as unusable.
      return `cancelled (${t.validationRevealed ? 'validators rejected the validation set as unusable' : 'the creator did not reveal the validation set'}): stakes can be claimed back`;
    default:
      return 'unknown';
  }
}

/**
 * A proposal's state in plain words with its next deadline, relative to chain time `now`.
 *
 * @example
 * describeState(proposal, now) // 'voting ends in 5 h 12 m'
 */
export function describeState(x: Pick<ProposalInfo, 'state' | 'voteStart' | 'voteEnd' | 'eta' | 'bondStatus'>, now: number): string {
  switch (x.state) {
    case 'pending':
      return `flag window ends in ${formatDuration(x.voteStart + 1 - now)}`;
    case 'active':
      return `voting ends in ${formatDuration(x.voteEnd + 1 - now)}`;
    case 'succeeded':
      return 'passed: queue it with `flock queue <id>`';
    case 'queued':
      return x.eta > now ? `executable in ${formatDuration(x.eta - now)}` : 'executable now: `flock execute <id>`';
    case 'executed':
      return 'executed';
    case 'defeated':
      return 'defeated';
    case 'expired':
      return 'expired';
    case 'canceled':
      return x.bondStatus === 'slashed' ? 'dropped as spam (bond slashed to the treasury)' : 'canceled';
  }
}

/**
 * A proposal for output: its id as a decimal string and its state in words (`status`, right
 * after `state`).
 *
 * @example
 * await ctx.output(proposalView(await client.governance.getProposal({ proposalId }), now));
 */
export function proposalView(x: ProposalInfo, now: number) {
  const { id, number, proposer, title, description, targets, values, calldatas, actions, descriptionHash, state, ...rest } = x;
  return { id: id.toString(), number, proposer, title, description, targets, values, calldatas, actions, descriptionHash, state, status: describeState(x, now), ...rest };
}

/**
 * How a command's text names a proposal, and how a follow-up command takes it: by its short
 * number on this chain when it has one, else by its full id.
 *
 * @example
 * proposalNames(3, 7321…n) // { name: '#3', arg: '3' }
 */
export function proposalNames(number: number | undefined, id: bigint): { name: string; arg: string } {
  return number === undefined ? { name: id.toString(), arg: id.toString() } : { name: `#${number}`, arg: String(number) };
}

/**
 * A submission for output: its status by name, its consensus score as a number, its rank only
 * once ranked.
 *
 * @example
 * submissions.map(submissionView) // [{ id: 0n, status: 'ranked', consensus: 0.93, rank: 0, … }]
 */
export function submissionView(s: GetSubmissionReturnType) {
  return {
    id: s.id,
    account: s.account,
    status: SUBMISSION_STATUSES[s.status]!,
    slashed: s.slashed,
    claimed: s.claimed,
    modelCID: s.modelCID,
    commitment: s.commitment,
    consensus: fromWad(s.consensus),
    /** 0-based rank among the ranked submissions; null for any other status. */
    rank: s.status === SubmissionStatus.Ranked ? Number(s.rank) : null,
    scorers: s.scorerCount,
  };
}
