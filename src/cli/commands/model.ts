import type { Command } from 'commander';
import { AbortError } from '../../errors/index.js';
import { createContext, type Context } from '../context.js';
import { positiveInt } from '../parse.js';

interface CheckFlags {
  spec?: string;
  task?: number;
  data?: string;
}

/**
 * `flock model check <file.onnx>`: a model against a task's contract and scored on its training
 * data, as validators would score it on the hidden set, without staking anything: for a model
 * trained elsewhere (PyTorch, scikit-learn; docs/MODELS.md) before `flock train --model`.
 */
export function register(program: Command): void {
  const model = program.command('model').description('ONNX models: check one against a task before staking');
  model
    .command('check')
    .description('check an ONNX model against a task’s contract and score it on the task’s training data (nothing is staked or sent)')
    .argument('<file>', 'the ONNX model')
    .option('--spec <task.yaml>', 'a task spec (e.g. written by `flock task init`)')
    .option('--task <id>', 'a live Arena task instead: its published manifest and training data', positiveInt)
    .option('--data <file>', 'score on this file instead of the training data (with --spec), e.g. the validation set')
    .addHelpText('after', '\nExit codes: 0 the model is valid (its score is printed), 2 bad flags or files, 9 the model breaks the contract (the reason says what to change).\n')
    .action(async (file: string, opts: CheckFlags, cmd: Command) => {
      const ctx = await createContext(cmd);
      const r = await check(ctx, file, opts);
      await ctx.output(r, (x) => [
        `${x.file}: valid for ${x.task}: input '${x.input}' -> output '${x.output}', ${x.parameterCount} parameters, ${x.bytes} bytes`,
        `${x.metric} ${x.score} on ${x.samples} rows of ${x.data} (${x.direction} is better)${x.baseline !== undefined ? `; the task's baseline is ${x.baseline}: ${x.beatsBaseline ? 'beaten' : 'NOT beaten (a node is paid only above it)'}` : ''}`,
      ]);
    });
}

async function check(ctx: Context, file: string, opts: CheckFlags) {
  if ((opts.spec === undefined) === (opts.task === undefined)) {
    throw new AbortError('pass either --spec <task.yaml> or --task <id>', { code: 'USAGE', hint: 'e.g. flock model check model.onnx --spec my-task/task.yaml' });
  }
  if (opts.data && !opts.spec) throw new AbortError('--data goes with --spec', { code: 'USAGE', hint: 'a live task is checked on its published training data' });
  const [{ modelFileReadable }, engine, { readFile }] = await Promise.all([import('../../daemons/arena/check.js'), import('../../engine/index.js'), import('node:fs/promises')]);
  await modelFileReadable(file);
  const { spec, data, task } = opts.spec ? await fromSpec(opts.spec, opts.data) : await fromTask(ctx, BigInt(opts.task!));
  const bytes = new Uint8Array(await readFile(file));
  const ev = await engine.evaluateModel(bytes, { contract: spec.contract, metric: spec.metric.name, data, schema: spec.schema });
  if (!ev.valid) {
    throw new AbortError(`${file} fails ${task}'s model contract: ${ev.reason}`, {
      code: 'MODEL_INVALID',
      hint: `the model must take float32 [N, ${spec.contract.inputShape.join(', ')}] and give float32 [N, ${spec.contract.outputShape.join(', ')}]${spec.schema.taskType === 'classification' ? ' class probabilities' : ''}: see docs/MODELS.md`,
    });
  }
  const summary = engine.inspectOnnx(bytes);
  const baseline = spec.baseline;
  return {
    file,
    task,
    data,
    valid: true,
    input: summary.inputs[0]!.name,
    output: engine.pickOutput(summary.outputs)!.name,
    metric: ev.metric,
    direction: ev.direction,
    score: ev.score,
    metrics: ev.metrics,
    samples: ev.samples,
    ...(baseline !== undefined ? { baseline, beatsBaseline: engine.isBetter(ev.metric, ev.score, baseline) } : {}),
    parameterCount: ev.parameterCount,
    bytes: ev.bytes,
    sha256: ev.sha256,
  };
}

async function fromSpec(specFile: string, dataFile: string | undefined) {
  const { loadTaskSpec } = await import('../../engine/task.js');
  let loaded;
  try {
    loaded = await loadTaskSpec(specFile);
  } catch (cause) {
    throw new AbortError((cause as Error).message, { code: 'BAD_TASK_SPEC', hint: 'see examples/tasks/*/task.yaml, or write one with `flock task init`', cause });
  }
  return { spec: loaded.spec, data: dataFile ?? loaded.files.train, task: specFile };
}

/** A live task: its manifest and training data, fetched (verified by CID) into a temporary folder. */
async function fromTask(ctx: Context, taskId: bigint) {
  const [{ openProtocol }, { openContextStore }, { fetchManifest }, { mkdtempSync }, { tmpdir }, { join }] = await Promise.all([
    import('../protocol.js'),
    import('../storage.js'),
    import('../../tasks/manifest.js'),
    import('node:fs'),
    import('node:os'),
    import('node:path'),
  ]);
  const { client } = await openProtocol(ctx);
  const info = await client.arena.getTaskInfo({ taskId });
  const store = await openContextStore(ctx);
  try {
    const manifest = await fetchManifest(store, info.dataCID);
    const data = join(mkdtempSync(join(tmpdir(), 'flock-model-check-')), manifest.trainName.replace(/[^\w.-]/g, '_') || 'train.data');
    await store.getToFile(manifest.train, data);
    return { spec: manifest.spec, data, task: `task ${taskId}` };
  } finally {
    await store.close();
  }
}
