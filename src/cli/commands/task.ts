import { basename, relative } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { MetricName } from '../../engine/metrics.js';
import { createContext, type Context } from '../context.js';
import { nonNegativeInt, positiveInt } from '../parse.js';
import { chainNow, openProtocol } from '../protocol.js';
import { registerWait } from './task-wait.js';
import type { ArenaMetricName } from '../../protocol/arena/index.js';
import type { ProtocolClient } from '../../protocol/client.js';

export interface CreateFlags {
  spec: string;
  stake?: string;
  nodeStake?: string;
  validatorStake?: string;
  fee?: string;
  bounty?: string;
  phase?: string;
  submit?: string;
  reveal?: string;
  scoreCommit?: string;
  scoreReveal?: string;
  tolerance?: string;
}

interface InitFlags {
  label: string;
  out?: string;
  seed: number;
  validation: number;
  metric?: MetricName;
  type?: 'classification' | 'regression';
  name?: string;
  force?: boolean;
}

/** A share strictly between 0 and 1 (`--validation 0.2`). */
function share(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n < 1)) throw new InvalidArgumentError('must be a share between 0 and 1, e.g. 0.2.');
  return n;
}

/** `flock task init|create|list|show|reveal|finalize|claim`: the Arena task lifecycle, as its creator or anyone. */
export function register(program: Command): void {
  const task = program.command('task').description('Arena tasks: create, list, show, reveal the validation set, finalize, claim');

  task
    .command('init')
    .description('make a task folder from your own CSV: infer the schema, split it (seeded, stratified) into train.csv and the hidden validation.csv, write task.yaml with a baseline')
    .argument('<data>', 'a CSV (or JSONL, plain or gzip) with a header line')
    .requiredOption('--label <column>', 'the column to predict')
    .option('--out <dir>', 'task folder (default: ./<data name>-task)')
    .option('--seed <n>', 'seed of the split', nonNegativeInt, 1)
    .option('--validation <share>', 'share of the rows in the hidden validation set', share, 0.2)
    .addOption(new Option('--metric <name>', 'metric (default: accuracy for classification, mse for regression)').choices(['accuracy', 'f1', 'log-loss', 'mse', 'mae']))
    .addOption(new Option('--type <taskType>', 'task type (default: inferred from the label, see below)').choices(['classification', 'regression']))
    .option('--name <name>', 'task name (default: the data file’s name)')
    .option('--force', 'write over task.yaml, train.csv and validation.csv in the folder')
    .addHelpText('after', '\nThe label is a class label when it has text values, or whole numbers with at most 20 distinct values; otherwise a value to predict (regression). Every other column is a feature and must hold numbers.\nThe baseline in task.yaml is the validation score of a model that ignores the features (the training class frequencies, or the training mean): a node must beat it to be paid.\n')
    .action(async (data: string, opts: InitFlags, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { initTask, defaultTaskDir } = await import('../../tasks/init.js');
      const r = await initTask({ data, label: opts.label, out: opts.out ?? defaultTaskDir(data), seed: opts.seed, validationFraction: opts.validation, metric: opts.metric, taskType: opts.type, name: opts.name, force: opts.force });
      const rel = (p: string) => relative(process.cwd(), p) || '.';
      await ctx.output(r, (x) => [
        `${rel(x.source)}: ${x.rows} rows; features (${x.features.length}): ${x.features.length > 8 ? `${x.features.slice(0, 8).join(', ')}, ...` : x.features.join(', ')}`,
        x.classes
          ? `label ${x.label}: classification, ${x.classes.length} classes: ${x.classes.map((c) => `${c.name} ${c.count}`).join(', ')}`
          : `label ${x.label}: regression, from ${x.labelStats!.min} to ${x.labelStats!.max} (mean ${Number(x.labelStats!.mean.toPrecision(6))})`,
        `  because ${x.rule} (--type overrides)`,
        `split (seed ${x.split.seed}, stratified by ${x.classes ? 'class' : 'bins of the sorted label'}): ${x.split.train} rows -> ${rel(x.train)}, ${x.split.validation} hidden rows -> ${rel(x.validation)}`,
        `metric ${x.metric} (${x.direction} is better)${x.tolerance !== undefined ? `, score tolerance ${x.tolerance}` : ''}; baseline ${x.baseline}: ${x.baselineModel} scores ${Number(x.baselineScore.toPrecision(6))} on the validation set, a model must beat it to be paid`,
        `wrote ${rel(x.spec)}: review it, then \`flock task create --spec ${rel(x.spec)}\``,
      ]);
    });

  task
    .command('create')
    .description('create an Arena task from a task.yaml: uploads the training data, keeps the hidden validation set here and commits to it')
    .requiredOption('--spec <file>', 'task spec (task.yaml), e.g. examples/tasks/digits/task.yaml')
    .option('--stake <gmFLOCK>', 'creator stake in gmFLOCK (default: arena.minCreatorStake)')
    .option('--node-stake <gmFLOCK>', 'minimum stake of a training node (default: arena.minStake)')
    .option('--validator-stake <gmFLOCK>', 'minimum stake of a validator (default: arena.minStake)')
    .option('--fee <FLOCK>', 'registration fee of a training node', '0')
    .option('--bounty <FLOCK>', 'FLOCK added to the task’s rewards', '0')
    .option('--phase <duration>', 'length of every phase: 90m, 12h, 3d (default: 1d)')
    .option('--submit <duration>', 'length of the submit phase')
    .option('--reveal <duration>', 'length of the reveal phase')
    .option('--score-commit <duration>', 'length of the score-commit phase')
    .option('--score-reveal <duration>', 'length of the score-reveal phase')
    .option('--tolerance <value>', 'how far (in the metric’s units) a validator’s score may lie from the consensus unslashed; required for mse, mae and log-loss (default: the spec’s metric.tolerance, else arena.validatorTolerance for accuracy and f1)')
    .action(async (opts: CreateFlags, cmd: Command) => {
      const ctx = await createContext(cmd);
      const r = await create(ctx, opts);
      await ctx.output(r, (x) => [
        `task ${x.taskId} created: ${x.name} (${x.metric}, baseline ${x.baseline}, score tolerance ${x.scoreTolerance ?? 'arena.validatorTolerance'})`,
        `training data ${x.trainCID}, manifest ${x.dataCID}`,
        `validation set committed; its CID and salt are saved in ${x.secretsPath} (reveal with \`flock task reveal ${x.taskId}\`)`,
        `tx ${x.txHash}`,
      ]);
    });

  registerWait(task);

  task
    .command('list')
    .description('list the Arena tasks of this chain with their phase')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { describePhase } = await import('../describe.js');
      const { client } = await openProtocol(ctx);
      const now = await chainNow(ctx);
      const tasks = [];
      for (const taskId of await client.arena.getTaskIds()) {
        const t = await client.arena.getTask({ taskId });
        tasks.push({ id: t.id, phase: t.phase, status: describePhase(t, now), metric: t.metric, nodes: t.nodeCount, validators: t.validatorCount, creator: t.creator });
      }
      await ctx.output({ tasks }, (x) =>
        x.tasks.length === 0
          ? 'no tasks yet (create one with `flock task create --spec <task.yaml>`)'
          : x.tasks.map((t) => `#${t.id}  ${t.metric.padEnd(8)} ${String(t.nodes).padStart(3)} nodes ${String(t.validators).padStart(3)} validators  ${t.status}`),
      );
    });

  task
    .command('show')
    .description('a task: phase in plain words with its deadlines, parameters and submissions')
    .argument('<id>', 'task id', positiveInt)
    .action(async (id: number, _opts: unknown, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ describePhase, submissionView }, { formatFlock, formatTimestamp: iso }] = await Promise.all([import('../describe.js'), import('../../units/index.js')]);
      const { client } = await openProtocol(ctx);
      const taskId = BigInt(id);
      const t = await client.arena.getTask({ taskId });
      const now = await chainNow(ctx);
      const [submissions, rewards] = await Promise.all([client.arena.getSubmissions({ taskId }), client.arena.getTaskRewards({ taskId })]);
      const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
      const result = { ...t, status: describePhase(t, now), chainTime: now, rewards, submissions: submissions.map(submissionView) };
      await ctx.output(result, (x) => [
        `task ${x.id}: ${x.status}`,
        `metric ${x.metric} (${x.higherIsBetter ? 'higher' : 'lower'} is better), baseline ${x.baseline}, score tolerance ±${x.scoreTolerance}; model in [${x.inputShape}] -> out [${x.outputShape}], at most ${x.maxParameters} parameters, ${x.maxFileSize} bytes`,
        `data ${x.dataCID}; validation set ${x.validationRevealed ? 'revealed' : 'hidden'}`,
        `submissions close ${iso(x.submitEnd)}, reveals ${iso(x.revealEnd)}, score commits ${iso(x.scoreCommitEnd)}, score reveals ${iso(x.scoreRevealEnd)}`,
        `creator ${x.creator} staked ${formatFlock(x.creatorStake, { symbol: 'gmFLOCK' })}; node min ${formatFlock(x.minNodeStake, { symbol: 'gmFLOCK' })} + fee ${formatFlock(x.registrationFee)}, validator min ${formatFlock(x.minValidatorStake, { symbol: 'gmFLOCK' })}`,
        `${x.nodeCount} nodes (${x.revealedCount} revealed), ${x.validatorCount} validators (${x.committerCount} committed scores${x.unusableWeight > 0n ? `, ${formatFlock(x.unusableWeight, { symbol: 'gmFLOCK' })} of ${formatFlock(x.committedWeight, { symbol: 'gmFLOCK' })} rejected the validation set` : ''}); emission so far ${formatFlock(x.accruedEmission)}`,
        x.rewards.fixed
          ? `rewards fixed: nodes ${formatFlock(x.rewards.nodeReward)}, validators ${formatFlock(x.rewards.validatorReward)}, creator ${formatFlock(x.rewards.creatorReward)} (gamma ${x.rewards.rules.gamma})`
          : `rewards split nodes ${pct(x.rewards.nodeShare)} / validators ${pct(1 - x.rewards.nodeShare)} at the stakes so far (gamma ${x.rewards.rules.gamma}, fixed at creation)`,
        ...x.submissions.map(
          (s) =>
            `  #${s.id} ${s.account} ${s.status}${s.status === 'ranked' ? ` rank ${(s.rank ?? 0) + 1}` : ''}${['eligible', 'ranked', 'below-baseline'].includes(s.status) ? ` score ${s.consensus}` : ''}${s.slashed ? ' (slashed)' : ''}${s.modelCID ? ` ${s.modelCID}` : ''}`,
        ),
      ]);
    });

  task
    .command('reveal')
    .description('as the creator, reveal the validation set from the secrets saved by `flock task create`')
    .argument('<id>', 'task id', positiveInt)
    .action(async (id: number, _opts: unknown, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { client } = await openProtocol(ctx, { sign: true });
      await publishValidationSet(ctx, client, BigInt(id));
      const r = await client.arena.revealValidationSet({ taskId: BigInt(id), home: ctx.config.home });
      await ctx.output(r, (x) => (x.alreadyRevealed ? `task ${x.taskId}: the validation set was already revealed (${x.validationCID})` : [`task ${x.taskId}: validation set ${x.validationCID} revealed`, `tx ${x.txHash}`]));
    });

  task
    .command('finalize')
    .description('settle a scored task: consensus, slashing and ranking, in batches until it is finalized (anyone may)')
    .argument('<id>', 'task id', positiveInt)
    .option('--batch <n>', 'submissions per transaction', positiveInt, 50)
    .action(async (id: number, opts: { batch: number }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { client } = await openProtocol(ctx, { sign: true });
      const r = await client.arena.finalizeTask({ taskId: BigInt(id), batch: opts.batch });
      await ctx.output(r, (x) => `task ${x.taskId}: ${x.phase} after ${x.batches} transaction${x.batches === 1 ? '' : 's'}`);
    });

  task
    .command('claim')
    .description('claim your stake, rewards and refunds of a finalized or cancelled task (every role you held)')
    .argument('<id>', 'task id', positiveInt)
    .action(async (id: number, _opts: unknown, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { formatFlock } = await import('../../units/index.js');
      const { client } = await openProtocol(ctx, { sign: true });
      const r = await client.arena.claimTask({ taskId: BigInt(id) });
      await ctx.output(r, (x) => [
        `task ${x.taskId}: reward ${formatFlock(x.reward)}${x.poolReward > 0n ? ` (+ ${formatFlock(x.poolReward)} to your pool)` : ''}, stake back ${formatFlock(x.stake, { symbol: 'gmFLOCK' })}${x.refund > 0n ? `, refund ${formatFlock(x.refund)}` : ''}`,
        `tx ${x.txHash}`,
      ]);
    });
}

