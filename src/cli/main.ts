import { CommanderError } from 'commander';
import { AbortError, ExitCode } from '../errors/index.js';
import { currentContext } from './context.js';
import { handleError } from './handle-error.js';
import { buildProgram, commandPath, lastFailedCommand } from './program.js';

/**
 * Entry point of the `flock` binary (bin/flock imports this module). Runs the command, renders any
 * error through the single handler, releases connections and exits with a documented code.
 */

/** --json and debug before a Context exists (a bad config file fails before one is built). */
function outputFlags(argv: string[], env: NodeJS.ProcessEnv): { json: boolean; debug: boolean } {
  const args = argv.slice(2);
  const end = args.indexOf('--');
  const own = end === -1 ? args : args.slice(0, end);
  const ctx = currentContext();
  let level = env.FLOCK_LOG_LEVEL;
  own.forEach((a, i) => {
    if (a === '--log-level') level = own[i + 1];
    else if (a.startsWith('--log-level=')) level = a.slice('--log-level='.length);
  });
  if (ctx) level = ctx.config.logLevel;
  return { json: ctx?.json ?? own.includes('--json'), debug: level === 'debug' || level === 'trace' };
}

function fromCommanderError(e: CommanderError): AbortError {
  // commander's text is "error: unknown option '--foo'\n(Did you mean --json?)".
  const [first = '', ...rest] = e.message.replace(/^error:\s*/, '').split('\n');
  const suggestion = rest.join(' ').trim().replace(/^\((.*)\)$/, '$1');
  return new AbortError(`${first}${suggestion ? ` (${suggestion.charAt(0).toLowerCase()}${suggestion.slice(1)})` : ''}`, {
    code: 'USAGE',
    hint: `see \`${commandPath(lastFailedCommand())} --help\``,
  });
}

export async function main(argv: string[] = process.argv, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return ExitCode.OK;
      // A command group run without a subcommand: commander printed its help on stderr.
      if (e.code === 'commander.help' || e.code === 'commander.executeSubCommandAsync') {
        if (e.exitCode === 0) return ExitCode.OK;
        const flags = outputFlags(argv, env);
        if (!flags.json) return ExitCode.USAGE;
        return handleError(new AbortError('a subcommand is required', { code: 'USAGE', hint: 'add --help to list the subcommands' }), flags);
      }
      return handleError(fromCommanderError(e), outputFlags(argv, env));
    }
    return handleError(e, outputFlags(argv, env));
  } finally {
    await currentContext()?.close();
  }
}

// Ctrl-C in a one-shot command: a clear line and the documented code instead of a silent 130.
// A daemon's runtime listens too and stops after the current step (exit 0); a second Ctrl-C
// exits at once.
let interrupts = 0;
process.on('SIGINT', () => {
  if (interrupts++ === 0 && process.listenerCount('SIGINT') > 1) return;
  const code = handleError(new AbortError('interrupted', { code: 'INTERRUPTED' }), outputFlags(process.argv, process.env));
  process.exit(code);
});

const code = await main();
// Exit explicitly: an idle keep-alive socket or timer must not keep a finished command alive.
process.exit(code);
