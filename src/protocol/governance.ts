import { Interface, decodeBytes32String, encodeBytes32String, getAddress, id as keccakText, isAddress, type Signer } from 'ethers';
import type { Logger } from 'pino';
import { AbortError } from '../errors/index.js';
import type { FlockGovernor } from '../chain/types/index.js';
import { formatDuration, formatFlock, parseDuration, parseFlock } from '../units/index.js';
import type { Protocol } from './connect.js';
import { ensureAllowance, sendTx } from './tx.js';
import './governance-hints.js';

/** OpenZeppelin's ProposalState, by index. */
export const PROPOSAL_STATES = ['pending', 'active', 'canceled', 'defeated', 'succeeded', 'queued', 'expired', 'executed'] as const;
export type ProposalStateName = (typeof PROPOSAL_STATES)[number];
export const ProposalState = { Pending: 0, Active: 1, Canceled: 2, Defeated: 3, Succeeded: 4, Queued: 5, Expired: 6, Executed: 7 } as const;

/** BondStatus of IFlockGovernor, by index. */
export const BOND_STATUSES = ['none', 'held', 'returned', 'slashed'] as const;

export const SUPPORT = { against: 0, for: 1, abstain: 2 } as const;
export type Support = keyof typeof SUPPORT;

/** How a parameter's value is written on the command line. */
export type ParamKind = 'wad' | 'duration' | 'amount' | 'count';

/** The governed parameters of contracts/libraries/Params.sol and their units. */
export const PARAMS: Readonly<Record<string, ParamKind>> = {
  'lock.maxDuration': 'duration',
  'lock.bonusStart': 'duration',
  'lock.slope': 'wad',
  'redeem.fee': 'wad',
  'pool.sigmaMin': 'wad',
  'pool.sigmaMax': 'wad',
  'pool.sigmaCooldown': 'duration',
  'pool.undelegateCooldown': 'duration',
  'emission.dailyCap': 'amount',
  'arena.gamma': 'wad',
  'arena.beta': 'wad',
  'arena.creatorShare': 'wad',
  'arena.validatorTolerance': 'wad',
  'arena.validatorSlash': 'wad',
  'arena.nodeSlash': 'wad',
  'arena.creatorSlash': 'wad',
  'arena.rankDecay': 'wad',
  'arena.sampleSize': 'count',
  'arena.minCreatorStake': 'amount',
  'arena.minStake': 'amount',
  'arena.minPhase': 'duration',
  'arena.maxTaskDuration': 'duration',
};

const usage = (message: string, hint: string, code: 'INVALID_PROPOSAL' | 'UNKNOWN_PARAM' | 'PARAM_OUT_OF_BOUNDS' = 'INVALID_PROPOSAL') => new AbortError(message, { code, hint });

/**
 * Parses a parameter value in its unit: WAD fractions as `0.3` or `30%`, durations as `7d` or
 * seconds, token amounts in FLOCK (`100`), counts as plain integers.
 */
export function parseParamValue(kind: ParamKind, text: string, what: string): bigint {
  const t = text.trim();
  switch (kind) {
    case 'wad':
      if (t.endsWith('%')) return parseFlock(t.slice(0, -1), { what }) / 100n;
      return parseFlock(t, { what });
    case 'amount':
      return parseFlock(t, { what });
    case 'duration':
      return BigInt(parseDuration(t, what));
    case 'count':
      if (!/^\d+$/.test(t)) throw usage(`invalid ${what} "${text}"`, 'expected a whole number');
      return BigInt(t);
  }
}

/** A value in its unit, for messages: 0.3, 7 d, 100 FLOCK, 7. */
export function formatParamValue(kind: ParamKind | undefined, v: bigint): string {
  switch (kind) {
    case 'wad':
      return formatFlock(v, { symbol: false, group: false });
    case 'amount':
      return formatFlock(v);
    case 'duration':
      return `${v} s (${formatDuration(Number(v))})`;
    default:
      return v.toString();
  }
}

/** One call the timelock will make. */
export interface ProposalAction {
  target: string;
  value: bigint;
  calldata: string;
  /** Human summary, e.g. `pool.sigmaMax: 0.5 -> 0.4`. */
  summary: string;
}

/**
 * `--set <param>=<value>`: a `config.set(param, value)` call, checked against the parameter's
 * registered bounds on chain before anything is sent.
 */
