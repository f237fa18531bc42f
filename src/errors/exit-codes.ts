/**
 * Process exit codes of `flock`. Scripts (cron, systemd, CI) branch on these, so a code's meaning
 * never changes once released; add new codes at the end. `docs/EXIT_CODES.md` is generated from
 * this table and codes.ts (`npm run docs:exit-codes`, see docs.ts) and a unit test fails when the two drift apart.
 */
export const ExitCode = {
  /** Success. */
  OK: 0,
  /** An unexpected failure inside flock: a bug, please report it. */
  BUG: 1,
  /** Bad command line, configuration file, environment variable or input value. */
  USAGE: 2,
  /** The RPC endpoint is unreachable, timed out or answered with a server error. */
  NETWORK: 3,
  /** Connected to the wrong chain, or no (or a stale) flock deployment on this chain. */
  CHAIN: 4,
  /** Not enough ETH for gas, or not enough FLOCK balance or allowance. */
  FUNDS: 5,
  /** No account, keystore not found, no password or wrong password. */
  WALLET: 6,
  /** The protocol rejected the action: a contract call reverted (a protocol rule). */
  REVERTED: 7,
  /** Interrupted by a signal or a deadline before the operation finished. */
  INTERRUPTED: 8,
  /** Content failed verification (CID mismatch, invalid model or data file). */
  INTEGRITY: 9,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * One line per code, with an example of what produces it; the source of docs/EXIT_CODES.md.
 * `restart`: whether running the same command again (a supervisor's restart) can succeed without
 * anyone changing anything: a network outage passes, a bug may not recur; a bad flag, a missing
 * deployment, an empty balance, a wrong password, a revert, a missed deadline or bad content stay.
 */
export const EXIT_CODE_TABLE: ReadonlyArray<{ code: ExitCode; name: keyof typeof ExitCode; meaning: string; example: string; restart: boolean }> = [
  { code: 0, name: 'OK', meaning: 'Success.', example: '`flock wallet list`', restart: false },
  { code: 1, name: 'BUG', meaning: 'Unexpected internal error; please report it with `--log-level debug` output.', example: 'an uncaught exception', restart: true },
  { code: 2, name: 'USAGE', meaning: 'Bad flag, argument, configuration file, environment variable or input value.', example: '`flock.config.yaml:7: devnet.port must be a number`, `--amount abc`', restart: false },
  { code: 3, name: 'NETWORK', meaning: 'RPC endpoint unreachable, timed out, or failing.', example: 'no node at `--rpc-url`', restart: true },
  { code: 4, name: 'CHAIN', meaning: 'Wrong chain id, or no (or stale) flock deployment on this chain.', example: '`--chain-id 8453` against a devnet; anvil restarted without its state', restart: false },
  { code: 5, name: 'FUNDS', meaning: 'Insufficient ETH for gas, or insufficient FLOCK balance or allowance.', example: 'staking more FLOCK than the account holds', restart: false },
  { code: 6, name: 'WALLET', meaning: 'No account, keystore not found, no password, or wrong password.', example: '`--account alice` with a wrong `--password-file`', restart: false },
  { code: 7, name: 'REVERTED', meaning: 'A contract rejected the action (a protocol rule); the custom error is shown with a hint.', example: '`ArenaNotInPhase(3, 1)`', restart: false },
  { code: 8, name: 'INTERRUPTED', meaning: 'Interrupted by a signal or a deadline before the operation finished.', example: 'Ctrl-C during `flock devnet up`', restart: false },
  { code: 9, name: 'INTEGRITY', meaning: 'Content failed verification.', example: 'a downloaded model whose CID does not match', restart: false },
];

/**
 * The failures after which restarting the command cannot help (`restart: false`, success aside):
 * the systemd units in deploy/systemd/ list exactly these in RestartPreventExitStatus= (a unit
 * test checks it), so a daemon is restarted after an outage or a crash, never in a loop that
 * cannot succeed.
 */
export const NON_RETRYABLE_EXIT_CODES: readonly ExitCode[] = EXIT_CODE_TABLE.filter((r) => !r.restart && r.code !== ExitCode.OK).map((r) => r.code);
