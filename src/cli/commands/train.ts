import { Option, type Command } from 'commander';
import { AbortError, ExitCode } from '../../errors/index.js';
import { createContext } from '../context.js';
import { pollSeconds, type Daemon } from '../daemon.js';
import { positiveInt } from '../parse.js';
import { openProtocol } from '../protocol.js';

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
      '\nLogs: on a terminal, a live view, with the logs in <home>/logs/; otherwise NDJSON on stdout (FLOCK_NO_TTY_UI=1 forces it); with --json, logs go to stderr and stdout gets the result.\nState: <home>/daemons/trainer-<chainId>-<task>.json (salts are saved before each commit is sent).\nExit codes: 0 done or stopped by SIGTERM/SIGINT, 3 RPC failing, 7 reverted, 8 deadline missed, 9 model fails the contract.\n',
    )
    .action(async (opts: TrainFlags, cmd: Command) => {
      const ctx = await createContext(cmd);
      if (opts.task === undefined && !opts.watch) throw usage('pass --task <id>, or --watch to serve every open task', 'train');
      const [{ openDaemon }, { runTrainer }, { createProtocolClient }, { requireArena }, { parseFlock }, { openContextStore }] = await Promise.all([
        import('../daemon.js'),
        import('../../daemons/trainer.js'),
        import('../../protocol/client.js'),
        import('../../protocol/arena/index.js'),
        import('../../units/index.js'),
        import('../storage.js'),
      ]);
      const trainer = opts.trainerConfig ? await readTrainerConfig(opts.trainerConfig) : undefined;
      const { client } = await openProtocol(ctx, { sign: true });
      const store = await openContextStore(ctx);
      // The daemon last: its live view takes the terminal, so nothing else may print meanwhile.
      let daemon: Daemon | undefined;
      try {
        daemon = await openDaemon(ctx, opts.poll, 'train');
        const { rt } = daemon;
        const p = createProtocolClient({ record: client.record, signer: rt.signer, log: rt.log });
        const arena = requireArena(p);
        const runOne = (taskId: bigint) =>
          runTrainer({
            p,
            arena,
            rt,
            store,
            home: ctx.config.home,
            taskId,
            stake: opts.stake ? parseFlock(opts.stake, { what: 'stake' }) : 0n,
            trainer,
            backend: opts.backend as 'auto' | 'node-gpu' | 'node' | 'wasm' | 'cpu',
            modelFile: opts.model,
            check: opts.check,
          });
        if (opts.watch) {
          const { watchTasks } = await import('../../daemons/watch.js');
          const r = await watchTasks({ arena, rt, kind: 'trainer', home: ctx.config.home, chainId: p.record.chainId, run: runOne });
          if (ctx.json) await ctx.output(r);
        } else {
          const r = await runOne(BigInt(opts.task!));
          if (ctx.json) await ctx.output(r);
        }
      } finally {
        daemon?.close();
        daemon?.rt.dispose();
        await store.close();
      }
    });
}

async function readTrainerConfig(file: string): Promise<Record<string, unknown>> {
  const [{ readFile }, { parse }, { AbortError }, { ExitCode }] = await Promise.all([
    import('node:fs/promises'),
    import('yaml'),
    import('../../errors/index.js'),
    import('../../errors/index.js'),
  ]);
  try {
    const raw = parse(await readFile(file, 'utf8')) as unknown;
    if (!raw || typeof raw !== 'object') throw new Error('not a mapping');
    return raw as Record<string, unknown>;
  } catch (cause) {
    throw new AbortError(`trainer config ${file}: ${(cause as Error).message}`, { code: 'BAD_TRAINER_CONFIG', hint: 'see the trainer: section of examples/tasks/*/task.yaml', cause });
  }
}

function usage(message: string, command: string): AbortError {
  return new AbortError(message, { code: 'USAGE', hint: `see \`flock ${command} --help\`` });
}
