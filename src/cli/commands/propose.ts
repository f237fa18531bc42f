import type { Command } from 'commander';
import { createContext } from '../context.js';
import { openProtocol } from '../protocol.js';

const collect = (v: string, acc: string[] = []) => [...acc, v];

/** `flock propose`: a governance proposal (parameter changes or a raw call), bond approved automatically. */
export function register(program: Command): void {
  program
    .command('propose')
    .description('propose a parameter change (--set) or a call (--call) to governance; the FLOCK bond is approved and pulled automatically')
    .requiredOption('--title <title>', 'one-line title (the description’s markdown heading)')
    .option('--description <text>', 'the proposal’s body (markdown)')
    .option('--set <param=value>', 'change a governed parameter, e.g. pool.sigmaMax=0.4, pool.sigmaCooldown=7d (repeatable)', collect)
    .option('--call <target-signature-args...>', 'a call from the timelock: <target> <signature> <args...>, e.g. 0x… "setTreasury(address)" 0x…')
    .option('--self-delegate', 'first make your liquid FLOCK vote for yourself (needed once; counts from the next second)')
    .addHelpText('after', '\nThe proposal is Pending for the flag window, then Active for the vote; then `flock queue`, `flock execute`, `flock proposals claim`.\nCommands take a proposal by its short number (#1, #2 … on this chain) or its full id; docs/GOVERNANCE.md walks through it.')
    .action(async (opts: { title: string; description?: string; set?: string[]; call?: string[]; selfDelegate?: boolean }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [g, { formatFlock }, { AbortError }, { ExitCode }] = await Promise.all([
        import('../../protocol/governance/index.js'),
        import('../../units/index.js'),
        import('../../errors/index.js'),
        import('../../errors/index.js'),
      ]);
      if (!opts.set?.length && !opts.call?.length) {
        throw new AbortError('nothing to propose', { code: 'INVALID_PROPOSAL', hint: 'add --set <param>=<value> (e.g. pool.sigmaMax=0.4) or --call <target> <signature> <args...>' });
      }
      if (opts.call && opts.call.length < 2) {
        throw new AbortError('--call needs a target and a function signature', { code: 'INVALID_PROPOSAL', hint: 'e.g. --call 0x… "setTreasury(address)" 0x…' });
      }
      const { client, account } = await openProtocol(ctx, { sign: true });
      g.requireGovernor(client);
      const actions = [];
      for (const assignment of opts.set ?? []) actions.push(await client.governance.paramAction({ assignment }));
      if (opts.call) actions.push(g.rawCallAction(opts.call[0]!, opts.call[1]!, opts.call.slice(2)));
      let delegateTx: string | undefined;
      if (opts.selfDelegate && (await client.governance.getUndelegatedFlock({ account })) > 0n) {
        delegateTx = (await client.governance.selfDelegate()).txHash;
        // The threshold reads the second before the proposal's block: let the clock pass this block's second.
        await new Promise((r) => setTimeout(r, 1100));
      }
      const r = await client.governance.propose({ actions, title: opts.title, description: opts.description });
      const { number } = await client.governance.resolveProposalId({ ref: { id: r.proposalId } });
      const result = {
        proposalId: r.proposalId.toString(),
        proposalNumber: number,
        proposer: r.proposer,
        bond: r.bond,
        actions: r.actions.map((a) => ({ target: a.target, value: a.value, calldata: a.calldata, summary: a.summary })),
        voteStart: new Date(Number(r.voteStart) * 1000).toISOString(),
        voteEnd: new Date(Number(r.voteEnd) * 1000).toISOString(),
        delegateTx,
        txHash: r.txHash,
      };
      await ctx.output(result, (x) => [
        number === undefined ? `proposal ${x.proposalId}` : `proposal #${number} (id ${x.proposalId})`,
        ...r.actions.map((a) => `  ${a.summary}`),
        `bonded ${formatFlock(r.bond)}; flag window until ${x.voteStart}, vote until ${x.voteEnd}`,
        `tx ${x.txHash}`,
      ]);
    });
}