export async function paramAction(p: Protocol, assignment: string): Promise<ProposalAction> {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw usage(`invalid --set "${assignment}"`, 'write --set <param>=<value>, e.g. --set pool.sigmaMax=0.4');
  const name = assignment.slice(0, eq).trim();
  const text = assignment.slice(eq + 1);
  const kind = PARAMS[name];
  const known = () => Object.keys(PARAMS).join(', ');
  if (!kind) throw usage(`unknown parameter "${name}"`, `known parameters: ${known()}`, 'UNKNOWN_PARAM');
  const key = encodeBytes32String(name);
  const value = parseParamValue(kind, text, `value of ${name}`);
  const [min, max, registered] = await p.config.bounds(key);
  if (!registered) throw usage(`parameter "${name}" is not registered on this chain`, `known parameters: ${known()}`, 'UNKNOWN_PARAM');
  if (value < min || value > max) {
    throw usage(
      `${name} = ${formatParamValue(kind, value)} is outside its bounds`,
      `${name} must lie between ${formatParamValue(kind, min)} and ${formatParamValue(kind, max)}`,
      'PARAM_OUT_OF_BOUNDS',
    );
  }
  const current = await p.config.get(key);
  return {
    target: await p.config.getAddress(),
    value: 0n,
    calldata: p.config.interface.encodeFunctionData('set', [key, value]),
    summary: `${name}: ${formatParamValue(kind, current)} -> ${formatParamValue(kind, value)}`,
  };
}

/** `--call <target> <signature> <args...>`: any call, e.g. `0x… "setTreasury(address)" 0x…`. */
export function rawCallAction(target: string, signature: string, args: string[]): ProposalAction {
  if (!isAddress(target)) throw usage(`invalid call target "${target}"`, 'the target is a contract address (0x…)');
  let iface: Interface;
  try {
    iface = new Interface([`function ${signature.replace(/^function\s+/, '')}`]);
  } catch (cause) {
    throw new AbortError(`invalid function signature "${signature}"`, { cause, code: 'INVALID_PROPOSAL', hint: 'write it as in Solidity, e.g. "set(bytes32,uint256)"' });
  }
  const fn = iface.fragments[0] as import('ethers').FunctionFragment;
  if (fn.inputs.length !== args.length) {
    throw usage(`${fn.format()} takes ${fn.inputs.length} argument(s), got ${args.length}`, 'pass one value per parameter after the signature');
  }
  const values = args.map((a, i) => {
    const t = fn.inputs[i]!.type;
    if (t === 'bool') return a === 'true' || a === '1';
    if (t.endsWith(']') || t.startsWith('tuple')) return JSON.parse(a) as unknown;
    if (t === 'bytes32' && !a.startsWith('0x')) return encodeBytes32String(a);
    return a;
  });
  let calldata: string;
  try {
    calldata = iface.encodeFunctionData(fn, values);
  } catch (cause) {
    throw new AbortError(`cannot encode ${fn.format()} with (${args.join(', ')})`, { cause, code: 'INVALID_PROPOSAL', hint: 'check each argument against its type' });
  }
  return { target: getAddress(target), value: 0n, calldata, summary: `${getAddress(target)}.${fn.format()}(${args.join(', ')})` };
}

/** OpenZeppelin's description convention: a markdown title, a blank line, the body. */
export function proposalDescription(title: string, body?: string): string {
  return body ? `# ${title}\n\n${body}` : `# ${title}`;
}

export function requireGovernor(p: Protocol): FlockGovernor {
  if (!p.governor) {
    throw new AbortError(`the deployment on chain ${p.record.chainId} has no Governor`, {
      code: 'NO_GOVERNANCE',
      hint: 'redeploy with this version of flock (`flock devnet up` on a fresh devnet, or `flock deploy`)',
    });
  }
  return p.governor;
}

/** Whether `account` holds liquid FLOCK that does not vote (not delegated to anyone). */
export async function undelegatedFlock(p: Protocol, account: string): Promise<bigint> {
  const [delegate, balance] = await Promise.all([p.token.delegates(account), p.token.balanceOf(account)]);
  return delegate === '0x0000000000000000000000000000000000000000' ? balance : 0n;
}

