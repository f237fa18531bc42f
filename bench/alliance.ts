/**
 * Alliance round benchmark (issue #12 §4): the wall time of one whole FL Alliance round on the
 * devnet, training excluded, stage by stage, with the transactions and gas each stage sent
 * (grouped by the function they called), and the settlement's gas as a function of participants.
 *
 *   npx tsc -p bench/alliance.tsconfig.json && node dist/bench/bench/alliance.js [--nodes 6] [--proposers 3]
 *
 * Run from the repository root after `npm run build` (it drives the built CLI, bin/flock, and
 * reads examples/tasks/breast-cancer/). Flags: --nodes N (default 6), --proposers K (default 3 for
 * up to 6 nodes, else ceil(N/4): 5 of 20), --epochs E (the daemons' --epochs, default 1), --poll S
 * (the daemons' --poll, default 0.3), --stage-timeout S (default 600), --keep (keep the temp
 * folder with every log), --no-results (do not write bench/results/alliance-<N>n-<E>e.json). Prints a
 * Markdown report on stdout (the "Alliance round" section of docs/BENCHMARKS.md is a copy of it);
 * progress goes to stderr.
 *
 * What it does:
 * - setup (not timed): its own devnet (`flock devnet up --port <free> --json`, FLOCK_HOME in a
 *   temp folder, a flock.config.yaml with `devnet: accounts:` for the creator and N nodes), one
 *   encrypted keystore per actor (anvil's public test keys, FLOCK_SCRYPT_N=1024), 200 gmFLOCK
 *   staked by each, the task's training file dealt IID into one private file per node
 *   (src/fl/split-file.ts, as `flock fl split`), and an alliance.yaml with the settings of
 *   examples/alliance/breast-cancer.yaml but 1 round, K proposers, exactly N participants and
 *   1 h phases (the clock is warped to each phase's end, so only the join window's length
 *   matters: N daemons starting at once on a busy machine must fit in it);
 * - the round (timed): `flock alliance create` (one CLI call), then N `flock alliance join`
 *   daemons (`--poll 0.3 --until-round 1 --epochs 1`, each its own FLOCK_HOME and data file)
 *   started together. Each later stage begins with a warp of the devnet's clock to the end of the
 *   phase before (evm_setNextBlockTimestamp + evm_mine, from this process), except propose-commit,
 *   which begins when the roles are drawn. The script warps once the phase's work is on chain, as
 *   `flock alliance wait` decides it (allianceReady over getAllianceProgress, read in-process after
 *   every new block); the stage's end is taken from the chain: when this script first saw the
 *   block of the transaction that completed it (blocks are watched every 50 ms), so neither a CLI
 *   start nor the progress read (about 2 + N calls) is timed. A stage the daemons carry out
 *   includes the wait for their next poll. Last, one `flock alliance claim` per participant and
 *   the creator, one after another (a stage of CLI calls: timed to the last call's return);
 * - training: the proposers train inside their daemons (there is no way to hand one a pre-built
 *   update), so the propose-commit stage is reported as measured and with the longest training
 *   subtracted; each proposer's training is read from its NDJSON log (round-role -> update-ready:
 *   reading the global model from the store, `--epochs` epochs on its local train part, the ONNX
 *   export);
 * - afterwards (not timed): every transaction of the round, read back block by block from the
 *   devnet (anvil automines one block per transaction; a warp mines an empty one), named by its
 *   target contract and function selector, with the wall time this process first saw its block,
 *   and put in the stage that owns its function (a race loser mined after the winner stays with
 *   its stage); the settle transactions' ParticipantSettled outcomes; the results in
 *   bench/results/alliance-<N>n-<E>e.json, from which the settlement table takes earlier runs;
 * - always, even on failure or Ctrl-C: daemons stopped, `flock devnet down`, temp folder and this
 *   process's devnet registry folder removed.
 *
 * A daemon that exits non-zero, or reports a skipped vote or a missed phase, stops the bench with
 * its log's tail: the bench never restarts a node nor covers for one.
 */
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Interface, JsonRpcProvider, Network, type InterfaceAbi } from 'ethers';
import { readDeployment } from '../src/chain/deployment.js';
import { loadTaskSpec } from '../src/engine/index.js';
import { splitDataFile } from '../src/fl/split-file.js';
import { allianceReady, getAllianceProgress, type AllianceProgress } from '../src/protocol/alliance/progress.js';
import { createProtocolClient, type ProtocolClient } from '../src/protocol/client.js';
import { cloneHome, ROOT, rpc, spawnCli } from '../test/harness/index.js';
import { DevnetBench, hasFlag, now, numFlag, readJson, sleep, tail } from './devnet-round.js';

// ------------------------------------------------------------------ flags

const NODES = numFlag('--nodes', 6, { min: 2 });
const PROPOSERS = numFlag('--proposers', NODES <= 6 ? Math.floor(NODES / 2) : Math.ceil(NODES / 4));
if (PROPOSERS >= NODES) {
  process.stderr.write(`--proposers ${PROPOSERS} must be below --nodes ${NODES} (someone votes)\n`);
  process.exit(2);
}
const EPOCHS = numFlag('--epochs', 1);
const POLL = numFlag('--poll', 0.3, { int: false, min: 0.05 });
const STAGE_TIMEOUT_MS = numFlag('--stage-timeout', 600) * 1000;
const WRITE_RESULTS = !hasFlag('--no-results');
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

