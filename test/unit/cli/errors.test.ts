import { Writable } from 'node:stream';
import { Interface } from 'ethers';
import { describe, expect, it } from 'vitest';
import { fromEthersError, registerRevertHint, RPC_HINT } from '../../../src/chain/ethers-errors.js';
import { InvalidArgumentError } from 'commander';
import { AbortError, BugError, ERROR_CODES, type ErrorCode, ExitCode } from '../../../src/errors/index.js';
import { EngineError } from '../../../src/engine/errors.js';
import { pollSeconds } from '../../../src/cli/daemon.js';
import { handleError } from '../../../src/cli/handle-error.js';

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
    const r = render(new AbortError('no password for keystore alice', { code: 'NO_PASSWORD', hint: 'pass --password-file' }));
    expect(r.code).toBe(6);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: no password for keystore alice\nhint: pass --password-file\n');
  });

  it('renders JSON on stdout with --json', () => {
    const r = render(new AbortError('boom', { code: 'WRONG_CHAIN', hint: 'do y' }), true);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'WRONG_CHAIN', exitCode: 4, message: 'boom', hint: 'do y' } });
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

  it('BugError always exits 1 and an AbortError exits with its code’s exit code', () => {
    expect(new BugError('x').exitCode).toBe(1);
    expect(new AbortError('x', { code: 'HASH_MISMATCH' }).exitCode).toBe(9);
    for (const [code, info] of Object.entries(ERROR_CODES)) expect(new AbortError('x', { code: code as ErrorCode }).exitCode).toBe(info.exit);
  });

  // Found in review: EngineError was a plain Error, so a bad dataset or a diverged loss during
  // `flock train` printed "unexpected error ... this is a bug" and exited 1.
  it('an engine error is a one-line usage error with its hint, not a bug', () => {
    const r = render(new EngineError('bad-config', 'training diverged (loss NaN in epoch 3)', { hint: 'lower the learning rate' }));
    expect(r.code).toBe(ExitCode.USAGE);
    expect(r.stderr).toBe('error: training diverged (loss NaN in epoch 3)\nhint: lower the learning rate\n');
    expect(JSON.parse(render(new EngineError('bad-data', 'x'), true).stdout).error).toMatchObject({ code: 'bad-data', exitCode: 2 });
    expect(render(new EngineError('aborted', 'stopped')).code).toBe(ExitCode.INTERRUPTED);
  });

  // Found in review: `flock train --poll -1` threw a plain Error from the option parser (exit 1).
  it('--poll rejects a non-positive number as a usage error', () => {
    expect(() => pollSeconds('-1')).toThrow(InvalidArgumentError);
    expect(() => pollSeconds('0')).toThrow(/positive number of seconds/);
    expect(pollSeconds('0.5')).toBe(0.5);
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
