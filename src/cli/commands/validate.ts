import type { Command } from 'commander';
import { createContext } from '../context.js';
import { pollSeconds, runDaemonCommand } from '../daemon.js';
import { positiveInt } from '../parse.js';

/**
 * `flock validate --task <id>`: the validator daemon. Registers with stake, waits for the
 * validation set, scores every revealed model, commits one root over the scores, then reveals the
 * ones that count; restart-safe.
 */
export function register(program: Command): void {
  program
    .command('validate')
    .description('validator daemon: register in an Arena task, score every submitted model on the hidden set, commit one root over the scores, reveal those drawn to count; restart-safe')
    .option('--task <id>', 'Arena task id (required unless --watch)', positiveInt)
    .option('--watch', 'keep going: join every task open for submissions, resume unfinished ones, until SIGTERM')
    .option('--stake <gmFLOCK>', 'stake in gmFLOCK (default: the task’s minimum)')
    .option('--poll <seconds>', 'seconds between polls of the chain', pollSeconds, 5)
    .addHelpText(
      'after',
      '\nLogs: on a terminal, a live view, with the logs in <home>/logs/; otherwise NDJSON on stdout (FLOCK_NO_TTY_UI=1 forces it); with --json, logs go to stderr and stdout gets the result.\nState: <home>/daemons/validator-<chainId>-<task>-<account>.json (each score’s salt and the score tree are saved before its root is sent).\nA validation set that breaks the task’s schema is committed as unusable and revealed as such (not an exit).\nExit codes: 0 done or stopped by SIGTERM/SIGINT, 3 RPC unreachable at start, 7 reverted, 8 deadline missed.\n',
    )
    .action(async (opts: { task?: number; watch?: boolean; stake?: string; poll?: number }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ runValidator }, { parseFlock }] = await Promise.all([import('../../daemons/arena/validator.js'), import('../../units/index.js')]);
      const stake = opts.stake ? parseFlock(opts.stake, { what: 'stake' }) : 0n;
      await runDaemonCommand(ctx, { command: 'validate', role: 'validator', task: opts.task, watch: opts.watch, poll: opts.poll, run: (deps, taskId) => runValidator({ ...deps, taskId, stake }) });
    });
}