const TASK = path.join(ROOT, 'examples', 'tasks', 'breast-cancer', 'task.yaml');
const TRAIN = path.join(ROOT, 'examples', 'tasks', 'breast-cancer', 'train.csv.gz');
/** Every phase, join window included: long enough for N daemons to start on a busy machine (the clock is warped past the rest). */
const PHASE = '1h';

// ------------------------------------------------------------------ processes

let stopWatch = false;
const bench = new DevnetBench('alliance', { keep: hasFlag('--keep'), cliTimeoutMs: 180_000, onCleanup: () => (stopWatch = true) });
const { work, mainHome, log } = bench;
const okJson = bench.okJson.bind(bench);

interface LogEvent {
  event: string;
  time: number;
  [k: string]: any;
}
interface Daemon {
  name: string;
  home: string;
  child: ChildProcess;
  code: number | undefined;
  logPath: string;
  /** NDJSON records read so far, and where the next read starts. */
  events: LogEvent[];
  offset: number;
  /** Largest resident set seen (kB). */
  peakRssKb: number;
  /** performance.now() when it exited. */
  exitedAt?: number;
}
const daemons: Daemon[] = [];

function spawnDaemon(name: string, home: string, args: string[]): Daemon {
  const d: Daemon = { name, home, logPath: path.join(work, `${name}.log`), code: undefined, events: [], offset: 0, peakRssKb: 0 } as unknown as Daemon;
  const out = createWriteStream(d.logPath, { flags: 'a' });
  const child = spawnCli(args, { home });
  bench.track(child);
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  d.child = child;
  child.on('close', (code, signal) => {
    d.code = code ?? (signal ? 128 : 1);
    d.exitedAt = now();
  });
  daemons.push(d);
  return d;
}

/** Reads the NDJSON records a daemon logged since the last call (lines that are not JSON are skipped). */
function readEvents(d: Daemon): void {
  let text: string;
  try {
    text = readFileSync(d.logPath, 'utf8');
  } catch {
    return;
  }
  const end = text.lastIndexOf('\n') + 1;
  if (end <= d.offset) return;
  for (const line of text.slice(d.offset, end).split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const r = JSON.parse(line);
      if (typeof r.event === 'string' && typeof r.time === 'number') d.events.push(r);
    } catch {
      /* a line that is not a record */
    }
  }
  d.offset = end;
}
const eventOf = (d: Daemon, name: string, pred: (e: LogEvent) => boolean = () => true) => d.events.find((e) => e.event === name && pred(e));

/** A daemon's node process and, below it, anything it spawned: summed VmRSS in kB (Linux; 0 elsewhere). */
function rssKb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
function memAvailableMb(): number {
  try {
    const m = /MemAvailable:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'));
    return m ? Number(m[1]) / 1024 : os.freemem() / 2 ** 20;
  } catch {
    return os.freemem() / 2 ** 20;
  }
}
const memory = { peakDaemonsRssMb: 0, minAvailableMb: Infinity, peakLoad1: 0 };
function sampleMemory(): void {
  let sum = 0;
  for (const d of daemons) {
    if (d.code !== undefined) continue;
    const kb = rssKb(d.child.pid);
    d.peakRssKb = Math.max(d.peakRssKb, kb);
    sum += kb;
  }
  memory.peakDaemonsRssMb = Math.max(memory.peakDaemonsRssMb, sum / 1024);
  memory.minAvailableMb = Math.min(memory.minAvailableMb, memAvailableMb());
  memory.peakLoad1 = Math.max(memory.peakLoad1, os.loadavg()[0]!);
}

// ------------------------------------------------------------------ the chain, watched

let rpcUrl = '';
const blockNumber = async () => Number(BigInt(await rpc<string>(rpcUrl, 'eth_blockNumber')));
/** performance.now() at which this process first saw each block (polled every 50 ms). */
const seenAt = new Map<number, number>();
let lastSeen = 0;
let blockWaiters: (() => void)[] = [];
async function watchBlocks(): Promise<void> {
  while (!stopWatch) {
    try {
      const n = await blockNumber();
      if (n > lastSeen) {
        const t = now();
        for (let b = lastSeen + 1; b <= n; b++) seenAt.set(b, t);
        lastSeen = n;
        const w = blockWaiters;
        blockWaiters = [];
        for (const f of w) f();
      }
    } catch {
      /* the devnet is going down, or busy: next time */
    }
    await sleep(50);
  }
}
/** Resolves at the next new block, or after `ms`. */
const nextBlock = (ms: number) => new Promise<void>((r) => {
  blockWaiters.push(r);
  setTimeout(r, ms);
});

/** Sets the next block's time to `ts` (a phase's end) and mines it (an empty block). */
async function warpTo(ts: number): Promise<void> {
  const block = await rpc<{ timestamp: string }>(rpcUrl, 'eth_getBlockByNumber', ['latest', false]);
  if (ts > Number(BigInt(block.timestamp))) await rpc(rpcUrl, 'evm_setNextBlockTimestamp', [ts]);
  await rpc(rpcUrl, 'evm_mine', []);
}

// ------------------------------------------------------------------ the round's bookkeeping

interface Sub {
  label: string;
  /** Wall ms shown: from the start of the stage, or a plain duration when `sum`. */
  ms: number;
  sum?: boolean;
  /** Senders whose transactions belong to this part (undefined: a line without transactions). */
  senders?: Set<string>;
  note: string;
}
interface Stage {
  label: string;
  note: string;
  /** The functions whose transactions belong to this stage (a late, reverted race loser included). */
  owns: string[];
  /** When the stage starts: its own first action (a warp, a spawn, a CLI call), or the end of the one before (no warp between). */
  startMode: 'self' | 'previous';
  perfStart: number;
  /** What this script observed (its checks lag the chain by a progress read). */
  observedEnd: number;
  observedToBlock: number;
  /** The transaction that completes the stage on chain (its block's first sighting ends the stage); none: the observed end (a CLI call's return). */
  endTx?: (own: Tx[]) => Tx | undefined;
  subs?: (s: Stage) => Sub[];
  // Filled in afterwards:
  start: number;
  end: number;
  ms: number;
  fromBlock: number;
  toBlock: number;
  txs: Tx[];
}
const stages: Stage[] = [];
let currentStage = '';

