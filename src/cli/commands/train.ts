import { Option, type Command } from 'commander';
import { parse } from 'yaml';
import type { BackendChoice } from '../../engine/index.js';
import { AbortError } from '../../errors/index.js';
import { createContext } from '../context.js';
import { pollSeconds, runDaemonCommand } from '../daemon.js';
import { positiveInt } from '../parse.js';

interface TrainFlags {
  task?: number;
  watch?: boolean;
  stake?: string;
  trainerConfig?: string;
  backend?: string;
  model?: string;
  check: boolean;
  poll?: number;
}

/**
 * `flock train --task <id>`: the trainer daemon. Registers, trains with the engine, commits the
 * ONNX model's CID, waits for the reveal phase, uploads the model and reveals; resumable from its
 * state file.
 */
export function register(program: Command): void {
  program
    .command('train')
    .description('trainer daemon: register in an Arena task, train, submit (commit, then reveal) a model; restart-safe')
    .option('--task <id>', 'Arena task id (required unless --watch)', positiveInt)
    .option('--watch', 'keep going: join every task open for submissions, resume unfinished ones, until SIGTERM')
    .option('--stake <gmFLOCK>', 'stake in gmFLOCK (default: the task’s minimum)')
    .option('--trainer-config <file>', 'trainer config (YAML: model, epochs, batchSize, …) over the task’s suggested one')
    .addOption(new Option('--backend <name>', 'training backend (auto: the best one present; `flock doctor` lists them)').choices(['auto', 'node-gpu', 'node', 'wasm', 'cpu']).default('auto'))
    .option('--model <file.onnx>', 'submit this ONNX model instead of training one (train in anything)')
    .option('--no-check', 'do not check the model against the task’s contract before submitting it')
    .option('--poll <seconds>', 'seconds between polls of the chain', pollSeconds, 5)
    .addHelpText(
      'after',
      '\nLogs: on a terminal, a live view, with the logs in <home>/logs/; otherwise NDJSON on stdout (FLOCK_NO_TTY_UI=1 forces it); with --json, logs go to stderr and stdout gets the result.\nState: <home>/daemons/trainer-<chainId>-<task>-<account>.json (salts are saved before each commit is sent).\nExit codes: 0 done or stopped by SIGTERM/SIGINT, 2 bad flags or a missing --model file, 3 RPC unreachable at start, 7 reverted, 8 deadline missed, 9 model fails the contract or the task’s data breaks its schema (checked before staking).\n',
    )
    .action(async (opts: TrainFlags, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ runTrainer }, { modelFileReadable }, { parseFlock }] = await Promise.all([
        import('../../daemons/arena/trainer.js'),
        import('../../daemons/arena/check.js'),
        import('../../units/index.js'),
      ]);
      // Before anything connects or stakes (the daemon checks it against the contract before registering).
      if (opts.model) await modelFileReadable(opts.model);
      const trainer = opts.trainerConfig ? await readTrainerConfig(opts.trainerConfig) : undefined;
      const stake = opts.stake ? parseFlock(opts.stake, { what: 'stake' }) : 0n;
      await runDaemonCommand(ctx, {
        command: 'train',
        role: 'trainer',
        task: opts.task,
        watch: opts.watch,
        poll: opts.poll,
        run: (deps, taskId) =>
          runTrainer({ ...deps, taskId, stake, trainer, backend: opts.backend as BackendChoice, modelFile: opts.model, check: opts.check }),
      });
    });
}

async function readTrainerConfig(file: string): Promise<Record<string, unknown>> {
  const { readFile } = await import('node:fs/promises');
  try {
    const raw = parse(await readFile(file, 'utf8')) as unknown;
    if (!raw || typeof raw !== 'object') throw new Error('not a mapping');
    return raw as Record<string, unknown>;
  } catch (cause) {
    throw new AbortError(`trainer config ${file}: ${(cause as Error).message}`, { code: 'BAD_TRAINER_CONFIG', hint: 'see the trainer: section of examples/tasks/*/task.yaml', cause });
  }
}
