// `flock` is also util-linux's file-lock command (/usr/bin/flock on Debian and Ubuntu), run by cron
// jobs and scripts as `flock -n /tmp/x.lock cmd`. A global install of this package puts our `flock`
// first on PATH (/usr/local/bin). bin/flock calls these helpers before loading anything else: when
// the arguments are clearly util-linux's, it runs util-linux flock with them instead, so a global
// install breaks no cron job. Plain Node, no dependencies, nothing from dist/ (keep it fast).
import { closeSync, openSync, readSync, realpathSync, statSync, accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** flock.io's subcommands (test/unit/cli/util-linux.test.ts keeps this equal to the program's). */
export const FLOCK_COMMANDS = [
  'demo', 'init', 'wallet', 'devnet', 'deploy', 'deployment', 'status', 'stake', 'redeem', 'delegate', 'undelegate', 'pool', 'rewards',
  'emission', 'task', 'model', 'train', 'validate', 'alliance', 'fl', 'models', 'serve', 'call', 'market', 'params', 'propose', 'proposals', 'flag', 'vote', 'queue', 'execute', 'store',
  'doctor', 'help',
];

/** flock.io's global flags, which may come before the subcommand (and -h/-V: our help and version win). */
export const FLOCK_GLOBAL_FLAGS = [
  '--rpc-url', '--chain-id', '--account', '--keystore', '--password-file', '--json', '--config', '--log-level',
  '-y', '--yes', '--home', '-V', '--version', '-h', '--help',
];

/** util-linux flock's options (flock(1)), long and short; none of them is ours. */
const UTIL_LINUX_LONG = new Set([
  '--shared', '--exclusive', '--unlock', '--nonblock', '--nb', '--timeout', '--wait', '--close',
  '--conflict-exit-code', '--no-fork', '--command', '--verbose', '--fcntl',
]);
const UTIL_LINUX_SHORT = 'sxeunwoEFc';

/**
 * True when `argv` (the arguments after `flock`) is clearly a util-linux flock call and not ours:
 * it starts with a util-linux option (`-n`, `-xn`, `--timeout=5`), or its first argument is a file
 * descriptor (`flock 9`), a path (`flock /tmp/x.lock cmd`, `flock ./x.lock`, `x.lock`), or is
 * followed by `-c`/`--command`. Our subcommands and global flags are never passed on; neither
 * is a mistyped subcommand (`flock stauts` gets our "did you mean status?").
 *
 * @param {readonly string[]} argv
 * @param {readonly string[]} [commands]
 * @param {readonly string[]} [flags]
 * @returns {boolean}
 */
export function isUtilLinuxInvocation(argv, commands = FLOCK_COMMANDS, flags = FLOCK_GLOBAL_FLAGS) {
  const first = argv[0];
  if (first === undefined || first === '') return false;
  if (commands.includes(first)) return false;
  if (first.startsWith('-')) {
    const name = first.split('=')[0];
    if (flags.includes(name)) return false;
    if (first.startsWith('--')) return UTIL_LINUX_LONG.has(name);
    return first.length > 1 && UTIL_LINUX_SHORT.includes(first[1]);
  }
  if (/^\d+$/.test(first)) return true;
  if (first.includes('/') || /\.(lock|lck|lk)$/i.test(first)) return true;
  return argv[1] === '-c' || argv[1] === '--command';
}

/** True when `path` is this package's bin/flock (the same file, or a copy of it). */
export function isThisCli(path, self) {
  try {
    if (realpathSync(path) === realpathSync(self)) return true;
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(4096);
      const n = readSync(fd, buf, 0, buf.length, 0);
      const text = buf.subarray(0, n).toString('utf8');
      return text.includes('dist/bundle/main.js') || text.includes('dist/cli/main.js');
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

function isExecutableFile(path) {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every `flock` on PATH, in PATH order (the first is what a shell runs), each marked as this CLI
 * or not; a file reached twice (/bin -> /usr/bin) is listed once.
 *
 * @param {string | undefined} pathEnv
 * @param {string} self this package's bin/flock
 * @returns {{ path: string, thisCli: boolean }[]}
 */
export function flocksOnPath(pathEnv, self) {
  const seen = new Set();
  const out = [];
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'flock');
    if (!isExecutableFile(candidate)) continue;
    let real = candidate;
    try {
      real = realpathSync(candidate);
    } catch {}
    if (seen.has(real)) continue;
    seen.add(real);
    out.push({ path: candidate, thisCli: isThisCli(candidate, self) });
  }
  return out;
}

/** The first `flock` on PATH that is not this CLI (util-linux's, on Linux), if any. */
export function otherFlock(pathEnv, self) {
  return flocksOnPath(pathEnv, self).find((f) => !f.thisCli)?.path;
}
