import { Writable } from 'node:stream';
import { Interface } from 'ethers';
import { describe, expect, it } from 'vitest';
import { fromEthersError, registerRevertHint, RPC_HINT } from '../../../src/chain/ethers-errors.js';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { handleError } from '../../../src/cli/handle-error.js';
import { AbortError, BugError, FlockError } from '../../../src/errors.js';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += chunk;
      cb();
    },
  });
  return { stream, text: () => text };
}

function render(e: unknown, json = false, debug = false) {
  const out = sink();
  const err = sink();
  const code = handleError(e, { json, debug, stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('handleError', () => {
  it('renders an AbortError as error + hint on stderr, nothing on stdout', () => {
    const r = render(new AbortError('no password for keystore alice', { exitCode: ExitCode.WALLET, hint: 'pass --password-file' }));
    expect(r.code).toBe(6);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: no password for keystore alice\nhint: pass --password-file\n');
  });

  it('renders JSON on stdout with --json', () => {
    const r = render(new AbortError('boom', { code: 'X', exitCode: ExitCode.CHAIN, hint: 'do y' }), true);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'X', exitCode: 4, message: 'boom', hint: 'do y' } });
  });

  it('turns an unknown error into a one-line BugError, stack only in debug', () => {
    const plain = render(new TypeError('x is undefined'));
    expect(plain.code).toBe(ExitCode.BUG);
    expect(plain.stderr).toMatch(/^error: unexpected error: x is undefined\nhint: this is a bug in flock; please report it/);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = render(new TypeError('x is undefined'), false, true);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('maps ethers errors it meets unwrapped', () => {
    const r = render(Object.assign(new Error('could not coalesce'), { code: 'INSUFFICIENT_FUNDS', shortMessage: 'insufficient funds' }));
    expect(r.code).toBe(ExitCode.FUNDS);
  });

  it('BugError always exits 1 and FlockError keeps its code', () => {
    expect(new BugError('x').exitCode).toBe(1);
    expect(new FlockError('x', { exitCode: ExitCode.INTEGRITY }).exitCode).toBe(9);
  });
});

describe('fromEthersError', () => {
  it('network errors → exit 3 with the devnet hint', () => {
    const e = fromEthersError(Object.assign(new Error('fetch failed'), { code: 'NETWORK_ERROR', shortMessage: 'network error' }), { rpcUrl: 'http://x' });
    expect(e.exitCode).toBe(ExitCode.NETWORK);
    expect(e.message).toBe('RPC endpoint at http://x is unreachable');
    expect(e.hint).toBe(RPC_HINT);
    const refused = fromEthersError({ code: 'UNKNOWN_ERROR', shortMessage: 'x', cause: { code: 'ECONNREFUSED' } });
    expect(refused.exitCode).toBe(ExitCode.NETWORK);
    expect(fromEthersError({ code: 'TIMEOUT', shortMessage: 'timeout' }).message).toMatch(/timed out/);
  });

  it('INSUFFICIENT_FUNDS → exit 5', () => {
    expect(fromEthersError({ code: 'INSUFFICIENT_FUNDS', shortMessage: 'insufficient funds' }).exitCode).toBe(ExitCode.FUNDS);
  });

  it('decodes a custom error through the given interface and applies the registered hint', () => {
    const iface = new Interface(['error ArenaNotInPhase(uint256 taskId, uint8 phase)']);
    const data = iface.encodeErrorResult('ArenaNotInPhase', [3n, 1]);
    registerRevertHint('ArenaNotInPhase', ([taskId, phase]) => `task ${taskId} is in phase ${phase}`);
    const e = fromEthersError({ code: 'CALL_EXCEPTION', shortMessage: 'execution reverted', data }, { iface, action: 'submit' });
    expect(e).toBeInstanceOf(AbortError);
    expect(e.exitCode).toBe(ExitCode.REVERTED);
    expect(e.message).toBe('submit: reverted: ArenaNotInPhase(3, 1)');
    expect(e.hint).toBe('task 3 is in phase 1');
  });

  it('uses ethers’ own decoding (err.revert) and Error(string) reasons', () => {
    const e = fromEthersError({ code: 'CALL_EXCEPTION', shortMessage: 'x', revert: { name: 'Paused', args: [] } });
    expect(e.message).toBe('reverted: Paused()');
    expect(fromEthersError({ code: 'CALL_EXCEPTION', shortMessage: 'x', reason: 'not owner' }).message).toBe('reverted: not owner');
    const unknown = fromEthersError({ code: 'CALL_EXCEPTION', shortMessage: 'x', data: '0xdeadbeef00' });
    expect(unknown.message).toBe('reverted with unknown custom error 0xdeadbeef');
  });

  it('ERC20 insufficient balance reverts → exit 5', () => {
    const iface = new Interface(['error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)']);
    const data = iface.encodeErrorResult('ERC20InsufficientBalance', ['0x000000000000000000000000000000000000dEaD', 1n, 2n]);
    expect(fromEthersError({ code: 'CALL_EXCEPTION', shortMessage: 'x', data }, { iface }).exitCode).toBe(ExitCode.FUNDS);
  });

  it('anything else is a bug that keeps its cause', () => {
    const cause = { code: 'BAD_DATA', shortMessage: 'could not decode result data' };
    const e = fromEthersError(cause);
    expect(e).toBeInstanceOf(BugError);
    expect(e.cause).toBe(cause);
  });
});
