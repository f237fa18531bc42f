import type { Command } from 'commander';
import { AbortError } from '../../errors/index.js';
import { createContext, type Context } from '../context.js';
import { nonNegativeInt, positiveInt } from '../parse.js';
import { chainNow, openProtocol } from '../protocol.js';
import type { GetProgressReturnType } from '../../protocol/arena/index.js';

interface WaitFlags {
  nodes?: number;
  validators?: number;
  timeout: string;
  poll: string;
}

/**
 * `flock task wait <id>`: blocks until everyone registered in a task has done what its current
 * phase asks (see progressReady), so that a script which moves a devnet's clock does not move it
 * under daemons that are still working. Scripts and the README's round call it between warps.
 */
export function registerWait(task: Command): void {
  task
    .command('wait')
    .description('wait until every participant has done what the task’s current phase asks (before `flock devnet warp` in a script)')
    .argument('<id>', 'task id', positiveInt)
    .option('--nodes <n>', 'in the submit phase, wait for at least this many registered nodes', nonNegativeInt)
    .option('--validators <n>', 'in the submit phase, wait for at least this many registered validators', nonNegativeInt)
    .option('--timeout <duration>', 'give up after this long (exit 8)', '10m')
    .option('--poll <duration>', 'how often to read the chain', '1s')
    .action(async (id: number, opts: WaitFlags, cmd: Command) => {
      const ctx = await createContext(cmd);
      const r = await wait(ctx, BigInt(id), opts);
      await ctx.output(r, (x) => `task ${x.taskId}, ${x.phase} phase: ${summary(x.progress)}; the phase ends in ${x.phaseEndsIn} s`);
    });
}

async function wait(ctx: Context, taskId: bigint, opts: WaitFlags) {
  const { parseDuration } = await import('../../units/index.js');
  const { progressReady } = await import('../../protocol/arena/index.js');
  const timeoutMs = parseDuration(opts.timeout, '--timeout') * 1000;
  const pollMs = Math.max(parseDuration(opts.poll, '--poll'), 0.1) * 1000;
  const { client } = await openProtocol(ctx);
  await client.arena.getTask({ taskId }); // an unknown id: UNKNOWN_TASK (with the task count), not a bare revert
  const started = Date.now();
  let last = '';
  for (;;) {
    const progress = await client.arena.getProgress({ taskId });
    const { ready, awaiting } = progressReady(progress, opts);
    if (ready) {
      const t = await client.arena.getTaskInfo({ taskId });
      const end = { submit: t.submitEnd, reveal: t.revealEnd, 'score-commit': t.scoreCommitEnd, 'score-reveal': t.scoreRevealEnd }[progress.phase as string];
      return { taskId: taskId.toString(), phase: progress.phase, progress, waitedMs: Date.now() - started, phaseEndsIn: end === undefined ? 0 : Math.max(0, end - (await chainNow(ctx))) };
    }
    const now = awaiting.join(', ');
    if (now !== last) ctx.log.info({ task: taskId.toString(), phase: progress.phase, awaiting }, `waiting for ${now}`);
    last = now;
    if (Date.now() - started > timeoutMs) {
      throw new AbortError(`task ${taskId}, ${progress.phase} phase: still waiting for ${now} after ${opts.timeout}`, {
        code: 'WAIT_TIMEOUT',
        hint: 'are the daemons running? see their logs (or `flock task show`); --timeout waits longer',
      });
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

function summary(p: GetProgressReturnType): string {
  return [
    `${p.nodes.committed}/${p.nodes.registered} models committed, ${p.nodes.revealed} revealed`,
    `${p.validators.committed}/${p.validators.registered} validators committed scores`,
    ...(p.scoresOwed !== null ? [`${p.scoresOwed} counted scores unopened`] : []),
  ].join(', ');
}