/** Delegates the account's liquid FLOCK votes to itself (locked FLOCK always votes for its locker). */
export async function selfDelegate(p: Protocol, signer: Signer, log?: Logger): Promise<string> {
  const account = await signer.getAddress();
  const r = await sendTx(signer, 'delegate FLOCK votes to yourself', () => p.token.delegate(account), log);
  return r.hash;
}

export interface ProposeResult {
  proposalId: bigint;
  proposer: string;
  bond: bigint;
  description: string;
  actions: ProposalAction[];
  voteStart: bigint;
  voteEnd: bigint;
  txHash: string;
}

/** Proposes `actions`, approving the bond first when needed. */
export async function propose(p: Protocol, signer: Signer, o: { actions: ProposalAction[]; title: string; description?: string }, log?: Logger): Promise<ProposeResult> {
  const gov = requireGovernor(p);
  if (o.actions.length === 0) throw usage('a proposal needs at least one action', 'add --set <param>=<value> or --call <target> <signature> <args...>');
  const proposer = await signer.getAddress();
  const description = proposalDescription(o.title, o.description);
  const [bond, threshold] = await Promise.all([gov.proposalBond(), gov.proposalThreshold()]);
  // Weight now; the Governor reads it at the second before the proposal's block, which is later.
  const weight = p.votes ? await p.votes.getVotes(proposer) : threshold;
  if (weight < threshold) {
    const loose = await undelegatedFlock(p, proposer);
    throw new AbortError(`you have ${formatFlock(weight)} of votes; proposing needs ${formatFlock(threshold)}`, {
      code: 'BELOW_PROPOSAL_THRESHOLD',
      hint: loose > 0n ? `${formatFlock(loose)} of yours does not vote yet: pass --self-delegate (it counts from the next second)` : 'hold or lock more FLOCK',
    });
  }
  const balance = await p.token.balanceOf(proposer);
  if (balance < bond) {
    throw new AbortError(`the proposal bond is ${formatFlock(bond)}; you hold ${formatFlock(balance)} liquid`, {
      code: 'INSUFFICIENT_FLOCK',
      hint: 'the bond comes back when the proposal is not dropped as spam (`flock proposals claim <id>`)',
    });
  }
  await ensureAllowance(signer, p.token, proposer, await gov.getAddress(), bond, 'the proposal bond', log);
  const targets = o.actions.map((a) => a.target);
  const values = o.actions.map((a) => a.value);
  const calldatas = o.actions.map((a) => a.calldata);
  const receipt = await sendTx(signer, 'propose', () => gov.propose(targets, values, calldatas, description), log);
  const created = receipt.logs.map((l) => safeParse(gov, l)).find((e) => e?.name === 'ProposalCreated');
  const proposalId = created ? (created.args[0] as bigint) : await gov.hashProposal(targets, values, calldatas, keccakText(description));
  return {
    proposalId,
    proposer,
    bond,
    description,
    actions: o.actions,
    voteStart: created ? (created.args[6] as bigint) : await gov.proposalSnapshot(proposalId),
    voteEnd: created ? (created.args[7] as bigint) : await gov.proposalDeadline(proposalId),
    txHash: receipt.hash,
  };
}

function safeParse(gov: FlockGovernor, log: { topics: readonly string[]; data: string }) {
  try {
    return gov.interface.parseLog(log);
  } catch {
    return null;
  }
}

export interface ProposalInfo {
  id: bigint;
  proposer: string;
  title: string;
  description: string;
  targets: string[];
  values: bigint[];
  calldatas: string[];
  /** Each call in words (see {@link describeCall}). */
  actions: string[];
  descriptionHash: string;
  state: ProposalStateName;
  /** The state in plain words with its deadline. */
  status: string;
  voteStart: number;
  voteEnd: number;
  eta: number;
  votes: { against: bigint; for: bigint; abstain: bigint };
  quorum: bigint;
  bond: bigint;
  bondStatus: (typeof BOND_STATUSES)[number];
  reward: bigint;
  rewardClaimed: boolean;
  flagWeight: bigint;
  flagQuorum: bigint;
  createdBlock: number;
}

/**
 * One proposed call in words: `set arena.gamma = 0.4` for a parameter change, else
 * `Contract.function(args)` when the target is a protocol contract, else the raw selector.
 */