async function stage(
  label: string,
  note: string,
  o: { owns: string[]; startMode?: Stage['startMode']; endTx?: Stage['endTx']; subs?: Stage['subs'] },
  fn: () => Promise<void>,
): Promise<Stage> {
  log(`stage: ${label}`);
  currentStage = label;
  const perfStart = now();
  await fn();
  const s = { label, note, owns: o.owns, startMode: o.startMode ?? 'self', perfStart, observedEnd: now(), observedToBlock: await blockNumber(), endTx: o.endTx, subs: o.subs } as Stage;
  stages.push(s);
  log(`  seen done after ${((s.observedEnd - perfStart) / 1000).toFixed(2)} s, block ${s.observedToBlock}`);
  return s;
}

/** The n-th successful transaction calling `fn` (default: the last). */
const nth = (fn: string, n?: number) => (own: Tx[]) => {
  const ok = own.filter((t) => t.fn === fn && !t.reverted);
  return n === undefined ? ok.at(-1) : ok[n - 1];
};

/** Events that mean a node did not do its part: the bench stops on them rather than wait for a phase that cannot complete. */
const RED_FLAGS = new Set(['vote-skipped', 'round-missed', 'round-unscored', 'task-failed']);

/**
 * Polls `check` after every new block (or every 500 ms); fails on timeout, as soon as a daemon
 * exits non-zero (or zero before `exitOk`), or reports a skipped vote or a missed phase.
 */
async function until(what: string, check: () => Promise<boolean>, { exitOk = false } = {}): Promise<number> {
  const t0 = now();
  for (;;) {
    for (const d of daemons) readEvents(d);
    sampleMemory();
    const failed = daemons.find((d) => d.code !== undefined && d.code !== 0);
    if (failed) throw new Error(`${failed.name} exited ${failed.code} while waiting for ${what} (stage "${currentStage}")\n${tail(failed.logPath)}`);
    for (const d of daemons) {
      const bad = d.events.find((e) => RED_FLAGS.has(e.event));
      if (bad) throw new Error(`${d.name} reported ${bad.event} while waiting for ${what}: ${JSON.stringify(bad)}\n${tail(d.logPath)}`);
    }
    if (await check()) return now() - t0;
    // A node stops (exit 0) once round 1 is settled: before the stage that waits for it, that is a failure.
    const early = exitOk ? undefined : daemons.find((d) => d.code === 0);
    if (early) throw new Error(`${early.name} exited 0 while waiting for ${what} (stage "${currentStage}")\n${tail(early.logPath)}`);
    if (now() - t0 > STAGE_TIMEOUT_MS) throw new Error(`timed out after ${STAGE_TIMEOUT_MS / 1000} s waiting for ${what}`);
    await nextBlock(500);
  }
}

// ------------------------------------------------------------------ transactions, named

interface Tx {
  block: number;
  hash: string;
  from: string;
  to: string;
  fn: string;
  gas: bigint;
  reverted: boolean;
  logs: { address: string; topics: string[]; data: string }[];
}

/** `Contract.function` for each (address, selector) of the deployment, from forge's artifacts in out/. */
function namer(contracts: Record<string, string>): (to: string, input: string) => string {
  const byAddress = new Map<string, { name: string; iface: Interface[] }>();
  for (const [name, address] of Object.entries(contracts)) {
    const iface: Interface[] = [];
    for (const n of [name, `I${name}`]) {
      const file = path.join(ROOT, 'out', `${n}.sol`, `${n}.json`);
      if (existsSync(file)) iface.push(new Interface(readJson(file).abi as InterfaceAbi));
    }
    byAddress.set(address.toLowerCase(), { name, iface });
  }
  return (to, input) => {
    const c = byAddress.get(to.toLowerCase());
    const selector = input.slice(0, 10);
    if (!c) return `${to.slice(0, 10)}….${selector}`;
    for (const i of c.iface) {
      const f = i.getFunction(selector);
      if (f) return `${c.name}.${f.name}`;
    }
    return `${c.name}.${selector}`;
  };
}

/**
 * Fixes each stage's end, block range and transactions from the chain: a stage ends when this
 * script first saw the block of its completing transaction (not when its own, slower, progress
 * read noticed); a transaction belongs to the stage that owns its function (a race loser mined
 * after the winner stays with its stage), else to the stage whose blocks hold it.
 */
function settleStages(txs: Tx[], startBlock: number): void {
  let prev: Stage | undefined;
  for (const s of stages) {
    s.fromBlock = (prev?.toBlock ?? startBlock) + 1;
    s.start = s.startMode === 'previous' && prev ? prev.end : s.perfStart;
    const own = txs.filter((t) => t.block >= s.fromBlock && s.owns.includes(t.fn));
    const done = s.endTx?.(own);
    if (s.endTx && !done) throw new Error(`stage "${s.label}": no completing transaction found on chain`);
    s.toBlock = done ? done.block : s.observedToBlock;
    s.end = done ? seenAt.get(done.block) ?? s.observedEnd : s.observedEnd;
    s.ms = s.end - s.start;
    s.txs = [];
    prev = s;
  }
  for (const t of txs) {
    const owners = stages.filter((s) => s.owns.includes(t.fn));
    const byBlock = stages.find((s) => t.block >= s.fromBlock && t.block <= s.toBlock) ?? stages.filter((s) => s.fromBlock <= t.block).at(-1) ?? stages[0]!;
    const home = owners.length === 0 ? byBlock : owners.length === 1 ? owners[0]! : (owners.find((s) => s === byBlock) ?? owners.filter((s) => s.fromBlock <= t.block).at(-1) ?? owners[0]!);
    home.txs.push(t);
  }
}

