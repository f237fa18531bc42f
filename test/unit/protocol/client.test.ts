/**
 * The protocol client binds every action of every domain (viem's shape), and the names the
 * daemons code against are there. Nothing here reaches a chain: writes without a signer and
 * Arena calls on a deployment without an Arena fail before any request.
 */
import { JsonRpcProvider } from 'ethers';
import { describe, expect, it } from 'vitest';
import type { DeploymentRecord } from '../../../src/chain/deployment.js';
import { BugError } from '../../../src/errors/index.js';
import { createProtocolClient } from '../../../src/protocol/client.js';

const at = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;
const names = ['FlockToken', 'ProtocolConfig', 'GmFlock', 'Emission', 'DelegationPools', 'FlockTimelock', 'FlockGovernor', 'FlockVotes', 'Arena'];
const record = (without: string[] = []): DeploymentRecord => ({
  chainId: 31337,
  deployedAt: new Date(0).toISOString(),
  deployer: at(1),
  block: 0,
  devnet: true,
  contracts: Object.fromEntries(names.filter((n) => !without.includes(n)).map((n, i) => [n, at(100 + i)])),
});
const runner = new JsonRpcProvider('http://127.0.0.1:9', 31337, { staticNetwork: true });

describe('protocol client', () => {
  it('binds the Arena actions and views the daemons use', () => {
    const client = createProtocolClient({ record: record(), runner });
    for (const name of ['register', 'commitModel', 'revealModel', 'drawSeed', 'commitScores', 'revealScores', 'rejectValidationSet', 'getPhase', 'getTask', 'getTaskInfo', 'getSubmission', 'getScore', 'getAssignment', 'getValidator', 'getParticipant', 'getValidationCID', 'getTaskCount']) {
      expect(typeof (client.arena as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(Object.keys(client.governance)).toContain('propose');
    expect(Object.keys(client.staking)).toEqual(['getPositions', 'redeem', 'stake']);
    expect(client.contracts.arena).toBeDefined();
  });

  it('a read-only client refuses to send (a bug in the caller), before any request', async () => {
    const client = createProtocolClient({ record: record(), runner });
    await expect(client.arena.commitModel({ taskId: 1n, commitment: `0x${'11'.repeat(32)}` })).rejects.toBeInstanceOf(BugError);
  });

  it('a deployment from before the Arena or governance says so (NO_ARENA, NO_GOVERNANCE)', async () => {
    const client = createProtocolClient({ record: record(['Arena', 'FlockGovernor']), runner });
    await expect(client.arena.getPhase({ taskId: 1n })).rejects.toMatchObject({ code: 'NO_ARENA' });
    await expect(client.governance.getProposals()).rejects.toMatchObject({ code: 'NO_GOVERNANCE' });
  });
});
