import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { LOG_LEVELS } from '../log/levels.js';
import * as alliance from './commands/alliance.js';
import * as delegate from './commands/delegate.js';
import * as deploy from './commands/deploy.js';
import * as deployment from './commands/deployment.js';
import * as devnet from './commands/devnet.js';
import * as demo from './commands/demo.js';
import * as doctor from './commands/doctor.js';
import * as emission from './commands/emission.js';
import * as init from './commands/init.js';
import * as model from './commands/model.js';
import * as models from './commands/models.js';
import * as market from './commands/market.js';
import * as call from './commands/call.js';
import * as serve from './commands/serve.js';
import * as pool from './commands/pool.js';
import * as redeem from './commands/redeem.js';
import * as rewards from './commands/rewards.js';
import * as stake from './commands/stake.js';
import * as status from './commands/status.js';
import * as store from './commands/store.js';
import * as task from './commands/task.js';
import * as train from './commands/train.js';
import * as undelegate from './commands/undelegate.js';
import * as validate from './commands/validate.js';
import * as propose from './commands/propose.js';
import * as proposals from './commands/proposals.js';
import * as flag from './commands/flag.js';
import * as fl from './commands/fl.js';
import * as vote from './commands/vote.js';
import * as queue from './commands/queue.js';
import * as execute from './commands/execute.js';
import * as params from './commands/params.js';
import * as wallet from './commands/wallet.js';
import { positiveInt } from './parse.js';

/**
 * A command module: `register` declares the command and its options with commander only, and
 * imports anything heavy (ethers, ink, tfjs) inside its action, so `flock --help` loads nothing
 * but commander. Add new commands to this list.
 */
export interface CommandModule {
  register(program: Command): void;
}

export const COMMANDS: CommandModule[] = [demo, init, wallet, devnet, deploy, deployment, status, stake, redeem, delegate, undelegate, pool, rewards, emission, task, model, train, validate, alliance, fl, models, serve, call, market, params, propose, proposals, flag, vote, queue, execute, store, doctor];

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

let failedCommand: Command | undefined;

/** The (sub)command whose parsing failed last, so the usage hint names the right `--help`. */
export function lastFailedCommand(): Command | undefined {
  return failedCommand;
}

/** The full `flock …` path of a command, for hints. */
export function commandPath(cmd: Command | undefined): string {
  const names: string[] = [];
  for (let c: Command | null | undefined = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ') || 'flock';
}

export function buildProgram(): Command {
  const program = new Command('flock')
    .description('Node for a decentralised, stake-secured AI training network: train, validate, stake, govern.')
    .version(VERSION, '-V, --version')
    // Errors are thrown (not printed and exited) so main's handler renders them, --json included.
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .option('--rpc-url <url>', 'JSON-RPC endpoint (env FLOCK_RPC_URL, ETH_RPC_URL; default: a running `flock devnet`, else http://127.0.0.1:8545)')
    .option('--chain-id <id>', 'expected chain id; refuse to run on any other chain (env FLOCK_CHAIN_ID)', positiveInt)
    .option('--account <name>', 'keystore account name or address; on a devnet also a devnet account: alice, bob, … or #2 (`flock devnet accounts`) (env FLOCK_ACCOUNT)')
    .option('--keystore <path>', 'keystore file, or a folder of keystores (env FLOCK_KEYSTORE)')
    .option('--password-file <path>', 'file holding the keystore password (env FLOCK_PASSWORD_FILE)')
    .option('--json', 'print results (and errors) as JSON on stdout')
    .option('--config <path>', 'config file (env FLOCK_CONFIG; default ./flock.config.yaml if present)')
    .addOption(new Option('--log-level <level>', 'log level (env FLOCK_LOG_LEVEL)').choices(LOG_LEVELS))
    .option('-y, --yes', 'do not prompt; assume yes')
    .option('--home <dir>', 'data folder: keystores, deployments, devnet (env FLOCK_HOME; default ~/.flock)')
    .addHelpText(
      'after',
      '\nConfiguration: defaults < flock.config.yaml < FLOCK_* environment < flags (see flock.config.example.yaml).\nExit codes: docs/EXIT_CODES.md.',
    );

  for (const mod of COMMANDS) mod.register(program);

  // Remember which command failed to parse (commander does not say in its error).
  const visit = (cmd: Command) => {
    cmd.configureOutput({ ...cmd.configureOutput(), outputError: () => (failedCommand = cmd) });
    cmd.commands.forEach(visit);
  };
  visit(program);
  return program;
}
