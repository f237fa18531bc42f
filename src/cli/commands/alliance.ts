import { Option, type Command } from 'commander';
import type { TaskSpec } from '../../engine/task.js';
import { createContext, type Context } from '../context.js';
import { pollSeconds, runDaemonCommand } from '../daemon.js';
import { positiveInt } from '../parse.js';
import { chainNow, openProtocol } from '../protocol.js';

/** `flock alliance create|join|list|show|status|wait|settle|claim|leave`: FL Alliance tasks, as creator, participant or anyone. */
export function register(program: Command): void {
  const alliance = program.command('alliance').description('FL Alliance tasks: federated rounds on private data, drawn by verifiable randomness');

  alliance
    .command('create')
    .description('create an Alliance task from an alliance.yaml: puts the initial model and the public spec in the store, stakes and funds the reward pool')
    .requiredOption('--spec <file>', 'the task (alliance.yaml), e.g. examples/alliance/alliance.yaml')
    .action(async (opts: { spec: string }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const r = await create(ctx, opts.spec);
      await ctx.output(r, (x) => [
        `Alliance task ${x.taskId} created: ${x.name}, ${x.rounds} rounds of ${x.proposers} proposers, rule ${x.rule}`,
        `initial model ${x.initialModelCID}, spec ${x.specCID}`,
        `joining is open until ${new Date(x.joinEnd * 1000).toISOString()}; nodes join with \`flock alliance join --task ${x.taskId} --data <file>\``,
        `tx ${x.txHash}`,
      ]);
    });

  alliance
    .command('join')
    .description('node daemon: join an Alliance task with your private data and take your role every round (train and propose, or aggregate, score and vote); restart-safe')
    .requiredOption('--task <id>', 'Alliance task id', positiveInt)
    .requiredOption('--data <file>', 'your private data (CSV or JSONL, plain or gzip, in the task\'s schema); it never leaves this machine')
    .option('--stake <gmFLOCK>', 'stake in gmFLOCK (default: the task\'s minimum)')
    .option('--epochs <n>', 'local epochs per round', positiveInt, 1)
    .addOption(new Option('--backend <name>', 'training backend (auto: the best one present)').choices(['auto', 'node-gpu', 'node', 'wasm', 'cpu']).default('auto'))
    .option('--until-round <n>', 'stop once this round is settled (default: the task\'s end)', positiveInt)
    .option('--poll <seconds>', 'seconds between polls of the chain', pollSeconds, 5)
    .addHelpText(
      'after',
      '\nYour data is split once (seeded by your account) into a local train and test part under <home>/daemons/work/; only model weights trained on it are ever uploaded.\nLogs: on a terminal, a live view (round, role, phase countdown, local loss, the global model\'s score by round as a chart), with the logs in <home>/logs/; otherwise NDJSON on stdout (FLOCK_NO_TTY_UI=1 forces it); with --json, logs go to stderr and stdout gets the result.\nState: <home>/daemons/alliance-<chainId>-<task>-<account>.json (salts are saved before each commit is sent).\nExit codes: 0 done or stopped by SIGTERM/SIGINT, 2 bad flags or a changed --data file, 3 RPC unreachable at start, 7 reverted.\n',
    )
    .action(async (opts: { task: number; data: string; stake?: string; epochs: number; backend: string; untilRound?: number; poll: number }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ runAllianceNode }, { parseFlock }, { existsSync }, { AbortError }] = await Promise.all([
        import('../../daemons/alliance/node.js'),
        import('../../units/index.js'),
        import('node:fs'),
        import('../../errors/index.js'),
      ]);
      // Before anything connects or stakes.
      if (!existsSync(opts.data)) throw new AbortError(`no data file ${opts.data}`, { code: 'USAGE', hint: 'pass your private data with --data <file>' });
      const stake = opts.stake ? parseFlock(opts.stake, { what: 'stake' }) : 0n;
      await runDaemonCommand(ctx, {
        command: 'alliance join',
        role: 'alliance',
        task: opts.task,
        poll: opts.poll,
        run: (deps, taskId) =>
          runAllianceNode({ ...deps, taskId, data: opts.data, stake, epochs: opts.epochs, backend: opts.backend as 'auto', ...(opts.untilRound ? { untilRound: opts.untilRound } : {}) }),
      });
    });

  alliance
    .command('list')
    .description('list the Alliance tasks of this chain with their status and round')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { client } = await openProtocol(ctx);
      const tasks = [];
      const count = await client.alliance.getAllianceTaskCount();
      for (let taskId = 1n; taskId <= count; taskId++) {
        const t = await client.alliance.getAllianceTask({ taskId });
        tasks.push({ id: t.id, status: t.status, round: t.round, rounds: t.spec.rounds, accepted: t.roundsAccepted, participants: t.participantCount, rule: t.spec.rule, metric: t.spec.metric });
      }
      await ctx.output({ tasks }, (x) =>
        x.tasks.length === 0
          ? 'no Alliance tasks yet (create one with `flock alliance create --spec <alliance.yaml>`)'
          : x.tasks.map((t) => `#${t.id}  ${t.status.padEnd(9)} round ${t.round}/${t.rounds} (${t.accepted} accepted)  ${String(t.participants).padStart(3)} participants  ${t.rule} on ${t.metric}`),
      );
    });

  alliance
    .command('show')
    .description('a task: status, the global model\'s score by round, and each participant\'s rewards and slashes')
    .argument('<id>', 'task id', positiveInt)
    .action(async (id: number, _opts: unknown, cmd: Command) => {
      const ctx = await createContext(cmd);
      const r = await show(ctx, BigInt(id));
      const { formatFlock } = await import('../../units/index.js');
      await ctx.output(r, (x) => [
        `Alliance task ${x.task.id}: ${x.task.status}, round ${x.task.round}/${x.task.spec.rounds} (${x.task.roundsAccepted} accepted), chain time ${new Date(x.chainTime * 1000).toISOString()}`,
        `rule ${x.task.spec.rule}${x.task.spec.f ? ` (f ${x.task.spec.f}${x.task.spec.m ? `, m ${x.task.spec.m}` : ''})` : ''}, ${x.task.spec.proposersPerRound} proposers a round, metric ${x.task.spec.metric}; privacy ${x.task.spec.clipNorm > 0n ? 'on' : 'off'}`,
        `global model ${x.task.globalModelCID}`,
        `reward pool ${formatFlock(x.task.funded)} + emission ${formatFlock(x.task.emissionEarned)}, allocated ${formatFlock(x.task.allocated)}`,
        ...(x.rounds.length ? ['', 'ROUND  PHASE           RESULT    VOTES (improved / voter stake)   SCORE (median of voters)   AGGREGATE'] : []),
        ...x.rounds.map(
          (r) =>
            `${String(r.round).padEnd(6)} ${r.phase.padEnd(15)} ${(r.phase === 'settled' ? (r.accepted ? 'accepted' : 'failed') : '-').padEnd(9)} ${`${formatFlock(r.improvedStake, { symbol: false })} / ${formatFlock(r.voterStake, { symbol: false })}`.padEnd(32)} ${(r.score === null ? '-' : r.score.toFixed(4)).padEnd(26)} ${r.aggregateCID || '-'}`,
        ),
        ...(x.participants.length ? ['', 'PARTICIPANT                                  STAKE        EARNED       SLASHED   STATE'] : []),
        ...x.participants.map(
          (p) => `${p.account}   ${formatFlock(p.ownStake + p.poolStake, { symbol: false }).padEnd(12)} ${formatFlock(p.rewardEarned, { symbol: false }).padEnd(12)} ${formatFlock(p.slashed, { symbol: false }).padEnd(9)} ${p.active ? (p.leaving ? 'leaving' : 'active') : 'left'}`,
        ),
      ]);
    });

  alliance
    .command('status')
    .description('this account in a task: its role this round, what it is owed, its stake')
    .argument('<id>', 'task id', positiveInt)
    .action(async (id: number, _opts: unknown, cmd: Command) => {
      const ctx = await createContext(cmd);
      const taskId = BigInt(id);
      const { client, account } = await openProtocol(ctx);
      const t = await client.alliance.getAllianceTask({ taskId });
      const [member, claimable, role] = await Promise.all([
        client.alliance.getAllianceMember({ taskId, account }),
        client.alliance.getAllianceClaimable({ taskId, account }),
        t.round > 0 ? client.alliance.getAllianceRole({ taskId, round: t.round, account }) : Promise.resolve({ role: 'none' as const, index: 0 }),
      ]);
      const { formatFlock } = await import('../../units/index.js');
      await ctx.output({ taskId, account, status: t.status, round: t.round, role: role.role, member, claimable }, (x) => [
        `${x.account} in Alliance task ${x.taskId} (${x.status}, round ${x.round}): ${x.member.active ? `${x.member.leaving ? 'leaving' : 'active'}, ${x.role === 'none' ? 'no role this round' : `${x.role} this round`}` : x.member.joinedAt ? 'left' : 'not joined'}`,
        `stake ${formatFlock(x.member.ownStake)} (+ pool ${formatFlock(x.member.poolStake)}); earned ${formatFlock(x.member.rewardEarned)}, slashed ${formatFlock(x.member.slashed)}`,
        `claimable: ${formatFlock(x.claimable.reward + x.claimable.refund)}${x.claimable.stake ? ` and ${formatFlock(x.claimable.stake, { symbol: 'gmFLOCK' })} of stake` : ''}${x.claimable.reward + x.claimable.refund + x.claimable.stake > 0n ? ` (\`flock alliance claim ${x.taskId}\`)` : ''}`,
      ]);
    });

  alliance
    .command('wait')
    .description('wait until every participant has done what the current round\'s phase asks (before `flock devnet warp` in a script)')
    .argument('<id>', 'task id', positiveInt)
    .option('--participants <n>', 'while joining, wait for at least this many participants (default: the task\'s minimum)', positiveInt)
    .option('--timeout <duration>', 'give up after this long (exit 8)', '10m')
    .option('--poll <duration>', 'how often to read the chain', '1s')
    .action(async (id: number, opts: { participants?: number; timeout: string; poll: string }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const r = await wait(ctx, BigInt(id), opts);
      await ctx.output(r, (x) => `Alliance task ${x.taskId}: ${x.status}${x.round ? `, round ${x.round} ${x.phase}` : ''}; ${x.summary}${x.phaseEndsIn !== null ? `; the phase ends in ${x.phaseEndsIn} s` : ''}`);
    });

  alliance
    .command('settle')
    .description('settle the current round once its last phase is over (anyone may), in batches until done')
    .argument('<id>', 'task id', positiveInt)
    .option('--batch <n>', 'participants settled per transaction', positiveInt, 64)
    .action(async (id: number, opts: { batch: number }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const taskId = BigInt(id);
      const { client } = await openProtocol(ctx, { sign: true });
      const before = await client.alliance.getAllianceTask({ taskId });
      const { txHashes } = await client.alliance.settleRound({ taskId, batch: opts.batch });
      const r = before.round > 0 ? await client.alliance.getAllianceRound({ taskId, round: before.round }) : undefined;
      const result = { taskId, round: before.round, settled: txHashes.length > 0, accepted: r?.accepted ?? false, aggregateCID: r?.aggregateCID ?? '', txHashes };
      await ctx.output(result, (x) =>
        x.settled
          ? `round ${x.round} of task ${x.taskId} settled (${x.txHashes.length} tx): ${x.accepted ? `accepted, global model ${x.aggregateCID}` : 'failed, the global model stays'}`
          : `round ${x.round} of task ${x.taskId} is not awaiting settlement (\`flock alliance show ${x.taskId}\`)`,
      );
    });

  alliance
    .command('claim')
    .description('claim your rewards (and your stake once you have left or the task has ended; the creator\'s refund after the end)')
    .argument('<id>', 'task id', positiveInt)
    .action(async (id: number, _opts: unknown, cmd: Command) => {
      const ctx = await createContext(cmd);
      const taskId = BigInt(id);
      const { client, account } = await openProtocol(ctx, { sign: true });
      const owed = await client.alliance.getAllianceClaimable({ taskId, account });
      const { txHash } = await client.alliance.claimAlliance({ taskId });
      const { formatFlock } = await import('../../units/index.js');
      await ctx.output({ taskId, account, ...owed, txHash }, (x) => [
        `claimed from Alliance task ${x.taskId}: ${formatFlock(x.reward - x.poolReward + x.refund)}${x.poolReward ? ` (+ ${formatFlock(x.poolReward)} into your pool)` : ''}${x.stake ? `, ${formatFlock(x.stake, { symbol: 'gmFLOCK' })} of stake` : ''}`,
        `tx ${x.txHash}`,
      ]);
    });

  alliance
    .command('leave')
    .description('leave a task: at once between rounds, else after the current round (you still hold your role in it)')
    .argument('<id>', 'task id', positiveInt)
    .action(async (id: number, _opts: unknown, cmd: Command) => {
      const ctx = await createContext(cmd);
      const taskId = BigInt(id);
      const { client, account } = await openProtocol(ctx, { sign: true });
      const { txHash } = await client.alliance.leaveAlliance({ taskId });
      const m = await client.alliance.getAllianceMember({ taskId, account });
      await ctx.output({ taskId, account, left: !m.active, txHash }, (x) =>
        x.left ? `left Alliance task ${x.taskId}; claim your stake with \`flock alliance claim ${x.taskId}\`` : `leaving Alliance task ${x.taskId} after the current round (keep your node running until it settles)`,
      );
    });
}

/** `flock alliance wait`: polls the task's progress until its phase's work is done (see allianceReady). */
async function wait(ctx: Context, taskId: bigint, opts: { participants?: number; timeout: string; poll: string }) {
  const [{ parseDuration }, { allianceReady, allianceDeadline }, { AbortError }] = await Promise.all([
    import('../../units/index.js'),
    import('../../protocol/alliance/index.js'),
    import('../../errors/index.js'),
  ]);
  const timeoutMs = parseDuration(opts.timeout, '--timeout') * 1000;
  const pollMs = Math.max(parseDuration(opts.poll, '--poll'), 0.1) * 1000;
  const { client } = await openProtocol(ctx);
  const started = Date.now();
  let last = '';
  for (;;) {
    const p = await client.alliance.getAllianceProgress({ taskId });
    const { ready, awaiting } = allianceReady(p, opts.participants ? { participants: opts.participants } : {});
    const where = `${p.task.status}${p.round ? `, round ${p.round.round} ${p.round.phase}` : ''}`;
    if (ready) {
      const end = allianceDeadline(p);
      const summary = p.round
        ? `${p.proposers.committed}/${p.proposers.total} updates committed, ${p.proposers.revealed} revealed; ${p.voters.committed}/${p.voters.total} votes committed, ${p.voters.revealed} revealed`
        : `${p.participants} participants`;
      return { taskId: taskId.toString(), status: p.task.status, round: p.round?.round ?? 0, phase: p.round?.phase ?? null, participants: p.participants, proposers: p.proposers, voters: p.voters, summary, waitedMs: Date.now() - started, phaseEndsIn: end === undefined ? null : Math.max(0, end - p.now) };
    }
    const now = awaiting.join(', ');
    if (now !== last) ctx.log.info({ task: taskId.toString(), where, awaiting }, `waiting for ${now}`);
    last = now;
    if (Date.now() - started > timeoutMs) {
      throw new AbortError(`Alliance task ${taskId} (${where}): still waiting for ${now} after ${opts.timeout}`, {
        code: 'WAIT_TIMEOUT',
        hint: `are the nodes running (\`flock alliance join\`) and, on the devnet, its VRF fulfiller (\`flock devnet status\`)? \`flock alliance show ${taskId}\`; --timeout waits longer`,
      });
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** The round's median voter score of the aggregate (from the revealed votes), for `show`. */
function medianScore(scores: number[]): number | null {
  if (scores.length === 0) return null;
  const s = [...scores].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** `flock alliance show`: the task, its rounds with the voters' median score, its participants. */
export async function show(ctx: Context, taskId: bigint) {
  const { client } = await openProtocol(ctx);
  const { fromWad } = await import('../../units/index.js');
  const task = await client.alliance.getAllianceTask({ taskId });
  const chainTime = await chainNow(ctx);
  const alliance = client.contracts.alliance!;
  const revealed = await alliance.queryFilter(alliance.filters.VoteRevealed(taskId));
  const rounds = [];
  for (let round = 1; round <= task.round; round++) {
    const r = await client.alliance.getAllianceRound({ taskId, round });
    const scores = revealed.filter((e) => Number(e.args.round) === round && e.args.aggregateCID === r.aggregateCID).map((e) => fromWad(e.args.newScore));
    rounds.push({ ...r, score: medianScore(scores) });
  }
  const settled = await alliance.queryFilter(alliance.filters.ParticipantSettled(taskId));
  const accounts = [...new Set([...(await client.alliance.getAllianceParticipants({ taskId })).map((p) => p.account), ...settled.map((e) => e.args.account)])];
  const participants = await Promise.all(accounts.map(async (account) => ({ account, ...(await client.alliance.getAllianceMember({ taskId, account })) })));
  return { task, chainTime, rounds, participants };
}

/** `flock alliance create`: reads alliance.yaml and its task.yaml, stores the initial model and the public spec, creates the task. */
export async function create(ctx: Context, specFile: string) {
  const [{ loadAllianceSpec, buildAllianceManifest, encodeAllianceManifest }, { loadTaskSpec }, { isRuleName, RULE_NAMES }, { AbortError }, { openContextStore }] = await Promise.all([
    import('../../tasks/alliance-spec.js'),
    import('../../engine/task.js'),
    import('../../fl/strategies/index.js'),
    import('../../errors/index.js'),
    import('../storage.js'),
  ]);
  const spec = loadAllianceSpec(specFile);
  if (!isRuleName(spec.rule)) throw new AbortError(`${specFile}: unknown aggregation rule ${spec.rule}`, { code: 'BAD_TASK_SPEC', hint: `aggregation.rule is one of ${RULE_NAMES.join(', ')}` });
  let loaded;
  try {
    loaded = await loadTaskSpec(spec.taskFile);
  } catch (cause) {
    throw new AbortError((cause as Error).message, { code: 'BAD_TASK_SPEC', hint: `fix the task spec ${specFile} names (task:)`, cause });
  }
  const trainer = loaded.spec.trainer;
  if (!trainer) throw new AbortError(`${spec.taskFile} has no trainer section: every node trains the architecture it names`, { code: 'BAD_TASK_SPEC', hint: 'see examples/tasks/digits/task.yaml (trainer.model)' });
  const initialBytes = await initialModelBytes(spec.initialModel, loaded.files.train, loaded.spec.schema, trainer);
  const { client } = await openProtocol(ctx, { sign: true });
  const store = await openContextStore(ctx);
  let initialModelCID: string;
  let specCID: string;
  try {
    initialModelCID = 'cid' in spec.initialModel ? spec.initialModel.cid : await store.put(initialBytes!);
    specCID = await store.put(encodeAllianceManifest(buildAllianceManifest(loaded.spec)));
  } finally {
    await store.close();
  }
  const r = await client.alliance.createAllianceTask({
    initialModelCID,
    specCID,
    metric: loaded.spec.metric.name as Parameters<typeof client.alliance.createAllianceTask>[0]['metric'],
    rounds: spec.rounds,
    proposersPerRound: spec.proposersPerRound,
    minParticipants: spec.minParticipants,
    maxParticipants: spec.maxParticipants,
    durations: spec.durations,
    minStake: spec.minStake,
    creatorStake: spec.creatorStake,
    rewardPool: spec.rewardPool,
    rule: spec.rule,
    f: spec.f,
    m: spec.m,
    beta: spec.beta,
    clipNorm: spec.clipNorm,
    noiseMultiplier: spec.noiseMultiplier,
    maxUpdateNorm: spec.maxUpdateNorm,
    fromArena: spec.fromArena,
  });
  const t = await client.alliance.getAllianceTask({ taskId: r.taskId });
  return { taskId: r.taskId, name: loaded.spec.name, rounds: spec.rounds, proposers: spec.proposersPerRound, rule: spec.rule, initialModelCID: t.globalModelCID, specCID, joinEnd: t.joinEnd, txHash: r.txHash };
}

/** The initial model's ONNX bytes: the named file, or seeded weights built from the task's training data (none for a CID). */
async function initialModelBytes(source: { file: string } | { cid: string } | { build: true }, data: string, schema: TaskSpec['schema'], trainerConfig: NonNullable<TaskSpec['trainer']>) {
  if ('cid' in source) return undefined;
  if ('file' in source) {
    const { readFileSync } = await import('node:fs');
    return new Uint8Array(readFileSync(source.file));
  }
  const { initialModel, exportOnnx } = await import('../../engine/index.js');
  // As `flock fl simulate`'s round 0: the spec's architecture, seed 1, the data's normalisation.
  const { earlyStopping: _es, ...trainer } = trainerConfig;
  const model = await initialModel({ data, schema, config: { ...trainer, epochs: 1, validationFraction: 0, seed: 1 } });
  try {
    return exportOnnx(model);
  } finally {
    model.dispose();
  }
}
