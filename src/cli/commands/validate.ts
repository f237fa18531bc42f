import type { Command } from 'commander';
import { AbortError } from '../../errors/index.js';
import { createContext } from '../context.js';
import { pollSeconds, type Daemon } from '../daemon.js';
import { positiveInt } from '../parse.js';
import { openProtocol } from '../protocol.js';

/**
 * `flock validate --task <id>`: the validator daemon. Registers with stake, waits for the
 * validation set, scores every assigned model, commits then reveals the scores; restart-safe.
 */
export function register(program: Command): void {
  program
    .command('validate')
    .description('validator daemon: register in an Arena task, score the submitted models on the hidden set, commit and reveal the scores; restart-safe')
    .option('--task <id>', 'Arena task id (required unless --watch)', positiveInt)
    .option('--watch', 'keep going: join every task open for submissions, resume unfinished ones, until SIGTERM')
    .option('--stake <gmFLOCK>', 'stake in gmFLOCK (default: the task’s minimum)')
    .option('--poll <seconds>', 'seconds between polls of the chain', pollSeconds, 5)
    .addHelpText(
      'after',
      '\nLogs: on a terminal, a live view, with the logs in <home>/logs/; otherwise NDJSON on stdout (FLOCK_NO_TTY_UI=1 forces it); with --json, logs go to stderr and stdout gets the result.\nState: <home>/daemons/validator-<chainId>-<task>.json (salts are saved before each commit is sent).\nExit codes: 0 done or stopped by SIGTERM/SIGINT, 3 RPC failing, 7 reverted, 8 deadline missed.\n',
    )
    .action(async (opts: { task?: number; watch?: boolean; stake?: string; poll?: number }, cmd: Command) => {
      const ctx = await createContext(cmd);
      if (opts.task === undefined && !opts.watch) throw usage('pass --task <id>, or --watch to serve every open task', 'validate');
      const [{ openDaemon }, { runValidator }, { createProtocolClient }, { requireArena }, { parseFlock }, { openContextStore }] = await Promise.all([
        import('../daemon.js'),
        import('../../daemons/validator.js'),
        import('../../protocol/client.js'),
        import('../../protocol/arena/index.js'),
        import('../../units/index.js'),
        import('../storage.js'),
      ]);
      const { client } = await openProtocol(ctx, { sign: true });
      const store = await openContextStore(ctx);
      // The daemon last: its live view takes the terminal, so nothing else may print meanwhile.
      let daemon: Daemon | undefined;
      try {
        daemon = await openDaemon(ctx, opts.poll, 'validate');
        const { rt } = daemon;
        const p = createProtocolClient({ record: client.record, signer: rt.signer, log: rt.log });
        const arena = requireArena(p);
        const runOne = (taskId: bigint) =>
          runValidator({
            p,
            arena,
            rt,
            store,
            home: ctx.config.home,
            taskId,
            stake: opts.stake ? parseFlock(opts.stake, { what: 'stake' }) : 0n,
          });
        if (opts.watch) {
          const { watchTasks } = await import('../../daemons/watch.js');
          const r = await watchTasks({ arena, rt, kind: 'validator', home: ctx.config.home, chainId: p.record.chainId, run: runOne });
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

function usage(message: string, command: string): AbortError {
  return new AbortError(message, { code: 'USAGE', hint: `see \`flock ${command} --help\`` });
}
