import type { Interface } from 'ethers';
import { AbortError, BugError, FlockError } from '../errors/index.js';

/**
 * Maps ethers v6 errors to flock errors with an exit code and a next step. Kept free of runtime
 * ethers imports (only `import type`) so the top-level error handler stays cheap to load.
 */

export type RevertHint = (args: readonly unknown[]) => string;

const revertHints = new Map<string, RevertHint>();
const revertInterfaces: Interface[] = [];

/**
 * Registers the hint shown when a call reverts with the custom error `errorName`. The protocol
 * layer registers one per error its contracts declare.
 *
 * @example
 * registerRevertHint('ArenaNotInPhase', ([taskId, phase]) => `task ${taskId} is in phase ${phase}; see \`flock task show ${taskId}\``);
 */
export function registerRevertHint(errorName: string, hint: RevertHint): void {
  revertHints.set(errorName, hint);
}

/** Registers a contract interface whose custom errors can decode any revert (no need to pass it per call). */
export function registerRevertInterface(iface: Interface): void {
  if (!revertInterfaces.includes(iface)) revertInterfaces.push(iface);
}

export const RPC_HINT = 'start a local chain with `flock devnet up`, or pass --rpc-url <url> (or set ETH_RPC_URL)';

export interface FromEthersErrorOptions {
  /** Interface(s) of the contract called, to decode custom errors. */
  iface?: Interface | Interface[];
  /** What was being done, e.g. "stake 100 FLOCK"; prefixes the message. */
  action?: string;
  /** The RPC URL, named in network errors. */
  rpcUrl?: string;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

/** True for objects shaped like an ethers v6 error (`code` + `shortMessage`). */
export function isEthersError(e: unknown): e is { code: string; shortMessage: string; message: string } {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' && typeof (e as { shortMessage?: unknown }).shortMessage === 'string';
}

/** True when `e` (or anything in its cause chain) is a connection-level failure. */
export function isNetworkFailure(e: unknown): boolean {
  let cur: unknown = e;
  for (let i = 0; i < 8 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (code === 'NETWORK_ERROR' || code === 'TIMEOUT' || (typeof code === 'string' && NETWORK_CODES.has(code))) return true;
    const msg = (cur as { message?: unknown }).message;
    if (typeof msg === 'string' && /ECONNREFUSED|fetch failed|socket hang up|ETIMEDOUT|ENOTFOUND/.test(msg)) return true;
    cur = (cur as { cause?: unknown; error?: unknown }).cause ?? (cur as { error?: unknown }).error;
  }
  return false;
}

/**
 * Converts an error thrown by ethers into a FlockError. Already-mapped FlockErrors pass through;
 * anything unrecognised becomes a BugError that keeps the original as its cause.
 *
 * @example
 * try { await pools.stake(amount) } catch (e) { throw fromEthersError(e, { iface: pools.interface, action: 'stake' }) }
 */
export function fromEthersError(e: unknown, opts: FromEthersErrorOptions = {}): FlockError {
  if (e instanceof FlockError) return e;
  const prefix = opts.action ? `${opts.action}: ` : '';
  const err = (e ?? {}) as Record<string, unknown>;
  const code = typeof err.code === 'string' ? err.code : undefined;

  if (code === 'INSUFFICIENT_FUNDS') {
    return new AbortError(`${prefix}insufficient funds for gas * price + value`, {
      code: 'INSUFFICIENT_FUNDS',
      hint: 'fund the account with ETH (on a devnet: `flock devnet up` funds the default accounts)',
      cause: e,
    });
  }
  if (code === 'CALL_EXCEPTION') return fromRevert(err, prefix, opts, e);
  if (code === 'ACTION_REJECTED') {
    return new AbortError(`${prefix}rejected by the signer`, { code: 'ACTION_REJECTED', cause: e });
  }
  if (code === 'NONCE_EXPIRED' || code === 'REPLACEMENT_UNDERPRICED' || code === 'TRANSACTION_REPLACED') {
    return new AbortError(`${prefix}${String(err.shortMessage ?? code)}`, {
      code,
      hint: 'another transaction from this account raced this one; retry the command',
      cause: e,
    });
  }
  if (isNetworkFailure(e) || code === 'SERVER_ERROR') {
    const where = opts.rpcUrl ? ` at ${opts.rpcUrl}` : '';
    const what = code === 'TIMEOUT' ? 'timed out' : code === 'SERVER_ERROR' ? 'failed' : 'is unreachable';
    return new AbortError(`${prefix}RPC endpoint${where} ${what}`, { code: 'RPC_UNREACHABLE', hint: RPC_HINT, cause: e });
  }
  const msg = isEthersError(e) ? e.shortMessage : e instanceof Error ? e.message : String(e);
  return new BugError(`${prefix}${msg}`, { cause: e });
}

/** Finds revert data in the places ethers and the various nodes put it. */
function revertData(err: Record<string, unknown>): string | undefined {
  const candidates = [err.data, (err.info as any)?.error?.data, (err.error as any)?.data, (err.info as any)?.error?.data?.data];
  return candidates.find((d): d is string => typeof d === 'string' && d.startsWith('0x') && d.length >= 10);
}

function fromRevert(err: Record<string, unknown>, prefix: string, opts: FromEthersErrorOptions, cause: unknown): FlockError {
  let name: string | undefined;
  let args: readonly unknown[] = [];
  // ethers decodes custom errors itself when the call went through a Contract with the full ABI.
  const revert = err.revert as { name?: string; args?: readonly unknown[] } | null | undefined;
  if (revert?.name) {
    name = revert.name;
    args = revert.args ?? [];
  }
  const data = revertData(err);
  if (!name && data) {
    const ifaces = [...(Array.isArray(opts.iface) ? opts.iface : opts.iface ? [opts.iface] : []), ...revertInterfaces];
    for (const iface of ifaces) {
      try {
        const parsed = iface.parseError(data);
        if (parsed) {
          name = parsed.name;
          args = [...parsed.args];
          break;
        }
      } catch {
        // not this interface's error; try the next one
      }
    }
  }
  const reason = typeof err.reason === 'string' ? err.reason : undefined;
  let message: string;
  if (name === 'Error' && typeof args[0] === 'string') message = `reverted: ${args[0]}`;
  else if (name) message = `reverted: ${name}(${args.map(formatArg).join(', ')})`;
  else if (reason) message = `reverted: ${reason}`;
  else if (data) message = `reverted with unknown custom error ${data.slice(0, 10)}`;
  else message = 'reverted without a reason';
  const hintFn = name ? revertHints.get(name) : undefined;
  let hint: string | undefined;
  try {
    hint = hintFn?.(args);
  } catch {
    hint = undefined; // a broken hint must not hide the revert itself
  }
  if (name && /InsufficientBalance|InsufficientAllowance|ERC20Insufficient/.test(name)) {
    return new AbortError(`${prefix}${message}`, { code: 'INSUFFICIENT_FUNDS', hint, cause });
  }
  return new AbortError(`${prefix}${message}`, { code: 'REVERTED', hint, cause });
}

function formatArg(a: unknown): string {
  if (typeof a === 'bigint') return a.toString();
  if (typeof a === 'string') return /^0x[0-9a-fA-F]*$/.test(a) ? a : JSON.stringify(a);
  if (Array.isArray(a)) return `[${a.map(formatArg).join(', ')}]`;
  return String(a);
}

/** The registered hint of `errorName` for these arguments, if any (what a revert shows). */
export function revertHint(errorName: string, args: readonly unknown[]): string | undefined {
  return revertHints.get(errorName)?.(args);
}
