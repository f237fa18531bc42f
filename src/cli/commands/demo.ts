import type { Command } from 'commander';
import { createContext, createContextFromOptions, type Context, type GlobalOptions } from '../context.js';
import type { DemoResult, DemoRow } from '../demo/round.js';

/**
 * `flock demo`: one whole Arena round on the devnet (started or reused), then one FL Alliance task
 * of two federated rounds, played by the devnet's named accounts, live on a terminal; it ends with
 * the Arena's ranking beside each model's true score on the hidden split, the Alliance's rounds
 * with each global model's score on its hidden split, and what everyone was paid or lost. Both
 * tasks stay for `flock task show` and `flock alliance show`.
 */
export function register(program: Command): void {
  program
    .command('demo')
    .description('run one whole Arena round on the devnet (a task, three trainers (one broken model), three validators (one lazy), every phase, emission, finalize, claims), then a two-round FL Alliance task (four nodes, each on its own rows); ends with the ranking against the true scores and the global model\'s score by round')
    .addHelpText(
      'after',
      '\nThe cast are devnet accounts (`flock devnet accounts`): alice creates the Arena task, bob trains a CNN, carol a small MLP, dave submits a model exported without its softmax; erin and frank validate, grace commits 0.5 for every model without looking. Then heidi creates an FL Alliance task on breast-cancer data; bob, carol, erin and frank each run a node on their own slice of its training rows (under <home>/demo/), two rounds of two proposers drawn by the devnet\'s VRF. The devnet clock is moved between phases. Daemon logs: <home>/logs/demo-<time>.log.\n',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = await createContext(cmd);
      const r = await demo(ctx, cmd.optsWithGlobals<GlobalOptions>());
      await ctx.output(r, (x) => ({ table: { title: summary(x), headers: ['ACCOUNT', 'ROLE', 'RANK', 'CONSENSUS', 'TRUE SCORE', 'STATUS', 'REWARD', 'SLASHED'], rows: x.rows.map(row), alignRight: [2, 3, 4, 6, 7] } }));
      if (ctx.json) return;
      process.stdout.write(`${footer(r)}\n\n`);
      const [{ printResult }, { allianceRoundsTable, allianceNodesTable, allianceFooter }] = await Promise.all([import('../output.js'), import('../demo/alliance-report.js')]);
      await printResult(r.alliance, false, (a) => ({ table: allianceRoundsTable(a) }));
      await printResult(r.alliance, false, (a) => ({ table: allianceNodesTable(a) }));
      process.stdout.write(`${allianceFooter(r.alliance)}\n\n${marketLines(r).join('\n')}\n\n${r.wallSeconds.toFixed(0)} s in all; daemon logs: ${r.logFile}\n`);
    });
}

async function demo(ctx: Context, globals: GlobalOptions): Promise<DemoResult> {
  const [{ runDemo }, { up }, { createLogger }, { join }] = await Promise.all([import('../demo/round.js'), import('./devnet.js'), import('../../log/index.js'), import('node:path')]);
  const logFile = join(ctx.config.home, 'logs', `demo-${stamp()}.log`);
  const log = await createLogger({ level: ctx.config.logLevel === 'silent' ? 'silent' : 'debug', live: { file: logFile, onLine: () => undefined } });
  const view = await openView(ctx);
  try {
    return await runDemo(
      {
        ctx,
        log,
        emit: view.emit,
        // This home's running devnet on whatever port, else a new one; quietly: the deployment's
        // progress goes to the demo's log, not over the view.
        ensureDevnet: async () => {
          const port = ctx.devnet ? Number(new URL(ctx.devnet.rpcUrl).port) : undefined;
          return up(await createContextFromOptions(globals, ctx.env, { log, current: false }), { deploy: true, ...(port ? { port } : {}) });
        },
        // `#<index>`: always the devnet account, never a keystore that happens to share a name.
        actorContext: async (name) => {
          const { devnetAccounts } = await import('../../devnet/accounts.js');
          const index = devnetAccounts(ctx.config.devnet.mnemonic, ctx.config.devnet.accounts).findIndex((a) => a.name === name);
          return createContextFromOptions({ ...globals, account: `#${index}` }, ctx.env, { log: log.child({ actor: name }), current: false });
        },
      },
      logFile,
    );
  } finally {
    view.close();
  }
}

/** The live view on a terminal; otherwise one line per finished step on stderr (stdout keeps the result). */
async function openView(ctx: Context): Promise<{ emit: (e: import('../../ui/demo-view.js').DemoEvent) => void; close: () => void }> {
  const { initialDemoView, reduceDemoView, stepLine } = await import('../../ui/demo-view.js');
  const tty = Boolean(process.stdout.isTTY) && !ctx.json && !ctx.env.FLOCK_NO_TTY_UI;
  if (!tty) {
    return {
      emit: (e) => {
        const line = e.kind === 'step' ? stepLine(e) : undefined;
        if (line && !ctx.json) process.stderr.write(`${line}\n`);
      },
      close: () => undefined,
    };
  }
  const [{ render }, { createElement }, { DemoView }] = await Promise.all([import('ink'), import('react'), import('../../ui/DemoView.js')]);
  let state = initialDemoView;
  let frame = 0;
  const header = `one Arena round, then an FL Alliance task, on the devnet (${new URL(ctx.rpcUrl).host})`;
  const draw = () => createElement(DemoView, { header, state, frame });
  const ink = render(draw(), { exitOnCtrlC: true, patchConsole: true });
  const tick = setInterval(() => {
    frame++;
    ink.rerender(draw());
  }, 120);
  return {
    emit: (e) => {
      state = reduceDemoView(state, e);
      ink.rerender(draw());
    },
    close: () => {
      clearInterval(tick);
      ink.rerender(draw());
      ink.unmount();
    },
  };
}

function stamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

const flock = (wei: bigint) => (Number(wei) / 1e18).toFixed(2);
const exact = (wei: bigint) => String(Number(wei) / 1e18);
const num = (x: number | null) => (x === null ? '–' : x.toFixed(4));

function row(r: DemoRow): string[] {
  return [r.name, r.label, r.rank === null ? '–' : String(r.rank), num(r.consensus), num(r.trueScore), r.status, flock(r.reward), r.slashed > 0n ? flock(r.slashed) : '0'];
}

/** The model market's part: the winner served and paid per call, and where the FLOCK went. */
function marketLines(r: DemoResult): string[] {
  const m = r.market;
  const pct = (wad: bigint) => `${(Number(wad) / 1e16).toFixed(1)}%`;
  return [
    `model ${m.modelId} (the winner) served by ${m.host} at ${flock(m.price)} FLOCK a call: ${m.calls} paid calls, ${m.correct}/${m.predictions.length} digits right on the hidden split`,
    `redeemed in one transaction: ${exact(m.redeemed)} FLOCK = ${exact(m.fee)} fee + ${exact(m.hostAmount)} to ${m.host} + ${exact(m.revenue)} to the contributors (${m.contributors.map((c) => `${c.name} ${pct(c.share)}`).join(', ')})`,
    `see it again with \`flock models show ${m.modelId}\``,
  ];
}

function summary(r: DemoResult): string {
  return `task ${r.taskId} finalized: ${r.metric} (baseline ${r.baseline}), emission ${flock(r.emission)} + bounty ${flock(r.bounty)} FLOCK; REWARD in FLOCK, SLASHED in gmFLOCK`;
}

function footer(r: DemoResult): string {
  return [`the ranking ${r.rankingFollowsTrueScores ? 'follows' : 'does NOT follow'} the models' true scores on the hidden split`, `see it again with \`flock task show ${r.taskId}\``].join('\n');
}