export function describeCall(p: Protocol, target: string, calldata: string): string {
  const contracts = Object.entries(p.record.contracts).find(([, a]) => a.toLowerCase() === target.toLowerCase());
  if (contracts) {
    const [name] = contracts;
    const known = [p.config, p.token, p.gm, p.emission, p.pools, p.timelock, p.governor].find((c) => c && c.target.toString().toLowerCase() === target.toLowerCase());
    const call = known?.interface.parseTransaction({ data: calldata });
    if (call) {
      if (known === p.config && call.name === 'set') {
        const param = decodeBytes32String(call.args[0] as string);
        return `set ${param} = ${formatParamValue(PARAMS[param], call.args[1] as bigint)}`;
      }
      return `${name}.${call.name}(${call.args.map(String).join(', ')})`;
    }
  }
  return `${target} ${calldata.slice(0, 10)} (${(calldata.length - 2) / 2} bytes of calldata)`;
}

/** Every proposal of this deployment, read from ProposalCreated events, oldest first. */
export async function listProposals(p: Protocol): Promise<ProposalInfo[]> {
  const gov = requireGovernor(p);
  const events = await gov.queryFilter(gov.filters.ProposalCreated(), p.record.block || 0);
  const runner = gov.runner as { provider?: import('ethers').Provider } | null;
  const provider = runner?.provider ?? (runner as unknown as import('ethers').Provider);
  const now = (await provider.getBlock('latest'))!.timestamp;
  // Positional: on an ethers Result, `values` is Array.prototype.values.
  const args = (r: readonly unknown[]): CreatedArgs => ({
    proposalId: r[0] as bigint,
    proposer: r[1] as string,
    targets: [...(r[2] as string[])],
    values: [...(r[3] as bigint[])],
    calldatas: [...(r[5] as string[])],
    voteStart: r[6] as bigint,
    voteEnd: r[7] as bigint,
    description: r[8] as string,
  });
  const all = await Promise.all(events.map((e) => describeProposal(gov, args(e.args as unknown as readonly unknown[]), e.blockNumber, now)));
  for (const x of all) x.actions = x.targets.map((t, i) => describeCall(p, t, x.calldatas[i]!));
  return all;
}

/** One proposal by id. */
export async function getProposal(p: Protocol, id: bigint): Promise<ProposalInfo> {
  const all = await listProposals(p);
  const found = all.find((x) => x.id === id);
  if (!found) throw new AbortError(`no proposal ${id} on this chain`, { code: 'UNKNOWN_PROPOSAL', hint: '`flock proposals list` shows the proposals and their ids' });
  return found;
}

type CreatedArgs = {
  proposalId: bigint;
  proposer: string;
  targets: string[];
  values: bigint[];
  calldatas: string[];
  voteStart: bigint;
  voteEnd: bigint;
  description: string;
};