// ------------------------------------------------------------------ main

interface Results {
  nodes: number;
  epochs: number;
  proposers: number;
  voters: number;
  date: string;
  machine: string;
  accepted: boolean;
  settle: { txs: number; reverted: number; gas: string; outcomes: Record<string, number> };
  stages: { label: string; wallS: number; txs: number; reverted: number; gas: string }[];
  trainingS: number[];
  roundS: number;
  roundGas: string;
}

const wallOf = (perf: number) => performance.timeOrigin + perf;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  bench.requireBuilt(TASK);
  const timed = bench.timed.bind(bench);
  const loadAtStart = os.loadavg();

  // Actors: #0 creates the task, #1..N are the nodes.
  const names = ['creator', ...Array.from({ length: NODES }, (_, i) => `node${i + 1}`)];
  const nodes = names.slice(1);

  // 1. Devnet, keystores, stakes, the nodes' data, the task's file.
  const net = await bench.devnet(names, 'flock devnet up (anvil + deploy + VRF fulfiller)');
  const { chainId, rpcFlag, as, addressOf } = net;
  rpcUrl = net.rpcUrl;
  const nameOf = new Map([...addressOf].map(([n, a]) => [a, n]));
  const senders = (pred: (n: string) => boolean) => new Set(names.filter(pred).map((n) => addressOf.get(n)!));
  const record = readDeployment(mainHome, chainId);
  if (!record?.contracts.Alliance) throw new Error(`the devnet's deployment has no Alliance (${Object.keys(record?.contracts ?? {}).join(', ')})`);
  const provider = new JsonRpcProvider(rpcUrl, Network.from(chainId), { staticNetwork: true });
  const client: ProtocolClient = createProtocolClient({ record, runner: provider });
  lastSeen = await blockNumber();
  void watchBlocks();
  const { spec } = await loadTaskSpec(TASK);
  const split = await timed(`deal train.csv.gz IID into ${NODES} private files (splitDataFile)`, () =>
    splitDataFile({ file: TRAIN, schema: spec.schema, clients: NODES, kind: 'iid', seed: 1, out: path.join(work, 'data') }),
  );
  const rows = split.clients.map((c) => c.rows);
  log(`data: ${split.rows} rows dealt ${rows.join(', ')}`);
  const allianceYaml = path.join(work, 'alliance.yaml');
  writeFileSync(
    allianceYaml,
    [
      '# examples/alliance/breast-cancer.yaml, sized for the benchmark',
      `task: ${TASK}`,
      'rounds: 1',
      `proposers: ${PROPOSERS}`,
      `participants: { min: ${NODES}, max: ${NODES} }`,
      `phases: { join: ${PHASE}, proposeCommit: ${PHASE}, proposeReveal: ${PHASE}, voteCommit: ${PHASE}, voteReveal: ${PHASE} }`,
      'stake: { creator: 100, min: 10 }',
      'rewardPool: 100',
      'aggregation: { rule: fedavg }',
      'privacy: off',
      'maxUpdateNorm: 1000',
      '',
    ].join('\n'),
  );
  // One home per daemon, as one machine per operator would have; they share the devnet's
  // deployment record, the keystores and the store folder (a local directory store).
  const homeOf = new Map(nodes.map((n) => [n, cloneHome(mainHome, path.join(work, `home-${n}`))]));

  const cliFloorMs = await bench.cliFloorMs();

  // ---------------------------------------------------------------- the round (timed)
  const startBlock = await blockNumber();
  const t0 = now();
  let taskId = 0n;
  let progress: AllianceProgress | undefined;
  const read = async () => (progress = await getAllianceProgress(client, { taskId }));
  const phaseIs = async (...phases: string[]) => phases.includes((await read()).round?.phase ?? '');
  const ready = async () => allianceReady(await read()).ready;
  const round = () => progress!.round!;
  const daemonOf = (n: string) => daemons.find((x) => x.name === n)!;
  const logTimes = (who: string[], event: string) =>
    who.map((n) => {
      readEvents(daemonOf(n));
      return eventOf(daemonOf(n), event, (e) => e.round === 1);
    });
  const roles = { proposers: [] as string[], voters: [] as string[] };
  const proposerSet = new Set<string>();
  const voterSet = new Set<string>();
  let training: { name: string; trainMs: number; examples: number }[] = [];
  let longestTrainMs = 0;
  const claimMs: { creator: number[]; node: number[] } = { creator: [], node: [] };

  await stage(
    'create',
    'one `flock alliance create` call: builds the initial model (seeded, untrained), stores it and the public spec, approves the creator stake and the reward pool, `createTask`',
    { owns: ['GmFlock.approve', 'FlockToken.approve', 'Alliance.createTask'] },
    async () => {
      const { json } = await okJson<{ taskId: string }>(['alliance', 'create', '--spec', allianceYaml, ...as('creator'), ...rpcFlag]);
      taskId = BigInt(json.taskId);
    },
  );

  await stage(
    'join',
    `${NODES} \`flock alliance join\` daemons start together; each reads the task and its spec from the store, splits its private file into a local train and test part, approves gmFLOCK and joins with the task's minimum stake (10 gmFLOCK)`,
    {
      owns: ['GmFlock.approve', 'Alliance.join'],
      endTx: nth('Alliance.join', NODES),
      subs: (s) => {
        const first = nth('Alliance.join', 1)(s.txs)!;
        return [{ label: 'first node joined', ms: seenAt.get(first.block)! - s.start, note: 'from the start of the stage (Node.js, tfjs and the split first)' }];
      },
    },
    async () => {
      nodes.forEach((n, i) =>
        spawnDaemon(n, homeOf.get(n)!, [
          'alliance', 'join', '--task', taskId.toString(), '--data', split.clients[i]!.file, '--epochs', String(EPOCHS),
          '--until-round', '1', '--poll', String(POLL), ...rpcFlag, ...as(n),
        ]),
      );
      await until(`${NODES} participants`, async () => (await read()).participants >= NODES);
    },
  );

  await stage(
    'start + VRF word + draw',
    'warp to the end of the join window; on its next poll a node sends `startRound` (the Alliance requests a word from the VRF coordinator mock), the devnet\'s fulfiller answers the request, and a node sends `drawRoles` (the roles follow from the word and the stakes)',
    { owns: ['Alliance.startRound', 'VRFCoordinatorV2_5Mock.fulfillRandomWords', 'Alliance.drawRoles'], endTx: nth('Alliance.drawRoles') },
    async () => {
      await warpTo((await client.alliance.getAllianceTask({ taskId })).joinEnd);
      await until('round 1 drawn', () => phaseIs('propose-commit', 'propose-reveal', 'vote-commit', 'vote-reveal', 'settling', 'settled'));
    },
  );

  await stage(
    'propose-commit',
    `each proposer sees its role on its next poll, trains ${EPOCHS} epoch${EPOCHS === 1 ? '' : 's'} from the global model on its local train part (in its daemon: the ${PROPOSERS} train at once, on the machine's cores), keeps the update and commits hash(update, examples, node, salt)`,
    {
      owns: ['Alliance.commitUpdate'],
      // The proposers start as soon as the roles are drawn: no warp between the two stages.
      startMode: 'previous',
      endTx: nth('Alliance.commitUpdate', PROPOSERS),
      subs: (s) => {
        const seen = logTimes(roles.proposers, 'round-role').map((e) => e!.time - wallOf(s.start));
        return [
          { label: 'proposers saw their role', ms: Math.max(...seen), note: `the last one, from its log (\`round-role\`); the first after ${(Math.min(...seen) / 1000).toFixed(2)} s` },
          { label: `training (${PROPOSERS} proposers, from their logs)`, ms: longestTrainMs, sum: true, note: `the longest; each: ${training.map((t) => `${(t.trainMs / 1000).toFixed(2)} s (${t.examples} rows)`).join(', ')} (\`round-role\` -> \`update-ready\`: read the global model, train, export)` },
          { label: '**propose-commit, training excluded**', ms: s.ms - longestTrainMs, sum: true, note: 'the stage less the longest training' },
        ];
      },
    },
    async () => {
      await until(`${PROPOSERS} update commitments`, ready);
    },
  );
  // Not timed: the next stage begins with a warp, and nothing happens on chain before it.
  for (const n of nodes) {
    const r = await client.alliance.getAllianceRole({ taskId, round: 1, account: addressOf.get(n)! });
    (r.role === 'proposer' ? roles.proposers : roles.voters).push(n);
    (r.role === 'proposer' ? proposerSet : voterSet).add(addressOf.get(n)!);
  }
  log(`proposers: ${roles.proposers.join(', ')}`);
  training = roles.proposers.map((n) => {
    const [role] = logTimes([n], 'round-role');
    const [readyAt] = logTimes([n], 'update-ready');
    if (!role || !readyAt) throw new Error(`${n}'s log lacks round-role / update-ready for round 1\n${tail(daemonOf(n).logPath)}`);
    return { name: n, trainMs: readyAt.time - role.time, examples: readyAt.examples as number };
  });
  longestTrainMs = Math.max(...training.map((t) => t.trainMs));

  await stage(
    'propose-reveal',
    'warp to the end of propose-commit; on its next poll each proposer puts its update in the store (content-addressed) and reveals it (`revealUpdate`: CID, examples, salt)',
    { owns: ['Alliance.revealUpdate'], endTx: nth('Alliance.revealUpdate', PROPOSERS) },
    async () => {
      await warpTo(round().proposeCommitEnd);
      await until('every committed update revealed', async () => (await phaseIs('propose-reveal')) && (await ready()));
    },
  );

  await stage(
    'vote-commit',
    `warp to the end of propose-reveal; on its next poll each of the ${NODES - PROPOSERS} voters fetches the ${PROPOSERS} revealed updates (verified by CID), aggregates them (FedAvg), scores the aggregate and the global model on its local test part, blames outliers, puts the aggregate in the store and commits its vote`,
    {
      owns: ['Alliance.commitVote'],
      endTx: nth('Alliance.commitVote', NODES - PROPOSERS),
      subs: (s) => {
        const after = logTimes(roles.voters, 'voted').map((e) => e!.time - wallOf(s.start));
        return [{ label: 'voters had voted (fetch, aggregate, score)', ms: Math.max(...after), note: `the last one, from their logs (\`voted\`); median ${(median(after) / 1000).toFixed(2)} s, first ${(Math.min(...after) / 1000).toFixed(2)} s` }];
      },
    },
    async () => {
      await warpTo(round().proposeRevealEnd);
      await until('every voter committed', async () => (await phaseIs('vote-commit')) && (await ready()));
    },
  );

  await stage(
    'vote-reveal',
    'warp to the end of vote-commit; on its next poll each voter reveals its vote (aggregate CID, both scores, blame mask, salt)',
    { owns: ['Alliance.revealVote'], endTx: nth('Alliance.revealVote', NODES - PROPOSERS) },
    async () => {
      await warpTo(round().voteCommitEnd);
      await until('every committed vote revealed', async () => (await phaseIs('vote-reveal')) && (await ready()));
    },
  );

  await stage(
    'settle',
    'warp to the end of vote-reveal; on its next poll a node settles the round (`settleRound`, up to 64 participants a transaction: fixes the result, pays or slashes each participant); with 1 round this finishes the task',
    {
      owns: ['Alliance.settleRound'],
      endTx: nth('Alliance.settleRound'),
      subs: (s) => {
        const last = Math.max(...daemons.map((d) => d.exitedAt!));
        return [{ label: `every daemon exited 0`, ms: last - s.start, note: 'from the start of the stage: each reports the round\'s result (scoring the global model it left on its test part, unless it voted) and stops (`--until-round 1`)' }];
      },
    },
    async () => {
      await warpTo(round().voteRevealEnd);
      await until('round 1 settled', () => phaseIs('settled'), { exitOk: true });
      await until('every daemon exited 0', async () => daemons.every((d) => d.code === 0), { exitOk: true });
    },
  );

  await stage(
    `claim (${names.length}, one after another)`,
    'one `flock alliance claim` call per node and the creator: reward and stake back (the task is finished); the creator gets its stake and the unspent pool',
    {
      owns: ['Alliance.claim'],
      subs: () => [
        { label: 'creator', ms: claimMs.creator.reduce((a, b) => a + b, 0), sum: true, senders: senders((n) => n === 'creator'), note: 'sum' },
        { label: `nodes (${NODES})`, ms: claimMs.node.reduce((a, b) => a + b, 0), sum: true, senders: senders((n) => n !== 'creator'), note: `sum; ${(median(claimMs.node) / 1000).toFixed(2)} s each (median)` },
      ],
    },
    async () => {
      for (const n of names) {
        const { r } = await okJson(['alliance', 'claim', taskId.toString(), ...as(n), ...rpcFlag]);
        (n === 'creator' ? claimMs.creator : claimMs.node).push(r.ms);
      }
    },
  );
  const endToEndMs = now() - t0;
  const endBlock = await blockNumber();
  await sleep(200); // the watcher's last sighting
  stopWatch = true;

  // ---------------------------------------------------------------- afterwards (not timed)
  const name = namer(record.contracts);
  const txs: Tx[] = [];
  for (let b = startBlock + 1; b <= endBlock; b++) {
    const block = await rpc<{ transactions: { hash: string; from: string; to: string | null; input: string }[] }>(rpcUrl, 'eth_getBlockByNumber', [`0x${b.toString(16)}`, true]);
    for (const tx of block.transactions) {
      const receipt = await rpc<{ gasUsed: string; status: string; logs: Tx['logs'] }>(rpcUrl, 'eth_getTransactionReceipt', [tx.hash]);
      const to = tx.to ?? '0x';
      txs.push({ block: b, hash: tx.hash, from: tx.from.toLowerCase(), to, fn: tx.to ? name(to, tx.input) : 'contract creation', gas: BigInt(receipt.gasUsed), reverted: receipt.status !== '0x1', logs: receipt.logs });
    }
  }
  settleStages(txs, startBlock);
  const final = await client.alliance.getAllianceRound({ taskId, round: 1 });
  const task = await client.alliance.getAllianceTask({ taskId });
  const verdicts = logTimes(roles.voters, 'voted') as unknown as { improved: boolean; previousScore: number; newScore: number }[];

  // The settlement: its transactions' ParticipantSettled outcomes.
  const alliance = new Interface(readJson(path.join(ROOT, 'out', 'IAlliance.sol', 'IAlliance.json')).abi as InterfaceAbi);
  const settleTxs = txs.filter((t) => t.fn === 'Alliance.settleRound');
  const settled = settleTxs.filter((t) => !t.reverted);
  const outcomes: Record<string, number> = {};
  const roleNames = ['none', 'proposer', 'voter'];
  const outcomeNames = outcomeEnum();
  for (const t of settled) {
    for (const l of t.logs) {
      if (l.address.toLowerCase() !== record.contracts.Alliance!.toLowerCase()) continue;
      const ev = alliance.parseLog(l);
      if (ev?.name !== 'ParticipantSettled') continue;
      const key = `${roleNames[Number(ev.args.role)] ?? ev.args.role} ${outcomeNames[Number(ev.args.outcome)] ?? ev.args.outcome}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
  }

  const fmtN = (xs: Tx[]) => {
    const reverted = xs.filter((t) => t.reverted).length;
    return `${xs.length}${reverted ? ` (${reverted} reverted)` : ''}`;
  };
  const gasOf = (xs: Tx[]) => xs.reduce((a, t) => a + t.gas, 0n);
  const roundMs = stages.reduce((a, s) => a + s.ms, 0);
  const reverted = txs.filter((t) => t.reverted);

  // ---------------------------------------------------------------- report
  const out = (s = '') => console.log(s);
  const sec = (ms: number) => (ms / 1000).toFixed(2);
  const gas = (g: bigint) => g.toLocaleString('en-US');
  const anvilVersion = readJson(path.join(ROOT, 'node_modules', '@foundry-rs', 'anvil', 'package.json'))?.version ?? '?';
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, anvil ${anvilVersion} (@foundry-rs/anvil, automine)`;
  const roleOf = (addr: string) => (addr === addressOf.get('creator') ? 'creator' : proposerSet.has(addr) ? 'proposers' : voterSet.has(addr) ? 'voters' : nameOf.has(addr) ? 'nodes' : addr === record.deployer.toLowerCase() ? 'deployer' : 'the VRF fulfiller');
  out(`Machine: ${machine}; load average ${loadAtStart.map((x) => x.toFixed(1)).join(' / ')} at the start, peak 1-min ${memory.peakLoad1.toFixed(1)} during the round.`);
  out(
    `Round: ${NODES} nodes (${PROPOSERS} proposers: ${roles.proposers.join(', ')}; ${NODES - PROPOSERS} voters), breast-cancer task (MLP 32-16, FedAvg), 1 round, each node ${Math.min(...rows)}-${Math.max(...rows)} rows of train.csv.gz (IID) split 80/20 into local train and test parts, \`--epochs ${EPOCHS}\`, \`--poll ${POLL}\`, phases of ${PHASE} ended by warping the clock once their work was on chain.`,
  );
  out(
    `Result: round 1 ${final.accepted ? 'accepted (the aggregate is the new global model)' : 'failed (the global model stays)'}, task ${task.status}; settled in ${settled.length} transaction${settled.length === 1 ? '' : 's'}: ${Object.entries(outcomes).map(([k, v]) => `${v} ${k}`).join(', ')}; ${names.length} claims paid.`,
  );
  out(`Voters: ${verdicts.filter((v) => v.improved).length} of ${verdicts.length} found the aggregate no worse than the global model on their local test part (a tie counts; f1 before -> after: ${verdicts.map((v) => `${v.previousScore.toFixed(2)} -> ${v.newScore.toFixed(2)}`).join(', ')}).`);
  out(`Memory: the ${NODES} daemons together peaked at ${memory.peakDaemonsRssMb.toFixed(0)} MB resident (${(Math.max(...daemons.map((d) => d.peakRssKb)) / 1024).toFixed(0)} MB the largest one); the machine kept at least ${(memory.minAvailableMb / 1024).toFixed(1)} GB available. No daemon failed.`);
  out(
    reverted.length === 0
      ? 'Races: no transaction reverted (no two nodes sent a step anyone may take, start, draw or settle, at the same moment).'
      : `Races: ${reverted.length} transaction${reverted.length === 1 ? '' : 's'} reverted (${gas(gasOf(reverted))} gas): ${[...new Set(reverted.map((t) => t.fn))].map((f) => `${reverted.filter((t) => t.fn === f).length} \`${f}\``).join(', ')}; steps anyone may take, sent by several nodes that polled at the same moment (each one's gas estimate passed before the winner was mined).`,
  );
  out(`A bare CLI call (\`flock devnet status --json\`: process start, config, one RPC) takes ${sec(cliFloorMs)} s here (median of 3).`);
  out();
  out('| stage | wall s | txs | gas | what runs |');
  out('|---|---:|---:|---:|---|');
  stages.forEach((s, i) => {
    out(`| ${i + 1}. ${s.label} | ${sec(s.ms)} | ${fmtN(s.txs)} | ${gas(gasOf(s.txs))} | ${s.note} |`);
    // Each function called in the stage: count, gas, when the last one was mined.
    const byFn = new Map<string, Tx[]>();
    for (const t of s.txs) byFn.set(t.fn, [...(byFn.get(t.fn) ?? []), t]);
    for (const [fn, xs] of byFn) {
      const last = Math.max(...xs.map((t) => seenAt.get(t.block) ?? s.end)) - s.start;
      const each = xs.filter((t) => !t.reverted).map((t) => t.gas).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const who = [...new Set(xs.map((t) => roleOf(t.from)))];
      const range = each.length > 1 ? `; ${gas(each[0]!)}${each[0] === each.at(-1) ? '' : ` to ${gas(each.at(-1)!)}`} each` : '';
      const lost = xs.filter((t) => t.reverted);
      const lostNote = lost.length ? `; ${lost.length} reverted (${gas(gasOf(lost))} gas): lost the race` : '';
      out(`| &nbsp;&nbsp;\`${fn}\` | after ${sec(last)} | ${fmtN(xs)} | ${gas(gasOf(xs))} | sent by ${who.join(', ')}${range}${lostNote} |`);
    }
    for (const sub of s.subs?.(s) ?? []) {
      const xs = sub.senders ? s.txs.filter((t) => sub.senders!.has(t.from)) : undefined;
      out(`| &nbsp;&nbsp;${sub.label} | ${sub.sum ? '' : 'after '}${sec(sub.ms)} | ${xs ? fmtN(xs) : ''} | ${xs ? gas(gasOf(xs)) : ''} | ${sub.note} |`);
    }
  });
  const empty = endBlock - startBlock - new Set(txs.map((t) => t.block)).size;
  out(`| **the round (stages 1-${stages.length})** | **${sec(roundMs)}** | **${fmtN(txs)}** | **${gas(gasOf(txs))}** | ${endBlock - startBlock} blocks (${empty} of them empty, mined by the warps) |`);
  out(`| **the round, training excluded** | **${sec(roundMs - longestTrainMs)}** | | | the longest training (${sec(longestTrainMs)} s) subtracted |`);
  out(`| end to end | ${sec(endToEndMs)} | | | with this script's own progress reads between a phase's last transaction and the next warp (not part of any stage) |`);
  out();
  out(bench.setupReport());

  // Settlement gas by participants: this run, and every earlier run's results file.
  const results: Results = {
    nodes: NODES,
    epochs: EPOCHS,
    proposers: PROPOSERS,
    voters: NODES - PROPOSERS,
    date: new Date().toISOString().slice(0, 10),
    machine,
    accepted: final.accepted,
    settle: { txs: settleTxs.length, reverted: settleTxs.length - settled.length, gas: gasOf(settled).toString(), outcomes },
    stages: stages.map((s) => ({ label: s.label, wallS: Number(sec(s.ms)), txs: s.txs.length, reverted: s.txs.filter((t) => t.reverted).length, gas: gasOf(s.txs).toString() })),
    trainingS: training.map((t) => Number(sec(t.trainMs))),
    roundS: Number(sec(roundMs)),
    roundGas: gasOf(txs).toString(),
  };
  if (WRITE_RESULTS) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(path.join(RESULTS_DIR, resultsFile(results)), `${JSON.stringify(results, null, 2)}\n`);
  }
  const runs = new Map<string, Results>();
  if (existsSync(RESULTS_DIR)) {
    for (const f of readdirSync(RESULTS_DIR).filter((f) => /^alliance-\d+n-\d+e\.json$/.test(f))) {
      const r = readJson(path.join(RESULTS_DIR, f)) as Results | undefined;
      if (r?.settle) runs.set(f, r);
    }
  }
  runs.set(resultsFile(results), results);
  const sorted = [...runs.values()].sort((a, b) => a.nodes - b.nodes || a.epochs - b.epochs);
  out();
  out(`Settlement gas by participants (the devnet rows: the successful settle transactions' receipts, ${sorted.length > 1 ? 'this run and the bench/results/alliance-*.json of earlier runs' : 'this run only'}; the forge rows: the contracts' gas test):`);
  out();
  out('| participants | proposers / voters | epochs | round | settle txs | gas | gas per participant | outcomes | measured |');
  out('|---:|---|---:|---|---:|---:|---:|---|---|');
  for (const r of sorted) {
    const g = BigInt(r.settle.gas);
    out(`| ${r.nodes} | ${r.proposers} / ${r.voters} | ${r.epochs} | ${r.accepted ? 'accepted' : 'failed'} | ${r.settle.txs - r.settle.reverted}${r.settle.reverted ? ` (+${r.settle.reverted} reverted)` : ''} | ${gas(g)} | ${gas(g / BigInt(r.nodes))} | ${Object.entries(r.settle.outcomes).map(([k, v]) => `${v} ${k}`).join(', ')} | ${r.date}${r === results ? ' (this run)' : ''} |`);
  }
  // The contracts' own gas test (test/contracts/gas/AllianceTaskGas.t.sol, `npm run gas`): a whole
  // round settled in one call, everyone paid, storage cold; the call alone, without the
  // transaction's 21,000 base and calldata.
  const snapshot = readJson(path.join(ROOT, 'snapshots', 'alliance.json')) as Record<string, string> | undefined;
  const forge = Object.entries(snapshot ?? {})
    .map(([k, v]) => [Number(/^task_settleRound_(\d+)participants$/.exec(k)?.[1]), BigInt(v)] as const)
    .filter(([n]) => Number.isInteger(n))
    .sort((a, b) => a[0] - b[0]);
  for (const [n, g] of forge) {
    out(`| ${n} | – | – | forge test | 1 call | ${gas(g)} | ${gas(g / BigInt(n))} | ${n} Paid | snapshots/alliance.json (AllianceTaskGas.t.sol: the call alone, no transaction base cost) |`);
  }
  if (forge.length > 1) {
    const [[n0, g0], [n1, g1]] = [forge[0]!, forge.at(-1)!];
    out();
    out(`Forge, ${n0} to ${n1} participants: ${gas((g1 - g0) / BigInt(n1 - n0))} gas per extra participant, ${gas(g0 - ((g1 - g0) / BigInt(n1 - n0)) * BigInt(n0))} fixed.`);
  }
  // Marginal gas per participant between runs of the same result (accepted or failed), smallest and largest.
  for (const accepted of [false, true]) {
    const same = sorted.filter((r) => r.accepted === accepted);
    const [a, b] = [same[0], same.at(-1)];
    if (!a || !b || a.nodes === b.nodes) continue;
    const slope = (BigInt(b.settle.gas) - BigInt(a.settle.gas)) / BigInt(b.nodes - a.nodes);
    out();
    out(`Devnet, ${accepted ? 'accepted' : 'failed'} rounds, ${a.nodes} to ${b.nodes} participants: ${gas(slope)} gas per extra participant, ${gas(BigInt(a.settle.gas) - slope * BigInt(a.nodes))} fixed (a line through the two points).`);
  }
}

const resultsFile = (r: Pick<Results, 'nodes' | 'epochs'>) => `alliance-${r.nodes}n-${r.epochs}e.json`;

/** IAllianceTypes.Outcome's names, in declaration order, from the Solidity source (the ABI has only the index). */
function outcomeEnum(): string[] {
  const src = readFileSync(path.join(ROOT, 'contracts', 'interfaces', 'IAllianceTypes.sol'), 'utf8');
  const m = /enum\s+Outcome\s*\{([^}]*)\}/.exec(src.replace(/\/\/[^\n]*/g, ''));
  return m ? m[1]!.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

await bench.run(main, () => daemons.map((d) => ({ name: d.name, file: d.logPath })));
