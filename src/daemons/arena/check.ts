/**
 * Nothing staked on bad input. A task's manifest and training data are public from its creation,
 * so before a daemon registers (and locks stake) it fetches them (verified by CID) and checks
 * them against the task's schema and model contract; a trainer given --model checks that file
 * too. The validation set is revealed only after registration: the validator checks it before it
 * scores anything, and commits a bad one as unusable (validator.ts) instead of exiting. A bad task
 * is TASK_DATA_INVALID (exit 9: the creator's fault), a missing --model MODEL_FILE (exit 2), a
 * --model that breaks the contract MODEL_INVALID (exit 9).
 */
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdirPrivate } from '../../files/dirs.js';
import { EngineError } from '../../engine/errors.js';
import { AbortError } from '../../errors/index.js';
import { Phase, Role } from '../../protocol/arena/index.js';
import { fetchManifest, type TaskManifest } from '../../tasks/manifest.js';
import { DONE, GO, type Step } from '../kernel/index.js';
import { phaseOf, read, workDir, type ArenaStateBase, type ArenaStepContext, type TaskAccess } from './common.js';

/** What the check reads of a daemon's options (a trainer's; a validator has neither). */
interface CheckOptions {
  /** `--model <file.onnx>`: checked to exist and be readable, and against the contract unless `check` is false. */
  modelFile?: string;
  check?: boolean;
}

/** Contexts whose task passed the check in this run (the step is not recorded in the state file). */
const checked = new WeakSet<object>();

/**
 * The step before `register`: check the published task (and --model). Skipped once the state
 * file or the chain says this account is registered (the stake has moved; nothing left to
 * protect), and when submissions are closed (the register step then says it is too late).
 */
export function checkTaskStep<S extends ArenaStateBase & { registered?: object }, C extends ArenaStepContext<S> & { o: object }>(): Step<C> {
  return {
    name: 'check the task before staking',
    recorded: (c) => Boolean(c.st.get().registered) || checked.has(c),
    async gate(c) {
      const onChain = await read(c, 'participant', () => c.arena.getParticipant({ taskId: c.taskId, account: c.account }));
      if (onChain.role !== Role.None) return DONE;
      return (await phaseOf(c)) === Phase.Submit ? GO : DONE;
    },
    async run(c) {
      const o = c.o as CheckOptions;
      if (o.modelFile) await modelFileReadable(o.modelFile); // no download for a missing file
      const { manifest, trainFile } = await fetchTrainingData(c);
      c.report.emit({ event: 'data-ready', cid: manifest.train, file: trainFile });
      await checkOrThrow(c.taskId, 'training data', manifest.train, () => import('../../engine/index.js').then((e) => e.checkTaskData(manifest.spec, { train: trainFile })));
      if (o.modelFile && o.check !== false) await modelMeetsContract(c.taskId, o.modelFile, manifest, trainFile);
      checked.add(c);
    },
  };
}

/** The manifest (verified, parsed) and the training data in the work folder (where produceModel puts it). */
async function fetchTrainingData(c: TaskAccess): Promise<{ manifest: TaskManifest; trainFile: string }> {
  const t = await read(c, 'task', () => c.arena.getTaskInfo({ taskId: c.taskId }));
  const manifest = await fetchManifest(c.store, t.dataCID);
  const work = workDir(c);
  mkdirPrivate(work);
  const trainFile = join(work, manifest.trainName.replace(/[^\w.-]/g, '_') || 'train.data');
  await c.store.getToFile(manifest.train, trainFile);
  return { manifest, trainFile };
}

/**
 * The revealed validation set, downloaded to `file`, against the task's schema and contract,
 * before the validator scores anything (scoring.ts calls it; a TASK_DATA_INVALID from here makes
 * the validator commit "unusable").
 */
export async function checkRevealedValidation(taskId: bigint, manifest: TaskManifest, cid: string, file: string): Promise<void> {
  const { checkDataFile, DEFAULT_MIN_ROWS } = await import('../../engine/index.js');
  const spec = manifest.spec;
  await checkOrThrow(taskId, 'validation set', cid, () => checkDataFile(file, spec.schema, { contract: spec.contract, minRows: spec.data.minRows ?? DEFAULT_MIN_ROWS }));
}

async function checkOrThrow(taskId: bigint, what: 'training data' | 'validation set', cid: string, check: () => Promise<unknown>): Promise<void> {
  try {
    await check();
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    throw new AbortError(`task ${taskId}'s ${what} ${cid} breaks the task's schema: ${e.message}`, {
      code: 'TASK_DATA_INVALID',
      hint:
        what === 'training data'
          ? 'the task’s creator published bad data; nothing was staked: join another task (`flock task list`)'
          : 'the task’s creator revealed a bad validation set: `flock validate` commits it as unusable instead of scores (the creator is slashed when most of the committed stake agrees)',
      cause: e,
    });
  }
}

/**
 * `--model <file>` exists and is a readable file: MODEL_FILE (exit 2) otherwise. The CLI calls it
 * before it connects to anything; the check step again before registering.
 */
export async function modelFileReadable(file: string): Promise<void> {
  const fail = (why: string, cause?: unknown) =>
    new AbortError(`--model ${file}: ${why}`, { code: 'MODEL_FILE', hint: 'pass the path of an ONNX model file (nothing was staked)', cause });
  let st;
  try {
    st = await stat(file);
  } catch (e) {
    throw fail((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, e);
  }
  if (!st.isFile()) throw fail('not a file');
  try {
    await (await open(file, 'r')).close();
  } catch (e) {
    throw fail(`cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, e);
  }
}

/** Parses the --model file as ONNX and scores it on the training data under the task's contract. */
async function modelMeetsContract(taskId: bigint, file: string, manifest: TaskManifest, trainFile: string): Promise<void> {
  const bytes = new Uint8Array(await readFile(file));
  const { evaluateModel } = await import('../../engine/index.js');
  const spec = manifest.spec;
  const ev = await evaluateModel(bytes, { contract: spec.contract, metric: spec.metric.name, data: trainFile, schema: spec.schema });
  if (!ev.valid) {
    throw new AbortError(`--model ${file} fails task ${taskId}'s model contract: ${ev.reason}`, {
      code: 'MODEL_INVALID',
      hint: `export it as ONNX with one float32 input [N, ${spec.contract.inputShape.join(', ')}] and output [N, ${spec.contract.outputShape.join(', ')}]${spec.schema.taskType === 'classification' ? ' of class probabilities' : ''} (docs/MODELS.md; nothing was staked), or pass --no-check to submit it anyway`,
    });
  }
}
