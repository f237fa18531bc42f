import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Contract, Interface, JsonRpcProvider, ZeroAddress, getAddress, id } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempHome, type TempHome } from '../harness/index.js';
import { ANVIL_ACCOUNT_0, ensureBuilt, startTestAnvil, type TestAnvil } from './helpers.js';
import { loadGenesis } from '../../src/deploy/genesis.js';

/**
 * `flock deploy` to a plain chain (anvil with Base Sepolia's chain id 84532, not the devnet), as an
 * operator would, each claim checked on chain (issue #14): the genesis file allocates the whole
 * supply and no liquid holder can flag proposals alone; "already deployed" is read from the chain
 * (a fresh home with the same key is refused, nothing sent); one shared address gives another
 * home the deployment; --force keeps the old record; a short timelock delay is refused.
 */

const ANVIL_KEY_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const GENESIS = join(ROOT, 'genesis.example.yaml');
const ERC20 = new Interface([
  'event Transfer(address indexed from, address indexed to, uint256 value)',
  'function balanceOf(address) view returns (uint256)',
  'function totalSupply() view returns (uint256)',
]);

describe('flock deploy on chain 84532', () => {
  let anvil: TestAnvil;
  let provider: JsonRpcProvider;
  const homes: TempHome[] = [];
  let a: TempHome;
  let first: { protocol: string; contracts: Record<string, string>; path: string };

  /** A home with anvil's key #0 as an encrypted keystore `deployer`, the default account. */
  const home = async () => {
    const t = tempHome();
    homes.push(t);
    writeFileSync(join(t.dir, 'pw'), 'correct horse battery staple');
    writeFileSync(join(t.dir, 'key'), ANVIL_KEY_0);
    const imp = await runCli(['wallet', 'import', 'deployer', '--private-key-file', join(t.dir, 'key'), '--password-file', join(t.dir, 'pw'), '--use'], { home: t.home });
    expect(imp.code, imp.stderr).toBe(0);
    return t;
  };
  const cli = (t: TempHome, args: string[]) => runCli([...args, '--rpc-url', anvil.rpcUrl, '--password-file', join(t.dir, 'pw')], { home: t.home, timeoutMs: 180_000 });
  const nonce = () => provider.getTransactionCount(ANVIL_ACCOUNT_0);

  beforeAll(async () => {
    ensureBuilt();
    anvil = await startTestAnvil({ chainId: 84532 });
    provider = new JsonRpcProvider(anvil.rpcUrl, undefined, { staticNetwork: true });
    a = await home();
  }, 60_000);

  afterAll(async () => {
    provider?.destroy();
    await anvil?.stop();
    for (const t of homes) t.cleanup();
  });

  it('refuses, before any transaction, a deploy without --genesis and a timelock delay under a day', async () => {
    const none = await cli(a, ['deploy', '--yes']);
    expect(none.code, none.stderr).toBe(2);
    expect(none.stderr).toMatch(/needs --genesis <file>: without one the deployer would keep 90% of the supply/);
    const short = await cli(a, ['deploy', '--genesis', GENESIS, '--timelock-delay', '60', '--yes']);
    expect(short.code, short.stderr).toBe(2);
    expect(short.stderr).toMatch(/--timelock-delay 60 is under a day/);
    expect(short.stderr).toMatch(/--allow-short-delay/);
    expect(await nonce()).toBe(0);
  }, 60_000);

  it('allocates the whole supply as the genesis file says; no liquid holder reaches the flag threshold', async () => {
    const r = await cli(a, ['deploy', '--genesis', GENESIS, '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    first = r.json();
    expect(first.protocol).toMatch(/^0x[0-9a-fA-F]{40}$/);
    const c = first.contracts;
    const token = new Contract(c.FlockToken!, ERC20, provider);
    expect(await token.totalSupply()).toBe(10n ** 27n);
    expect(await token.balanceOf(ANVIL_ACCOUNT_0)).toBe(0n); // the deployer keeps nothing it does not list

    // Every holder, from the token's Transfer events.
    const logs = await provider.getLogs({ address: c.FlockToken!, topics: [id('Transfer(address,address,uint256)')], fromBlock: 0 });
    const holders = new Set(logs.map((l) => getAddress('0x' + l.topics[2]!.slice(26))));
    const plan = loadGenesis(GENESIS);
    const vesting = Object.entries(c).filter(([n]) => n.startsWith('Vesting:')).map(([, addr]) => getAddress(addr));
    expect(vesting.length).toBe(plan.allocations.filter((x) => x.kind === 'vesting').length);
    const exempt = new Set([getAddress(c.FlockTimelock!), getAddress(c.Emission!), ...vesting]);
    const governor = new Contract(c.FlockGovernor!, ['function flagThreshold() view returns (uint256)'], provider);
    const flagAt = (10n ** 27n * (await governor.flagThreshold())) / 10n ** 18n;
    let total = 0n;
    for (const h of holders) {
      const bal: bigint = await token.balanceOf(h);
      total += bal;
      if (!exempt.has(h)) expect(bal, `${h} holds ${bal}`).toBeLessThan(flagAt);
    }
    expect(total).toBe(10n ** 27n);

    // Each vesting wallet is the file's: beneficiary, start, cliff, duration, amount.
    const vw = ['function owner() view returns (address)', 'function start() view returns (uint256)', 'function duration() view returns (uint256)', 'function cliff() view returns (uint256)'];
    for (const alloc of plan.allocations) {
      if (alloc.kind !== 'vesting') continue;
      const w = new Contract(c[`Vesting:${alloc.name}`]!, vw, provider);
      expect(await w.owner()).toBe(getAddress(alloc.beneficiary));
      expect(await w.start()).toBe(alloc.start);
      expect(await w.duration()).toBe(alloc.duration);
      expect(await w.cliff()).toBe(alloc.start + alloc.cliff);
      expect(await token.balanceOf(w.target)).toBe(alloc.amount);
    }
  }, 180_000);

  it('a fresh home with the same key is told the chain has its deployment, and sends nothing', async () => {
    const b = await home();
    const before = await nonce();
    const r = await cli(b, ['deploy', '--genesis', GENESIS, '--yes']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain(`has already deployed flock on chain 84532: protocol ${first.protocol}`);
    expect(r.stderr).toContain(`flock deployment use ${first.protocol}`);
    expect(await nonce()).toBe(before);
  }, 60_000);

  it('one shared address gives another home the whole deployment, checked', async () => {
    const b = await home();
    const none = await cli(b, ['status']);
    expect(none.code).toBe(4);
    const use = await cli(b, ['deployment', 'use', first.protocol, '--json']);
    expect(use.code, use.stderr).toBe(0);
    const rec = use.json();
    expect(rec.contracts).toMatchObject(first.contracts);
    expect(rec.checks.map((x: { name: string; ok: boolean }) => [x.name, x.ok])).toEqual([
      ['code', true],
      ['supply', true],
      ['admin', true],
      ['governor', true],
      ['deployer', true],
    ]);
    const show = await cli(b, ['deployment', 'show']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`protocol ${first.protocol}`);
    const status = await cli(b, ['params', 'arena.sampleSize']);
    expect(status.code, status.stderr).toBe(0);

    const bad = await cli(b, ['deployment', 'use', first.contracts.FlockToken!]);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toMatch(/is not a flock deployment on chain 84532: the contract there is not a FlockDirectory/);
    const empty = await cli(b, ['deployment', 'use', '0x000000000000000000000000000000000000dEaD']);
    expect(empty.code).toBe(4);
    expect(empty.stderr).toMatch(/no contract at that address/);
  }, 60_000);

  it('--force deploys an independent copy and keeps the old record beside the new', async () => {
    const r = await cli(a, ['deploy', '--genesis', GENESIS, '--yes', '--force', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const second = r.json();
    expect(second.protocol).not.toBe(first.protocol);
    expect(second.contracts.FlockToken).not.toBe(first.contracts.FlockToken);
    expect(existsSync(second.replaced)).toBe(true);
    expect(JSON.parse(readFileSync(second.replaced, 'utf8')).protocol).toBe(first.protocol);
    expect(JSON.parse(readFileSync(second.path, 'utf8')).protocol).toBe(second.protocol);
    expect(readdirSync(join(a.home, 'deployments')).filter((f) => f.includes('journal'))).toEqual([]);
    // Both are on chain; the old one still answers.
    const token = new Contract(first.contracts.FlockToken!, ERC20, provider);
    expect(await token.totalSupply()).toBe(10n ** 27n);
    expect(ZeroAddress).not.toBe(second.protocol);
  }, 180_000);
});