/**
 * `flock task create` as a function (`flock demo`'s creator calls it too): checks the spec and
 * both data files, uploads the training data and the manifest, keeps the validation set here,
 * and creates the task with its commitment.
 */
export async function create(ctx: Context, opts: CreateFlags) {
  const [{ loadTaskSpec, checkTaskData }, { EngineError }, { buildManifest, encodeManifest }, { parseFlock, parseDuration }, { openContextStore }, { AbortError }, { keepValidationSet }, { scoreToleranceWad }] = await Promise.all([
    import('../../engine/task.js'),
    import('../../engine/errors.js'),
    import('../../tasks/manifest.js'),
    import('../../units/index.js'),
    import('../storage.js'),
    import('../../errors/index.js'),
    import('../../tasks/secrets.js'),
    import('../../protocol/arena/index.js'),
  ]);
  let loaded;
  try {
    loaded = await loadTaskSpec(opts.spec);
  } catch (cause) {
    throw new AbortError((cause as Error).message, { code: 'BAD_TASK_SPEC', hint: 'see examples/tasks/*/task.yaml', cause });
  }
  const { spec, files } = loaded;
  // The score tolerance (the contract's ArenaBadTolerance) before anything is checked, uploaded or sent.
  let tolerance = spec.metric.tolerance;
  if (opts.tolerance !== undefined) {
    tolerance = Number(opts.tolerance);
    if (opts.tolerance.trim() === '' || !Number.isFinite(tolerance)) {
      throw new AbortError(`--tolerance ${opts.tolerance} is not a number`, { code: 'SCORE_TOLERANCE', hint: `a positive number of ${spec.metric.name} units, e.g. --tolerance 0.02` });
    }
  }
  scoreToleranceWad(spec.metric.name as ArenaMetricName, tolerance);
  if (!files.validation) {
    throw new AbortError(`${opts.spec} names no hidden validation file (data.validation)`, { code: 'BAD_TASK_SPEC', hint: 'split the data into train and validation files first' });
  }
  // Both files, streamed, against the schema and the contract: before anything is uploaded or
  // sent, so bad data never costs the creator's stake nor the stake of those who would join.
  try {
    await checkTaskData(spec, { train: files.train, validation: files.validation });
  } catch (cause) {
    if (!(cause instanceof EngineError)) throw cause;
    const file = [files.train, files.validation].find((f) => cause.message.startsWith(f)) ?? opts.spec;
    throw new AbortError(cause.message, { code: 'BAD_TASK_DATA', hint: `fix ${file} (or the schema in ${opts.spec}) and run \`flock task create\` again; nothing was uploaded or sent`, cause });
  }
  const seconds = (v: string | undefined, what: string): bigint | undefined => {
    if (v === undefined) return undefined;
    const s = parseDuration(v);
    if (s === undefined || s <= 0) throw new AbortError(`--${what} ${v} is not a duration`, { code: 'USAGE', hint: 'e.g. 90m, 12h, 3d' });
    return BigInt(s);
  };
  const every = seconds(opts.phase, 'phase') ?? 86_400n;
  const durations = {
    submit: seconds(opts.submit, 'submit') ?? every,
    reveal: seconds(opts.reveal, 'reveal') ?? every,
    scoreCommit: seconds(opts.scoreCommit, 'score-commit') ?? every,
    scoreReveal: seconds(opts.scoreReveal, 'score-reveal') ?? every,
  };
  const { client } = await openProtocol(ctx, { sign: true });
  const amount = (v: string | undefined, what: string) => (v === undefined ? undefined : parseFlock(v, { what, allowZero: true }));
  const minStake = await client.governance.getParam({ name: 'arena.minStake' });
  const creatorStake = amount(opts.stake, 'creator stake') ?? (await client.governance.getParam({ name: 'arena.minCreatorStake' }));

  const store = await openContextStore(ctx);
  let trainCID: string;
  let validationCID: string;
  let dataCID: string;
  try {
    trainCID = await store.putFile(files.train);
    // The hidden set stays on this machine until `flock task reveal` (tasks/secrets.ts).
    validationCID = keepValidationSet(ctx.config.home, client.record.chainId, files.validation);
    dataCID = await store.put(encodeManifest(buildManifest(spec, trainCID, basename(files.train))));
  } finally {
    await store.close();
  }
  ctx.log.info({ trainCID, dataCID }, 'training data and task manifest uploaded');
  const r = await client.arena.createTask({
    dataCID,
    validationCID,
    metric: spec.metric.name as ArenaMetricName,
    inputShape: spec.contract.inputShape,
    outputShape: spec.contract.outputShape,
    maxParameters: BigInt(spec.contract.maxParams),
    maxFileSize: BigInt(spec.contract.maxBytes),
    baseline: spec.baseline ?? 0,
    scoreTolerance: tolerance,
    durations,
    creatorStake,
    minNodeStake: amount(opts.nodeStake, 'node stake') ?? minStake,
    minValidatorStake: amount(opts.validatorStake, 'validator stake') ?? minStake,
    registrationFee: amount(opts.fee, 'fee') ?? 0n,
    bounty: amount(opts.bounty, 'bounty') ?? 0n,
    home: ctx.config.home,
  });
  return {
    taskId: r.taskId,
    name: spec.name,
    metric: spec.metric.name,
    baseline: spec.baseline ?? 0,
    scoreTolerance: tolerance,
    dataCID,
    trainCID,
    commitment: r.commitment,
    secretsPath: r.secretsPath,
    txHash: r.txHash,
  };
}

