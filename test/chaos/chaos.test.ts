/**
 * The chaos round of issue #9: a digits task with 3 trainers and 3 validators, each a real
 * `flock train` / `flock validate` process in a home of its own, kept running as systemd keeps
 * flock-train@ / flock-validate@ (Restart=on-failure and RestartPreventExitStatus= read from the
 * units we ship; RestartSec= shortened to 2 s), all using one `flock store serve`. During the round:
 *
 * - the devnet (anvil) is stopped for 60 s in the submit phase and again in the score-commit phase,
 *   and started again with its state (`flock devnet down` / `up`);
 * - the store server is SIGKILLed as soon as a validator has the validation set (validators then
 *   fetch models) and started again 30 s later on the same port and folder;
 * - every daemon is SIGKILLed once, at a step drawn from CHAOS_SEED (default 1): right after a
 *   transaction (FLOCK_TEST_EXIT_AFTER=register|commit|reveal: mined, not yet recorded) or when it
 *   logs an event (mid-check, mid-training, between upload and reveal, mid-scoring). The draws
 *   always include a kill right after a commit and one right after a reveal.
 *
 * Asserted: the round finalizes; every honest participant revealed; nobody is slashed; the
 * ranking, rank factors and order of rewards are those of the same round run without faults
 * (second test, same devnet); no honest account sent a transaction twice, and none of theirs
 * reverted (every block of the devnet is read back); no model and no validation set was in the
 * store while commits were open; each daemon was killed exactly once and otherwise exited only
 * with 3 (RPC down at start, restarted) or, at the end, 0; the outages were noticed.
 *
 * Phases are 1 h of chain time and the test moves the clock (evm_increaseTime) only once every
 * daemon did its part, so a slow machine makes the run longer, never wrong. Anvil forgets such
 * warps when it restarts (its clock returns to the wall clock): the Arena's clock never goes back
 * (ArenaStorage._now), and every warp is computed from the chain's latest block, never from the
 * wall clock. A keeper account (anvil #9, no participant) calls Arena.sync after each warp so the
 * Arena's clock holds through the restart.
 *
 * Run: `npm run chaos` (CHAOS_SEED=<n> to replay a draw). It prints the seed, the draws and the
 * time each stage took.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeployment } from '../../src/chain/deployment.js';
import type { IArena } from '../../src/chain/types/index.js';
import { Phase, requireArena, SubmissionStatus } from '../../src/protocol/arena/index.js';
import { createProtocolClient } from '../../src/protocol/client.js';
import {
  cloneHome,
  freePort,
  listStore,
  pick,
  readDaemonState,
  ROOT,
  rpc,
  runCli,
  seededRandom,
  startStoreServer,
  supervise,
  tempHome,
  unitRestartPolicy,
  type Exit,
  type StoreServer,
  type Supervised,
  type TempHome,
} from '../harness/index.js';
import { stopAnvil } from '../../src/devnet/anvil.js';
import { ensureBuilt, stopCliDevnet } from '../e2e/helpers.js';

const SEED = Number(process.env.CHAOS_SEED ?? 1);
const CHAIN = 31337;

// anvil's default accounts (mnemonic "test … junk"): public test keys. #9 is the keeper.
const KEYS = {
  creator: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80', // #0
  t1: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d', // #1
  t2: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a', // #2
  v1: '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6', // #3
  v2: '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a', // #4
  v3: '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba', // #5
  t3: '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e', // #6
} as const;
const ADDRESSES: Record<Actor, string> = {
  creator: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  t1: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  t2: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
  v1: '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
  v2: '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65',
  v3: '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc',
  t3: '0x976EA74026E726554dB657fA54763abd0C3a0aa9',
};
const KEEPER = '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720'; // anvil #9, unlocked
type Actor = keyof typeof KEYS;
const TRAINERS = ['t1', 't2', 't3'] as const;
const VALIDATORS = ['v1', 'v2', 'v3'] as const;
type Daemon = (typeof TRAINERS)[number] | (typeof VALIDATORS)[number];
const DAEMONS: readonly Daemon[] = [...TRAINERS, ...VALIDATORS];

// Three models of clearly different accuracy on the hidden split (~0.94, ~0.97, ~0.98), a few
// seconds of training each; seeded, so both rounds train the same models.
const CONFIGS: Record<(typeof TRAINERS)[number], string> = {
  t1: 'model: { kind: mlp, hidden: [16] }\nepochs: 6\nbatchSize: 32\nlearningRate: 0.01\nvalidationFraction: 0\nseed: 1\n',
  t2: 'model: { kind: mlp, hidden: [64] }\nepochs: 20\nbatchSize: 32\nlearningRate: 0.01\nvalidationFraction: 0\nseed: 1\n',
  t3: 'model: { kind: cnn, conv: [{ filters: 16, kernelSize: 3, pool: max }, { filters: 32, kernelSize: 3, pool: max }], dense: [64], dropout: 0.2 }\nepochs: 15\nbatchSize: 32\nlearningRate: 0.003\nvalidationFraction: 0\nseed: 1\n',
};

/** Where a daemon is killed: after a transaction (the crash hook) or when it logs `event`. */
interface Crash {
  at: string;
  hook?: 'register' | 'commit' | 'reveal';
  event?: string;
}
const TRAINER_CRASHES: readonly Crash[] = [
  { at: 'mid-check of the task data', event: 'data-ready' },
  { at: 'right after register', hook: 'register' },
  { at: 'mid-training', event: 'epoch' },
  { at: 'right after commit', hook: 'commit' },
  { at: 'between upload and reveal', event: 'model-uploaded' },
  { at: 'right after reveal', hook: 'reveal' },
];
const VALIDATOR_CRASHES: readonly Crash[] = [
  { at: 'right after register', hook: 'register' },
  { at: 'mid-scoring', event: 'model-scored' },
  { at: 'right after commit', hook: 'commit' },
  { at: 'right after reveal', hook: 'reveal' },
];

