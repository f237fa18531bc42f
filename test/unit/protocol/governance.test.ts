import { Interface, encodeBytes32String, parseEther } from 'ethers';
import { describe, expect, it } from 'vitest';
import { describeState } from '../../../src/cli/describe.js';
import { parseParamValue, parseProposalId, proposalDescription, rawCallAction } from '../../../src/protocol/governance/index.js';

describe('governance facade (pure parts)', () => {
  it('parses parameter values in their units', () => {
    expect(parseParamValue('wad', '0.3', 'v')).toBe(parseEther('0.3'));
    expect(parseParamValue('wad', '30%', 'v')).toBe(parseEther('0.3'));
    expect(parseParamValue('duration', '7d', 'v')).toBe(7n * 86400n);
    expect(parseParamValue('duration', '90', 'v')).toBe(90n);
    expect(parseParamValue('amount', '100', 'v')).toBe(parseEther('100'));
    expect(parseParamValue('count', '7', 'v')).toBe(7n);
    expect(() => parseParamValue('count', '1.5', 'v')).toThrow(/invalid v/);
    expect(() => parseParamValue('duration', 'soon', 'v')).toThrow(/invalid v/);
  });

  it('writes descriptions as OpenZeppelin does (markdown title, blank line, body)', () => {
    expect(proposalDescription('Lower sigma', 'because')).toBe('# Lower sigma\n\nbecause');
    expect(proposalDescription('Lower sigma')).toBe('# Lower sigma');
  });

  it('encodes a raw call from a signature and string arguments', () => {
    const a = rawCallAction('0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0', 'set(bytes32,uint256)', ['pool.sigmaMax', '400000000000000000']);
    const iface = new Interface(['function set(bytes32,uint256)']);
    expect(a.calldata).toBe(iface.encodeFunctionData('set', [encodeBytes32String('pool.sigmaMax'), parseEther('0.4')]));
    expect(() => rawCallAction('0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0', 'set(bytes32,uint256)', ['x'])).toThrow(/takes 2 argument/);
    expect(() => rawCallAction('nope', 'f()', [])).toThrow(/invalid call target/);
  });

  it('says each state in plain words with its deadline', () => {
    const base = { voteStart: 1000, voteEnd: 2000, eta: 0, bondStatus: 'held' as const };
    expect(describeState({ ...base, state: 'pending' }, 1000 - 2 * 86400 - 3 * 3600 + 1)).toBe('flag window ends in 2 d 3 h');
    expect(describeState({ ...base, state: 'active' }, 2001 - 5 * 3600 - 12 * 60)).toBe('voting ends in 5 h 12 m');
    expect(describeState({ ...base, state: 'queued', eta: 3000 }, 2942)).toBe('executable in 58 s');
    expect(describeState({ ...base, state: 'canceled', bondStatus: 'slashed' }, 0)).toMatch(/dropped as spam/);
  });

  it('parses proposal ids (decimal or hex)', () => {
    expect(parseProposalId('42')).toBe(42n);
    expect(parseProposalId('0x2a')).toBe(42n);
    expect(() => parseProposalId('x')).toThrow(/invalid proposal id/);
  });
});