/**
 * Puts the kept validation set in the store right before its reveal, and only in the reveal phase
 * (in another phase the reveal reverts with the contract's reason and nothing is published). A
 * set already in the store (tasks created before it was kept locally) needs nothing.
 */
export async function publishValidationSet(ctx: Context, client: ProtocolClient, taskId: bigint): Promise<void> {
  const [{ readSecrets, keptValidationPath }, { Phase }, { existsSync }, { openContextStore }, { AbortError }] = await Promise.all([
    import('../../tasks/secrets.js'),
    import('../../protocol/arena/index.js'),
    import('node:fs'),
    import('../storage.js'),
    import('../../errors/index.js'),
  ]);
  if ((await client.arena.getPhase({ taskId })) !== Phase.Reveal) return;
  const s = readSecrets(ctx.config.home, client.record.chainId, taskId);
  const file = keptValidationPath(ctx.config.home, client.record.chainId, s.validationCID);
  const store = await openContextStore(ctx);
  try {
    if (existsSync(file)) await store.putFile(file, { expectedCid: s.validationCID });
    else if (!(await store.has(s.validationCID))) {
      throw new AbortError(`the validation set ${s.validationCID} of task ${taskId} is neither kept at ${file} nor in the store`, {
        code: 'NO_TASK_SECRETS',
        hint: 'restore the file (its sha256 is in the CID) or `flock store put` it, then reveal again',
      });
    }
    ctx.log.info({ taskId: taskId.toString(), validationCID: s.validationCID }, 'validation set put in the store for its reveal');
  } finally {
    await store.close();
  }
}