/** One crash per daemon, drawn from `seed`; at least one right after a commit and one right after a reveal. */
function drawCrashes(seed: number): Record<Daemon, Crash> {
  const rand = seededRandom(seed);
  const menu = (d: Daemon) => (d.startsWith('t') ? TRAINER_CRASHES : VALIDATOR_CRASHES);
  const draws = Object.fromEntries(DAEMONS.map((d) => [d, pick(rand, menu(d))])) as Record<Daemon, Crash>;
  const count = (hook: string) => DAEMONS.filter((d) => draws[d].hook === hook).length;
  for (const [hook, other] of [['commit', 'reveal'], ['reveal', 'commit']] as const) {
    if (count(hook) > 0) continue;
    // Redraw one daemon, never the only one of the other required kind.
    const d = pick(rand, DAEMONS.filter((x) => draws[x].hook !== other || count(other) > 1));
    draws[d] = menu(d).find((c) => c.hook === hook)!;
  }
  return draws;
}

/** When something was down (ms since the epoch, as the daemons' log records' `time`). */
interface Outage {
  what: 'devnet' | 'store';
  from: number;
  to: number;
  /** The daemons that logged it, with how: `v1 (model-unavailable)`. */
  noticed: string[];
}

interface RoundResult {
  taskId: bigint;
  trainers: Record<(typeof TRAINERS)[number], { status: number; rank: bigint; rankFactor: bigint; slashed: boolean; reward: bigint }>;
  validators: Record<(typeof VALIDATORS)[number], { slashed: boolean; points: bigint; reward: bigint }>;
  stages: Record<string, number>;
  /** Each daemon's runs, by how they ended: `SIGKILL, 3, 0`. */
  exits: Record<Daemon, string>;
  outages: Outage[];
}

it('draws, whatever the seed, a kill right after a commit and one right after a reveal', () => {
  for (let seed = 0; seed < 2000; seed++) {
    const hooks = Object.values(drawCrashes(seed)).map((c) => c.hook);
    expect(hooks, `seed ${seed}`).toContain('commit');
    expect(hooks, `seed ${seed}`).toContain('reveal');
  }
  expect(drawCrashes(SEED)).toEqual(drawCrashes(SEED));
});