async function describeProposal(gov: FlockGovernor, a: CreatedArgs, block: number, now: number): Promise<ProposalInfo> {
  const id = a.proposalId;
  const [stateIdx, eta, counts, info, quorum] = await Promise.all([
    gov.state(id),
    gov.proposalEta(id),
    gov.proposalVotes(id),
    gov.bondInfo(id),
    gov.quorum(a.voteStart).catch(() => 0n),
  ]);
  const state = PROPOSAL_STATES[Number(stateIdx)]!;
  const p: ProposalInfo = {
    id,
    proposer: a.proposer,
    title: a.description.split('\n')[0]!.replace(/^#\s*/, ''),
    description: a.description,
    targets: [...a.targets],
    values: [...a.values],
    calldatas: [...a.calldatas],
    actions: [],
    descriptionHash: keccakText(a.description),
    state,
    status: '',
    voteStart: Number(a.voteStart),
    voteEnd: Number(a.voteEnd),
    eta: Number(eta),
    votes: { against: counts[0], for: counts[1], abstain: counts[2] },
    quorum,
    bond: info.bond,
    bondStatus: BOND_STATUSES[Number(info.status)]!,
    reward: info.reward,
    rewardClaimed: info.rewardClaimed,
    flagWeight: info.flagWeight,
    flagQuorum: info.flagQuorum,
    createdBlock: block,
  };
  p.status = describeState(p, now);
  return p;
}

/** The state in plain words with its next deadline, relative to chain time `now`. */
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

/** Flags a Pending proposal as spam or a scam. */
export async function flag(p: Protocol, signer: Signer, id: bigint, log?: Logger) {
  const gov = requireGovernor(p);
  const receipt = await sendTx(signer, `flag proposal ${id}`, () => gov.flag(id), log);
  let weight = 0n;
  let totalWeight = 0n;
  let dropped = false;
  for (const l of receipt.logs) {
    const e = safeParse(gov, l);
    if (e?.name === 'ProposalFlagged') {
      weight = e.args[2] as bigint;
      totalWeight = e.args[3] as bigint;
    }
    if (e?.name === 'ProposalDropped') dropped = true;
  }
  const info = await gov.bondInfo(id);
  return { proposalId: id, weight, totalWeight, flagQuorum: info.flagQuorum, dropped, txHash: receipt.hash };
}

/** Votes on an Active proposal; returns the weight counted. */
export async function vote(p: Protocol, signer: Signer, id: bigint, support: Support, reason: string | undefined, log?: Logger) {
  const gov = requireGovernor(p);
  const receipt = await sendTx(signer, `vote on proposal ${id}`, () => gov.castVoteWithReason(id, SUPPORT[support], reason ?? ''), log);
  const cast = receipt.logs.map((l) => safeParse(gov, l)).find((e) => e?.name === 'VoteCast');
  return { proposalId: id, support, weight: cast ? (cast.args[3] as bigint) : 0n, reason: reason ?? '', txHash: receipt.hash };
}

/** Queues a Succeeded proposal in the timelock. */
export async function queue(p: Protocol, signer: Signer, id: bigint, log?: Logger) {
  const gov = requireGovernor(p);
  const x = await getProposal(p, id);
  const receipt = await sendTx(signer, `queue proposal ${id}`, () => gov.queue(x.targets, x.values, x.calldatas, x.descriptionHash), log);
  return { proposalId: id, eta: Number(await gov.proposalEta(id)), txHash: receipt.hash };
}

/** Executes a Queued proposal once its timelock delay has passed. */
export async function execute(p: Protocol, signer: Signer, id: bigint, log?: Logger) {
  const gov = requireGovernor(p);
  const x = await getProposal(p, id);
  const receipt = await sendTx(signer, `execute proposal ${id}`, () => gov.execute(x.targets, x.values, x.calldatas, x.descriptionHash), log);
  return { proposalId: id, txHash: receipt.hash };
}

/**
 * Claims what a proposal owes its proposer: the bond (once out of Pending/Active, unless dropped)
 * and the reward (once Executed). Anyone may call; the FLOCK goes to the proposer.
 */
export async function claim(p: Protocol, signer: Signer, id: bigint, log?: Logger) {
  const gov = requireGovernor(p);
  const [info, state] = await Promise.all([gov.bondInfo(id), gov.state(id)]);
  if (info.status === 0n) throw new AbortError(`no proposal ${id} on this chain`, { code: 'UNKNOWN_PROPOSAL', hint: '`flock proposals list` shows the proposals and their ids' });
  let bond = 0n;
  let reward = 0n;
  const txs: string[] = [];
  const open = state === BigInt(ProposalState.Pending) || state === BigInt(ProposalState.Active);
  if (info.status === 1n && !open) {
    txs.push((await sendTx(signer, `claim the bond of proposal ${id}`, () => gov.claimBond(id), log)).hash);
    bond = info.bond;
  }
  if (state === BigInt(ProposalState.Executed) && info.reward > 0n && !info.rewardClaimed) {
    txs.push((await sendTx(signer, `claim the reward of proposal ${id}`, () => gov.claimReward(id), log)).hash);
    reward = info.reward;
  }
  if (txs.length === 0) {
    const why =
      info.status === 3n ? 'its bond was slashed (the proposal was dropped as spam)' : open ? 'it is still open: the bond returns once the vote is over' : 'its bond and reward were claimed already (or it earns no reward)';
    throw new AbortError(`nothing to claim for proposal ${id}: ${why}`, { code: 'NOTHING_TO_CLAIM', hint: '`flock proposals show <id>` shows its bond and reward' });
  }
  return { proposalId: id, proposer: await gov.proposalProposer(id), bond, reward, txHashes: txs };
}

/** Parses a proposal id (decimal or 0x hex). */
export function parseProposalId(text: string): bigint {
  try {
    if (!/^(0x[0-9a-f]+|\d+)$/i.test(text.trim())) throw new Error();
    return BigInt(text.trim());
  } catch {
    throw usage(`invalid proposal id "${text}"`, '`flock proposals list` shows the proposal ids');
  }
}
