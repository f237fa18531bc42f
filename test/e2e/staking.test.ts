import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Contract, JsonRpcProvider, parseEther } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCli, tempHome, type TempHome } from '../harness/index.js';
import { ANVIL_ACCOUNT_0, ensureBuilt, startTestAnvil, stopCliDevnet } from './helpers.js';

/**
 * The staking economy end to end, through the built CLI against a real anvil: stake -> pool ->
 * delegate -> time passes -> claim, where the claim equals the contracts' own view and is > 0;
 * then each user error of the issue gives its one-line message and exit code.
 */

// anvil's accounts #0 and #1: public test keys, imported into encrypted keystores like a user's.
const ANVIL_KEY_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const ANVIL_KEY_1 = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const ANVIL_ACCOUNT_1 = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const OPERATOR = ANVIL_ACCOUNT_0;

describe('staking economy on the devnet', () => {
  let t: TempHome;
  let rpcUrl: string;
  let provider: JsonRpcProvider;
  let contracts: Record<string, string>;
  let delegatorFlags: string[];
  let operatorFlags: string[];
  const cli = (args: string[], extra: string[] = []) => runCli([...args, ...extra], { home: t.home });
  const json = async (args: string[], extra: string[] = []) => {
    const r = await cli([...args, '--json'], extra);
    expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r.json();
  };

  beforeAll(async () => {
    ensureBuilt();
    t = tempHome();
    const port = await freePort();
    const up = await runCli(['devnet', 'up', '--port', String(port), '--json'], { home: t.home, timeoutMs: 120_000 });
    expect(up.code, up.stderr).toBe(0);
    rpcUrl = up.json().rpcUrl;
    contracts = up.json().deployment.contracts;
    provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });

    // Both sign with encrypted keystores, as real users would.
    writeFileSync(join(t.dir, 'password'), 'correct horse');
    const flags = (name: string) => ['--account', name, '--password-file', join(t.dir, 'password')];
    for (const [name, key] of [['operator', ANVIL_KEY_0], ['delegator', ANVIL_KEY_1]] as const) {
      writeFileSync(join(t.dir, `${name}.key`), key);
      const imp = await cli(['wallet', 'import', name, '--private-key-file', join(t.dir, `${name}.key`)], flags(name));
      expect(imp.code, imp.stderr).toBe(0);
    }
    operatorFlags = flags('operator');
    delegatorFlags = flags('delegator');
  }, 180_000);

  afterAll(async () => {
    provider?.destroy();
    await stopCliDevnet(t.home);
    t.cleanup();
  });

  it('stake 100 FLOCK for 365 days gives 301 gmFLOCK (m = 3.01)', async () => {
    const r = await json(['stake', '100', '--lock', '365'], operatorFlags);
    expect(r.gmAmount).toBe(parseEther('301').toString());
    expect(r.gmFlock).toBe('301');
    expect(r.multiplier).toBe('3.01');
    expect(r.account).toBe(OPERATOR);
  });

  it('stake -> pool -> delegate -> time passes -> claim equals the on-chain view and is > 0', async () => {
    await json(['pool', 'create', '--sigma', '10%'], operatorFlags);
    const staked = await json(['stake', '1000', '--lock', '30'], delegatorFlags);
    expect(staked.account.toLowerCase()).toBe(ANVIL_ACCOUNT_1.toLowerCase());
    expect(staked.gmAmount).toBe(parseEther('1000').toString()); // no bonus up to 30 days
    const d = await json(['delegate', '1000', '--to', OPERATOR], delegatorFlags);
    expect(d.amount).toBe(parseEther('1000').toString());

    await json(['devnet', 'warp', '1d']);
    const adv = await json(['emission', 'advance'], operatorFlags);
    expect(BigInt(adv.released)).toBe(parseEther('1074'));
    await json(['devnet', 'warp', '1d']); // the day's emission streams to the pool over this day

    const pools = new Contract(contracts.DelegationPools!, ['function pendingRewards(address,address) view returns (uint256)'], provider);
    const onChain: bigint = await pools.getFunction('pendingRewards')(OPERATOR, ANVIL_ACCOUNT_1);
    const shown = await json(['rewards'], delegatorFlags);
    expect(BigInt(shown.total)).toBe(onChain);
    expect(onChain).toBeGreaterThan(0n);

    const token = new Contract(contracts.FlockToken!, ['function balanceOf(address) view returns (uint256)'], provider);
    const before: bigint = await token.getFunction('balanceOf')(ANVIL_ACCOUNT_1);
    const claimed = await json(['rewards', '--claim'], delegatorFlags);
    expect(BigInt(claimed.total)).toBe(onChain);
    const after: bigint = await token.getFunction('balanceOf')(ANVIL_ACCOUNT_1);
    expect(after - before).toBe(onChain);
    // Delegators share 90% of the pool's rewards: here they hold all of its stake (accumulator
    // rounding loses at most a few wei, never pays more).
    const share = (parseEther('1074') * 9n) / 10n;
    expect(onChain <= share && onChain >= share - 10n).toBe(true);

    const status = await json(['status'], delegatorFlags);
    expect(status.delegations).toHaveLength(1);
    expect(BigInt(status.delegations[0].pendingRewards)).toBe(0n);
  });

  it('undelegate starts the cooldown; withdraw before it ends is refused, after it returns the gmFLOCK', async () => {
    const u = await json(['undelegate', '--from', OPERATOR], delegatorFlags);
    expect(BigInt(u.amount)).toBe(parseEther('1000'));
    const early = await cli(['undelegate', '--withdraw', '--from', OPERATOR], delegatorFlags);
    expect(early.code).toBe(7);
    expect(early.stderr).toMatch(/ready at/);
    await json(['devnet', 'warp', '7d']);
    const w = await json(['undelegate', '--withdraw', '--from', OPERATOR], delegatorFlags);
    expect(BigInt(w.amount)).toBe(parseEther('1000'));
    // 2 + 7 of the 30 days have passed: the lock still holds; after the rest, redeem pays 95%.
    expect((await cli(['redeem'], delegatorFlags)).code).toBe(7);
    await json(['devnet', 'warp', '21d']);
    const r = await json(['redeem'], delegatorFlags);
    expect(BigInt(r.total)).toBe(parseEther('950'));
  });

  describe('user errors: one line, a hint, a documented exit code', () => {
    const expectError = (r: { code: number; stderr: string }, code: number, message: RegExp) => {
      expect(r.code, r.stderr).toBe(code);
      const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
      expect(errorLines).toHaveLength(1);
      expect(errorLines[0]).toMatch(message);
      expect(r.stderr).toMatch(/^hint: /m);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    };

    it('lock out of range -> exit 2', async () => {
      expectError(await cli(['stake', '10', '--lock', '366'], operatorFlags), 2, /lock of 366 days is out of range/);
    });
    it('malformed amount -> exit 2', async () => {
      expectError(await cli(['stake', '1e5', '--lock', '10']), 2, /invalid stake amount "1e5"/);
    });
    it('insufficient balance -> exit 5', async () => {
      expectError(await cli(['stake', '5000000', '--lock', '10'], delegatorFlags), 5, /insufficient FLOCK/);
    });
    it('redeem before unlock -> exit 7', async () => {
      expectError(await cli(['redeem', '0'], operatorFlags), 7, /position #0 is locked until/);
    });
    it('wrong chain id -> exit 4', async () => {
      expectError(await cli(['status', '--chain-id', '8453']), 4, /wrong chain id/);
    });
    it('no deployment for this chain -> exit 4', async () => {
      const bare = await startTestAnvil({ chainId: 84532 });
      try {
        expectError(await cli(['status', '--rpc-url', bare.rpcUrl]), 4, /no flock deployment for chain 84532/);
      } finally {
        await bare.stop();
      }
    });
    it('RPC unreachable -> exit 3', async () => {
      const port = await freePort();
      expectError(await cli(['status', '--rpc-url', `http://127.0.0.1:${port}`]), 3, /unreachable/);
    });
    it('wrong password -> exit 6', async () => {
      writeFileSync(join(t.dir, 'bad-password'), 'wrong');
      expectError(await cli(['stake', '1', '--lock', '1', '--account', 'delegator', '--password-file', join(t.dir, 'bad-password')]), 6, /password/);
    });
    it('a contract rule (sigma out of governed bounds) -> exit 2 before any transaction', async () => {
      expectError(await cli(['pool', 'set-sigma', '90%'], operatorFlags), 2, /outside the governed bounds/);
    });
  });
});