describe(`chaos round (CHAOS_SEED=${SEED})`, () => {
  let t: TempHome;
  let port: number;
  let rpcUrl: string;
  let provider: JsonRpcProvider;
  let arena: IArena;
  let store: StoreServer;
  let storePort: number;
  const storeDir = () => join(t.dir, 'served');
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const as = (who: Actor) => ['--account', who, '--password-file', join(t.dir, 'password')];
  const ok = async (args: string[], home = t.home) => {
    const r = await runCli(args, { home, timeoutMs: 180_000 });
    expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r;
  };
  const json = async (args: string[]) => (await ok([...args, '--json'])).json();
  const startStore = async () => (store = await startStoreServer({ home: t.home, port: storePort, dir: storeDir() }));
  let chaosResult: RoundResult | undefined;

  beforeAll(async () => {
    ensureBuilt();
    t = tempHome('flock-chaos-');
    port = await freePort();
    storePort = await freePort();
    rpcUrl = (await json(['devnet', 'up', '--port', String(port)])).rpcUrl;
    provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
    arena = requireArena(createProtocolClient({ record: readDeployment(t.home, CHAIN)!, runner: provider }));
    // Every command run from t.dir (each home's parent) uses the store server.
    await startStore();
    writeFileSync(join(t.dir, 'flock.config.yaml'), `storage:\n  backend: http\n  url: ${store.url}\n`);
    writeFileSync(join(t.dir, 'password'), 'correct horse');
    for (const w of TRAINERS) writeFileSync(join(t.dir, `${w}.yaml`), CONFIGS[w]);
    for (const [name, key] of Object.entries(KEYS) as [Actor, string][]) {
      writeFileSync(join(t.dir, `${name}.key`), key);
      await ok(['wallet', 'import', name, '--private-key-file', join(t.dir, `${name}.key`), ...as(name)]);
      await ok(['stake', '200', '--lock', '0', ...as(name)]);
    }
  }, 300_000);

  afterAll(async () => {
    provider?.destroy();
    await store?.kill();
    if (!t) return;
    await stopCliDevnet(t.home);
    if (process.env.CHAOS_KEEP) console.log(`chaos: kept ${t.dir}`);
    else t.cleanup();
  });

  /** Mines until the latest block's time is at least `ts` (read from the chain), then syncs the Arena's clock to it. */
  async function warpTo(ts: number): Promise<void> {
    for (;;) {
      await rpc(rpcUrl, 'evm_mine');
      const now = Number((await rpc<{ timestamp: string }>(rpcUrl, 'eth_getBlockByNumber', ['latest', false])).timestamp);
      if (now >= ts) break;
      await rpc(rpcUrl, 'evm_increaseTime', [ts - now]);
    }
    const keeper = await provider.getSigner(KEEPER);
    await (await arena.connect(keeper).sync()).wait();
  }

  /** The devnet is stopped (SIGTERM: anvil writes its state) and started again with it `ms` later. */
  async function anvilOutage(ms: number): Promise<Outage> {
    const from = Date.now();
    await stopAnvil(t.home, 30_000);
    await sleep(ms);
    await ok(['devnet', 'up', '--port', String(port)]);
    return { what: 'devnet', from, to: Date.now(), noticed: [] };
  }

  /**
   * One round of the digits task: creator, 3 trainers, 3 validators. With `crashes`, the faults of
   * the header; without, the same round undisturbed. The clock moves on only when every daemon
   * did its part of the phase.
   */
  async function round(crashes?: Record<Daemon, Crash>): Promise<RoundResult> {
    const chaos = Boolean(crashes);
    const outages: Outage[] = [];
    const stages: Record<string, number> = {};
    let stageStart = Date.now();
    const stage = (name: string) => {
      stages[name] = Date.now() - stageStart;
      stageStart = Date.now();
    };
    const created = await json(['task', 'create', '--spec', join(ROOT, 'examples/tasks/digits/task.yaml'), '--phase', '1h', '--bounty', '100', ...as('creator')]);
    const id = BigInt(created.taskId);
    const validationCID = (JSON.parse(readFileSync(created.secretsPath, 'utf8')) as { validationCID: string }).validationCID;
    const info = await arena.task(id);
    const firstBlock = (await provider.getBlockNumber()) - 1;

    const homes = Object.fromEntries(DAEMONS.map((d) => [d, cloneHome(t.home, join(t.dir, `task${id}-${d}`))])) as Record<Daemon, string>;
    const stateOf = (d: Daemon) => {
      return readDaemonState(homes[d], d.startsWith('t') ? 'trainer' : 'validator', CHAIN, id);
    };
    const units = {
      train: unitRestartPolicy(join(ROOT, 'deploy/systemd/flock-train@.service'), { restartSecMs: 2_000 }),
      validate: unitRestartPolicy(join(ROOT, 'deploy/systemd/flock-validate@.service'), { restartSecMs: 2_000 }),
    };
    const daemons = {} as Record<Daemon, Supervised>;
    for (const d of DAEMONS) {
      const trainer = d.startsWith('t');
      const args = trainer ? ['train', '--task', String(id), '--trainer-config', join(t.dir, `${d}.yaml`)] : ['validate', '--task', String(id)];
      const crash = crashes?.[d];
      daemons[d] = supervise(d, [...args, '--poll', '0.5', '--rpc-url', rpcUrl, ...as(d)], {
        home: homes[d],
        policy: trainer ? units.train : units.validate,
        envUntilKilled: crash?.hook ? { FLOCK_TEST_EXIT_AFTER: crash.hook } : undefined,
      });
      if (crash?.event) {
        let fired = false;
        daemons[d].onRecord((r) => {
          if (fired || r.event !== crash.event) return;
          fired = true;
          daemons[d].kill();
        });
      }
    }
    const dump = () => DAEMONS.map((d) => `${daemons[d].output()}\nstate: ${JSON.stringify(stateOf(d))}`).join('\n');
    /** An exit that is neither a kill, nor 3 (RPC down at start: restarted), nor the final 0. */
    const badExit = (e: Exit) => e.signal !== 'SIGKILL' && e.code !== 0 && e.code !== 3;
    const until = async (what: string, check: () => boolean, ms = 240_000) => {
      const deadline = Date.now() + ms;
      while (!check()) {
        const bad = DAEMONS.find((d) => daemons[d].exits.some(badExit));
        if (bad) throw new Error(`${what}: ${bad} exited ${JSON.stringify(daemons[bad].exits)}\n${dump()}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}\n${dump()}`);
        await sleep(250);
      }
    };
    const ended = (ds: readonly Daemon[]) => {
      const done = new Set<Daemon>();
      for (const d of ds) void daemons[d].ended.then(() => done.add(d));
      return () => ds.every((d) => done.has(d));
    };
    const committedScores = (v: Daemon) => Object.values((stateOf(v)?.scores ?? {}) as Record<string, { committed?: object }>).filter((s) => s.committed).length;

    try {
      // 1. Submit: everyone registers; trainers train and commit. Chaos: the devnet is down 60 s.
      await until('every daemon registered', () => DAEMONS.every((d) => stateOf(d)?.registered));
      if (chaos) outages.push(await anvilOutage(60_000));
      await until('every trainer committed', () => TRAINERS.every((d) => stateOf(d)?.committed));
      // While commits are open, nothing secret may be in the store: no model (its CID would be
      // copyable), not the hidden validation set. The store keeps what it is given, so one look
      // now sees whatever was put at any time since the task was created.
      const secrets = [validationCID, ...TRAINERS.map((d) => stateOf(d)!.model.cid as string)];
      if (chaos) {
        const listed = [...listStore(storeDir()), ...listStore(join(t.home, 'store'))];
        expect(secrets.filter((c) => listed.includes(c)), 'secrets in the store before the reveal phase').toEqual([]);
      }
      stage('submit');

      // 2. Reveal: trainers upload and reveal; the creator reveals the validation set.
      await warpTo(Number(info.submitEnd));
      expect(Number(await arena.phase(id))).toBe(Phase.Reveal);
      await ok(['task', 'reveal', String(id), ...as('creator')]);
      const trainersEnded = ended(TRAINERS);
      await until('every trainer revealed and exited', trainersEnded);
      stage('reveal');

      // 3. Score commit. Chaos: the store goes down as soon as a validator has the validation set
      //    (it fetches the models next), for 30 s; then, once a score is committed, the devnet for 60 s.
      let storeKilled: Promise<void> | undefined;
      let firstCommit = false;
      if (chaos) {
        for (const v of VALIDATORS) {
          daemons[v].onRecord((r) => {
            if (r.event === 'validation-ready' && !storeKilled) {
              outages.push({ what: 'store', from: Date.now(), to: 0, noticed: [] });
              storeKilled = store.kill();
            }
            if (r.event === 'scores-committed') firstCommit = true;
          });
        }
      }
      await warpTo(Number(info.revealEnd));
      expect(Number(await arena.phase(id))).toBe(Phase.ScoreCommit);
      if (chaos) {
        await until('a validator fetched the validation set (store killed)', () => storeKilled !== undefined);
        await storeKilled;
        await sleep(30_000);
        await startStore();
        outages.at(-1)!.to = Date.now();
        await until('a score committed', () => firstCommit || VALIDATORS.some((v) => committedScores(v) > 0));
        outages.push(await anvilOutage(60_000));
      }
      await until('every validator committed 3 scores', () => VALIDATORS.every((v) => committedScores(v) === 3));
      stage('score-commit');

      // 4. Score reveal.
      await warpTo(Number(info.scoreCommitEnd));
      expect(Number(await arena.phase(id))).toBe(Phase.ScoreReveal);
      await until('every validator revealed and exited', ended(VALIDATORS));
      stage('score-reveal');

      // 5. Finalize (anyone; here the creator).
      await warpTo(Number(info.scoreRevealEnd));
      const fin = await json(['task', 'finalize', String(id), ...as('creator')]);
      expect(fin.phase).toBe('finalized');
      stage('finalize');
    } finally {
      await Promise.all(DAEMONS.map((d) => daemons[d].stop()));
    }

    // Every daemon ended with 0; on the way only kills and exit 3 (RPC down at start, restarted).
    for (const d of DAEMONS) {
      const exits = daemons[d].exits;
      expect(exits.filter(badExit), `${d}: ${JSON.stringify(exits)}\n${daemons[d].output()}`).toEqual([]);
      expect(exits.at(-1), d).toEqual({ code: 0, signal: null });
      expect(daemons[d].output(), d).not.toMatch(/this is a bug/);
      if (crashes) expect(exits.filter((e) => e.signal === 'SIGKILL').length, `${d} killed once (${crashes[d].at})`).toBe(1);
    }
    if (chaos) {
      // Each outage was noticed (and ridden out: every daemon went on to exit 0 above).
      expect(outages.map((o) => o.what)).toEqual(['devnet', 'store', 'devnet']);
      for (const o of outages) {
        const ds = o.what === 'store' ? VALIDATORS : DAEMONS;
        for (const d of ds) {
          const seen = new Set(daemons[d].records().filter((r) => ['retrying', 'model-unavailable'].includes(r.event) && r.time >= o.from && r.time <= o.to + 5_000).map((r) => r.event as string));
          if (seen.size > 0) o.noticed.push(`${d} (${[...seen].join(', ')})`);
        }
        expect(o.noticed.length, `daemons that noticed the ${o.what} outage`).toBeGreaterThan(0);
      }
    }

    // Every honest participant revealed; nobody is slashed.
    const trainers = {} as RoundResult['trainers'];
    const subIds = {} as Record<string, bigint>;
    for (const w of TRAINERS) {
      const subId = BigInt(stateOf(w)!.registered.submissionId);
      subIds[w] = subId;
      const s = await arena.submission(id, subId);
      expect(s.account, w).toBe(ADDRESSES[w]);
      expect(Number(s.status), w).toBeGreaterThanOrEqual(SubmissionStatus.Revealed);
      expect(s.slashed, w).toBe(false);
      trainers[w] = { status: Number(s.status), rank: s.rank, rankFactor: s.rankFactor, slashed: s.slashed, reward: (await arena.claimable(id, ADDRESSES[w]))[1] };
    }
    const validators = {} as RoundResult['validators'];
    for (const v of VALIDATORS) {
      const index = BigInt(stateOf(v)!.registered.index);
      for (const w of TRAINERS) expect((await arena.score(id, subIds[w]!, index)).revealed, `${v} revealed its score of ${w}`).toBe(true);
      const vi = await arena.validator(id, index);
      expect(vi.slashed, v).toBe(false);
      validators[v] = { slashed: vi.slashed, points: vi.points, reward: (await arena.claimable(id, ADDRESSES[v]))[1] };
    }

    // No honest account sent a transaction twice, and none of theirs reverted: every block since
    // the task's creation, read back from the devnet (its state survived both restarts).
    const honest = new Set(Object.values(ADDRESSES).map((a) => a.toLowerCase()));
    const arenaAddr = (await arena.getAddress()).toLowerCase();
    const seenCalls = new Map<string, string>();
    const latest = await provider.getBlockNumber();
    for (let n = firstBlock; n <= latest; n++) {
      const block = await provider.getBlock(n, true);
      for (const tx of block!.prefetchedTransactions) {
        if (!honest.has(tx.from.toLowerCase())) continue;
        const receipt = await provider.getTransactionReceipt(tx.hash);
        expect(receipt!.status, `reverted: ${tx.hash} from ${tx.from}`).toBe(1);
        // Sent once: an Arena step (whatever its arguments) once per task; a score root once per
        // root (a validator re-commits only a new root, when a model it could not fetch has been
        // scored); each opening of a score once per submission, whatever the batch; anything else
        // (approvals) not twice with the same calldata. finalize is batched.
        let keys = [`${tx.from}:${tx.to}:${tx.data}`];
        if (tx.to?.toLowerCase() === arenaAddr) {
          const call = arena.interface.parseTransaction({ data: tx.data, value: tx.value })!;
          if (call.name === 'finalize') continue;
          if (call.name === 'commitScores') keys = [`${tx.from}:commitScores:${call.args[0]}:${call.args[1]}`];
          else if (call.name === 'revealScores') keys = (call.args[1] as { submissionId: bigint }[]).map((o) => `${tx.from}:revealScore:${call.args[0]}:${o.submissionId}`);
          else keys = [`${tx.from}:${call.name}:${call.args[0]}`];
        }
        for (const key of keys) {
          expect(seenCalls.get(key), `sent twice: ${key} (${seenCalls.get(key)} and ${tx.hash})`).toBeUndefined();
          seenCalls.set(key, tx.hash);
        }
      }
    }
    // ...and every step that had to be sent was sent: exactly once.
    const steps = [
      `${ADDRESSES.creator}:revealValidationSet:${id}`,
      ...TRAINERS.flatMap((w) => ['registerNode', 'commitModel', 'revealModel'].map((f) => `${ADDRESSES[w]}:${f}:${id}`)),
      ...VALIDATORS.flatMap((v) => [
        `${ADDRESSES[v]}:registerValidator:${id}`,
        ...TRAINERS.map((w) => `${ADDRESSES[v]}:revealScore:${id}:${subIds[w]}`),
      ]),
    ];
    expect(steps.filter((k) => !seenCalls.has(k)), 'steps never mined').toEqual([]);
    for (const v of VALIDATORS) {
      expect([...seenCalls.keys()].some((k) => k.startsWith(`${ADDRESSES[v]}:commitScores:${id}:`)), `${v} committed its scores`).toBe(true);
    }
    const exits = Object.fromEntries(DAEMONS.map((d) => [d, daemons[d].exits.map((e) => e.signal ?? e.code).join(', ')])) as Record<Daemon, string>;
    return { taskId: id, trainers, validators, stages, exits, outages };
  }

  it('finalizes through devnet and store outages and a kill of every daemon', async () => {
    const crashes = drawCrashes(SEED);
    const t0 = Date.now();
    chaosResult = await round(crashes);
    const s = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
    console.log(
      [
        `chaos: CHAOS_SEED=${SEED}, task ${chaosResult.taskId}, round took ${s(Date.now() - t0)} (${Object.entries(chaosResult.stages).map(([k, v]) => `${k} ${s(v)}`).join(', ')})`,
        `chaos: kills: ${DAEMONS.map((d) => `${d} ${crashes[d].at}`).join('; ')}`,
        `chaos: runs ended: ${DAEMONS.map((d) => `${d} ${chaosResult!.exits[d]}`).join('; ')}`,
        ...chaosResult.outages.map((o) => `chaos: ${o.what} down ${s(o.to - o.from)}, noticed by ${o.noticed.join(', ')}`),
        `chaos: ranks: ${TRAINERS.map((w) => `${w} ${chaosResult!.trainers[w].status === SubmissionStatus.Ranked ? `#${chaosResult!.trainers[w].rank}` : `status ${chaosResult!.trainers[w].status}`}`).join(', ')}`,
      ].join('\n'),
    );
  }, 900_000);

  it('ranks and rewards as the same round without faults', async () => {
    expect(chaosResult, 'the chaos round did not finish').toBeDefined();
    const calm = await round();
    for (const w of TRAINERS) {
      expect(chaosResult!.trainers[w].status, w).toBe(calm.trainers[w].status);
      expect(chaosResult!.trainers[w].rank, w).toBe(calm.trainers[w].rank);
      expect(chaosResult!.trainers[w].rankFactor, w).toBe(calm.trainers[w].rankFactor);
    }
    expect(TRAINERS.every((w) => calm.trainers[w].status === SubmissionStatus.Ranked)).toBe(true);
    const order = (r: RoundResult) => [...TRAINERS].sort((a, b) => (r.trainers[b].reward > r.trainers[a].reward ? 1 : r.trainers[b].reward < r.trainers[a].reward ? -1 : 0));
    expect(order(chaosResult!)).toEqual(order(calm));
    for (const v of VALIDATORS) expect(chaosResult!.validators[v].points > 0n && calm.validators[v].points > 0n, v).toBe(true);
    console.log(`chaos: fault-free round ${calm.taskId}: ${Object.entries(calm.stages).map(([k, v]) => `${k} ${(v / 1000).toFixed(0)} s`).join(', ')}; same ranking: ${order(calm).join(' > ')}`);
  }, 600_000);
});
