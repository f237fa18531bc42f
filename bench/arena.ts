/**
 * Arena round benchmark (issue #3 §7): the wall time of one full Arena round on the devnet,
 * training excluded, stage by stage, with the transactions and gas each stage sent.
 *
 *   npx tsc -p bench/arena.tsconfig.json && node dist/bench/bench/arena.js [--nodes 3] [--validators 3]
 *
 * Run from the repository root after `npm run build` (it drives the built CLI, bin/flock, and
 * reads examples/tasks/digits/). Flags: --nodes N (training nodes, default 3), --validators M
 * (default 3), --poll S (the daemons' --poll, default 0.3), --stage-timeout S (default 180),
 * --keep (keep the temp folder with every log), --no-restart (fail instead of restarting a daemon
 * that exits 7). Prints a Markdown report on stdout (the "Arena
 * round" section of docs/BENCHMARKS.md is a copy of it); progress goes to stderr.
 *
 * What it does:
 * - setup (not timed): its own devnet (`flock devnet up --port <free> --json`, FLOCK_HOME in a
 *   temp folder, with enough anvil accounts for 1 + N + M actors), one encrypted keystore per
 *   actor (anvil's public test keys, FLOCK_SCRYPT_N=1024), 200 gmFLOCK staked by each, and N ONNX
 *   models trained in this process with the engine (small MLPs, one seed each), so that the
 *   round's trainers submit with `flock train --model <file.onnx>` and no training is timed;
 * - the round (timed): every stage through the CLI exactly as the README's quickstart runs it,
 *   one process per call, one daemon (`flock train` / `flock validate`, `--poll 0.3`, its own
 *   FLOCK_HOME) per node and per validator; phases advance with `flock devnet warp`. A stage that
 *   a daemon carries out includes the wait for its next poll. The bench watches the daemons'
 *   state files (every 50 ms) to see when a stage is done;
 * - afterwards (not timed): the transactions of each stage, read back block by block from the
 *   devnet (anvil automines one block per transaction; a warp mines an empty one), with the sender
 *   of each to split concurrent stages by role;
 * - always, even on failure or Ctrl-C: daemons stopped, `flock devnet down`, temp folder removed.
 *
 * Why TypeScript with its own tsconfig (like bench/engine.ts) rather than a plain .mjs over the
 * CLI: the models are pre-built with the engine's own `train` + `exportOnnx` (typed, and compiled
 * from src/ so they match what the daemons would produce), and tsc checks this file against the
 * engine's API. Everything timed still goes through the built CLI, as a user would run it, with
 * the harness the e2e tests use (test/harness/: CLI environment and runner, temp homes, free port,
 * JSON-RPC), compiled along into dist/bench/.
 */
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Interface } from 'ethers';
import { exportOnnx, loadTaskSpec, train } from '../src/engine/index.js';
import { cloneHome, readDaemonState, ROOT, rpc, spawnCli } from '../test/harness/index.js';
import { DevnetBench, hasFlag, now, numFlag, readJson, sleep, tail } from './devnet-round.js';

// ------------------------------------------------------------------ flags

const NODES = numFlag('--nodes', 3);
const VALIDATORS = numFlag('--validators', 3);
const POLL = numFlag('--poll', 0.3, { int: false, min: 0.05 });
const STAGE_TIMEOUT_MS = numFlag('--stage-timeout', 180) * 1000;
/** Restart a daemon that exits 7 (a step reverted), as a supervisor would; see the report. */
const RESTART = !hasFlag('--no-restart');

const SPEC = path.join(ROOT, 'examples', 'tasks', 'digits', 'task.yaml');
/** arena.sampleSize's default: up to this many committed validators, every score counts; beyond, k drawn per submission. */
const SAMPLE_SIZE = 7;

// ------------------------------------------------------------------ processes

const bench = new DevnetBench('arena', { keep: hasFlag('--keep'), cliTimeoutMs: 120_000 });
const { work, mainHome, log } = bench;
const ok = bench.ok.bind(bench);
const okJson = bench.okJson.bind(bench);

interface Daemon {
  name: string;
  kind: 'trainer' | 'validator';
  home: string;
  args: string[];
  child: ChildProcess;
  exited: Promise<number>;
  code: number | undefined;
  logPath: string;
  restarts: number;
}
/** Daemons restarted after exiting 7, with the error they printed. */
const restarts: { name: string; stage: string; error: string }[] = [];
const daemons: Daemon[] = [];

function spawnDaemon(name: string, kind: Daemon['kind'], home: string, args: string[]): Daemon {
  const d = { name, kind, home, args, logPath: path.join(work, `${name}.log`), restarts: 0 } as Daemon;
  start(d);
  daemons.push(d);
  return d;
}

/** (Re)starts a daemon's process; its output is appended to its log. */
function start(d: Daemon): void {
  const out = createWriteStream(d.logPath, { flags: 'a' });
  const child = spawnCli(d.args, { home: d.home });
  bench.track(child);
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  d.child = child;
  d.code = undefined;
  d.exited = new Promise<number>((resolve) =>
    child.on('close', (code, signal) => {
      d.code = code ?? (signal ? 128 : 1);
      resolve(d.code);
    }),
  );
}

let rpcUrl = '';
const blockNumber = async () => Number(BigInt(await rpc<string>(rpcUrl, 'eth_blockNumber')));

const assignmentAbi = new Interface(['function assignment(uint256 taskId, uint256 submissionId, uint256 validatorIndex) view returns (bool, uint256)']);
/** (submission, validator) pairs whose score counts (when the task samples: 0 until the seed is drawn, after the score commits). */
async function countedScores(arena: string, taskId: string): Promise<number> {
  let n = 0;
  for (let id = 0; id < NODES; id++) {
    for (let v = 0; v < VALIDATORS; v++) {
      const data = assignmentAbi.encodeFunctionData('assignment', [taskId, id, v]);
      const out = await rpc<string>(rpcUrl, 'eth_call', [{ to: arena, data }, 'latest']);
      if (assignmentAbi.decodeFunctionResult('assignment', out)[0]) n++;
    }
  }
  return n;
}

// ------------------------------------------------------------------ the round's bookkeeping

interface Sub {
  label: string;
  /** Seconds from the start of its stage until this part was done. */
  ms: number;
  /** Senders whose transactions in the stage belong to this part. */
  senders: Set<string>;
  note?: string;
}
interface Stage {
  label: string;
  note: string;
  ms: number;
  fromBlock: number; // first block of the stage
  toBlock: number; // last block of the stage
  subs: Sub[];
}
const stages: Stage[] = [];
let currentStage = '';

async function stage(label: string, note: string, fn: () => Promise<Sub[] | void>): Promise<void> {
  const fromBlock = (await blockNumber()) + 1;
  log(`stage: ${label}`);
  currentStage = label;
  const t0 = now();
  const subs = (await fn()) ?? [];
  const ms = now() - t0;
  const toBlock = await blockNumber();
  stages.push({ label, note, ms, fromBlock, toBlock, subs });
  log(`  done in ${(ms / 1000).toFixed(2)} s, blocks ${fromBlock}..${toBlock}`);
}

function readState(d: Daemon, chainId: number, taskId: string): any {
  return readDaemonState(d.home, d.kind, chainId, taskId);
}

/** Polls `check` every 50 ms; fails on timeout or as soon as a daemon exits with an error. */
async function until(what: string, check: () => boolean): Promise<number> {
  const t0 = now();
  while (!check()) {
    const failed = daemons.find((d) => d.code !== undefined && d.code !== 0);
    if (failed?.code === 7 && RESTART && failed.restarts < 2) {
      const error = tail(failed.logPath, 40).split('\n').filter((l) => l.startsWith('error:')).pop() ?? `exit ${failed.code}`;
      log(`${failed.name} exited 7 (${error}); restarting it`);
      restarts.push({ name: failed.name, stage: currentStage, error });
      failed.restarts++;
      start(failed);
      continue;
    }
    if (failed) throw new Error(`${failed.name} exited ${failed.code} while waiting for ${what}\n${tail(failed.logPath)}`);
    if (now() - t0 > STAGE_TIMEOUT_MS) throw new Error(`timed out after ${STAGE_TIMEOUT_MS / 1000} s waiting for ${what}`);
    await sleep(50);
  }
  return now() - t0;
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  bench.requireBuilt(SPEC);
  const timed = bench.timed.bind(bench);

  // Actors: #0 creates the task, #1..N train, #N+1..N+M validate.
  const names = ['creator', ...Array.from({ length: NODES }, (_, i) => `node${i + 1}`), ...Array.from({ length: VALIDATORS }, (_, i) => `validator${i + 1}`)];

  // 1. Models, trained here with the engine before anything else runs (not part of the round).
  const { spec, files } = await loadTaskSpec(SPEC);
  const models: string[] = [];
  await timed(`train ${NODES} ONNX models (MLP 32, 10 epochs; engine, in process)`, async () => {
    for (let i = 0; i < NODES; i++) {
      const r = await train({
        data: files.train,
        schema: spec.schema,
        config: { model: { kind: 'mlp', hidden: [32] }, epochs: 10, batchSize: 32, learningRate: 0.01, validationFraction: 0, seed: i + 1 },
      });
      const file = path.join(work, `model${i + 1}.onnx`);
      writeFileSync(file, exportOnnx(r.model));
      r.model.dispose();
      models.push(file);
    }
  });
  log(`${NODES} models in ${work}`);

  // 2. Devnet, keystores, stakes.
  const net = await bench.devnet(names, 'flock devnet up (anvil + deploy)');
  const { chainId, rpcFlag, as } = net;
  rpcUrl = net.rpcUrl;
  const senders = (pred: (n: string) => boolean) => new Set(names.filter(pred).map((n) => net.addressOf.get(n)!));

  // One home per daemon, as one machine per operator would have; they share the devnet's
  // deployment record, the keystores and the store folder (a local directory store).
  const homeOf = new Map(names.slice(1).map((n) => [n, cloneHome(mainHome, path.join(work, `home-${n}`))]));

  const cliFloorMs = await bench.cliFloorMs();

  // ---------------------------------------------------------------- the round (timed)
  const nodes = names.filter((n) => n.startsWith('node'));
  const validators = names.filter((n) => n.startsWith('validator'));
  /** Every validator scores every submission and commits one root over them. */
  const expectedScores = NODES * VALIDATORS;
  const warp = (d: string) => ok(['devnet', 'warp', d, ...rpcFlag]);
  const startBlock = await blockNumber();
  const t0 = now();
  let taskId = '';

  await stage('task create', 'one CLI call: stores the training data, the validation set and the manifest, approves, `createTask` (validation-set commitment)', async () => {
    const { json } = await okJson<{ taskId: string }>(['task', 'create', '--spec', SPEC, '--phase', '1h', '--bounty', '100', ...as('creator'), ...rpcFlag]);
    taskId = String(json.taskId);
  });

  let trainers: Daemon[] = [];
  let vds: Daemon[] = [];
  await stage(
    'nodes register + commit; validators register',
    `${NODES} \`flock train --model\` and ${VALIDATORS} \`flock validate\` daemons start together; a node approves gmFLOCK, registers, checks its model against the task's contract and commits to it; a validator approves and registers`,
    async () => {
      const t = now();
      trainers = nodes.map((n, i) =>
        spawnDaemon(n, 'trainer', homeOf.get(n)!, ['train', '--task', taskId, '--model', models[i]!, '--poll', String(POLL), ...rpcFlag, ...as(n)]),
      );
      vds = validators.map((n) => spawnDaemon(n, 'validator', homeOf.get(n)!, ['validate', '--task', taskId, '--poll', String(POLL), ...rpcFlag, ...as(n)]));
      let vMs = 0;
      let nMs = 0;
      await until('every node committed and every validator registered', () => {
        const vDone = vds.every((d) => readState(d, chainId, taskId)?.registered);
        const nDone = trainers.every((d) => readState(d, chainId, taskId)?.committed);
        if (vDone && !vMs) vMs = now() - t;
        if (nDone && !nMs) nMs = now() - t;
        return vDone && nDone;
      });
      return [
        { label: 'validators registered', ms: vMs, senders: senders((n) => n.startsWith('validator')) },
        { label: 'nodes committed', ms: nMs, senders: senders((n) => n.startsWith('node')) },
      ];
    },
  );

  await stage('warp to the reveal phase', '`flock devnet warp 1h`', () => warp('1h').then(() => undefined));

  await stage('creator reveals the validation set; nodes reveal their models', 'concurrent: the reveal CLI call, and each node daemon on its next poll (it stores its model, then reveals)', async () => {
    const t = now();
    let cMs = 0;
    const creator = ok(['task', 'reveal', taskId, ...as('creator'), ...rpcFlag]).then(() => (cMs = now() - t));
    const nMs = await until('every node revealed', () => trainers.every((d) => readState(d, chainId, taskId)?.revealed));
    await creator;
    const codes = await Promise.all(trainers.map((d) => d.exited));
    if (codes.some((c) => c !== 0)) throw new Error(`a trainer exited with ${codes.join(', ')}`);
    return [
      { label: 'creator reveal (CLI)', ms: cMs, senders: senders((n) => n === 'creator') },
      { label: 'nodes reveal (daemons)', ms: nMs, senders: senders((n) => n.startsWith('node')) },
    ];
  });

  await stage('warp to the score-commit phase', '`flock devnet warp 1h`', () => warp('1h').then(() => undefined));

  await stage(
    'validators score + commit',
    `on its next poll each validator fetches the validation set and every revealed model (verified), scores them all with onnxruntime and commits one root over its ${NODES} scores (${expectedScores} scores in all)`,
    async () => {
      await until(`${VALIDATORS} score roots over ${NODES} scores each`, () => {
        let committed = 0;
        for (const d of vds) for (const s of Object.values<any>(readState(d, chainId, taskId)?.scores ?? {})) if (s.committed) committed++;
        return committed >= expectedScores;
      });
    },
  );

  await stage('warp to the score-reveal phase', '`flock devnet warp 1h`', () => warp('1h').then(() => undefined));

  await stage(
    'validators reveal',
    `on its next poll each validator ${VALIDATORS > SAMPLE_SIZE ? `draws the sampling seed if nobody has (k = ${SAMPLE_SIZE} stake-weighted draws per submission) and ` : ''}opens the scores that count (Merkle proofs, one transaction per 16), then exits`,
    async () => {
      await until('every validator done', () => vds.every((d) => d.code === 0));
    },
  );
  // 2h as in the README: the devnet's clock can run ahead of the wall clock (anvil gives each block
  // a timestamp past the previous one, and the setup mines dozens of blocks in a few seconds), so
  // three 1 h warps plus one can still land short of the end of the score-reveal phase.
  await stage('warp to the finalizing phase', '`flock devnet warp 2h`', () => warp('2h').then(() => undefined));

  let batches = 0;
  await stage('finalize (every batch)', 'one CLI call: `finalize` until consensus is settled, then `rank` the eligible submissions (batches of 50)', async () => {
    const { json } = await okJson<{ phase: string; batches: number }>(['task', 'finalize', taskId, ...as('creator'), ...rpcFlag]);
    if (json.phase !== 'finalized') throw new Error(`task ${taskId} is ${json.phase} after finalize`);
    batches = json.batches;
  });

  await stage(`claims (${names.length}, one after another)`, 'one `flock task claim` call per participant', async () => {
    const per: Record<string, number[]> = { creator: [], node: [], validator: [] };
    for (const n of names) {
      const { r } = await okJson(['task', 'claim', taskId, ...as(n), ...rpcFlag]);
      per[n.replace(/\d+$/, '')]!.push(r.ms);
    }
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    return [
      { label: 'creator', ms: sum(per.creator!), senders: senders((n) => n === 'creator'), note: 'sum' },
      { label: `nodes (${NODES})`, ms: sum(per.node!), senders: senders((n) => n.startsWith('node')), note: `sum; ${(med(per.node!) / 1000).toFixed(2)} s each (median)` },
      { label: `validators (${VALIDATORS})`, ms: sum(per.validator!), senders: senders((n) => n.startsWith('validator')), note: `sum; ${(med(per.validator!) / 1000).toFixed(2)} s each (median)` },
    ];
  });
  const totalMs = now() - t0;
  const endBlock = await blockNumber();
  // Not timed: which committed scores counted (all of them unless more than k validators committed).
  const counted = await countedScores(readJson(path.join(mainHome, 'deployments', `${chainId}.json`)).contracts.Arena as string, taskId);
  log(`counted scores: ${counted} of ${expectedScores} committed (${NODES} submission(s), ${VALIDATORS} validators, k = ${SAMPLE_SIZE})`);

  // ---------------------------------------------------------------- afterwards (not timed)
  const shown = await okJson<{ submissions: { status: string }[]; validatorCount: number }>(['task', 'show', taskId, ...rpcFlag]).catch(() => undefined);
  const statuses = shown ? countBy(shown.json.submissions.map((s) => s.status)) : 'unknown (`task show` failed)';

  // Transactions and gas per block, with their senders.
  const txs: { block: number; from: string; gas: bigint; reverted: boolean }[] = [];
  for (let b = startBlock + 1; b <= endBlock; b++) {
    const block = await rpc<{ transactions: { hash: string; from: string }[] }>(rpcUrl, 'eth_getBlockByNumber', [`0x${b.toString(16)}`, true]);
    for (const tx of block.transactions) {
      const receipt = await rpc<{ gasUsed: string; status: string }>(rpcUrl, 'eth_getTransactionReceipt', [tx.hash]);
      txs.push({ block: b, from: tx.from.toLowerCase(), gas: BigInt(receipt.gasUsed), reverted: receipt.status !== '0x1' });
    }
  }
  const tally = (from: number, to: number, who?: Set<string>) => {
    const xs = txs.filter((t) => t.block >= from && t.block <= to && (!who || who.has(t.from)));
    const reverted = xs.filter((t) => t.reverted).length;
    return { n: `${xs.length}${reverted ? ` (${reverted} reverted)` : ''}`, gas: xs.reduce((a, t) => a + t.gas, 0n) };
  };

  // ---------------------------------------------------------------- report
  const out = (s = '') => console.log(s);
  const sec = (ms: number) => (ms / 1000).toFixed(2);
  const gas = (g: bigint) => g.toLocaleString('en-US');
  const anvilVersion = readJson(path.join(ROOT, 'node_modules', '@foundry-rs', 'anvil', 'package.json'))?.version ?? '?';
  out(`Machine: ${os.cpus().length} x ${os.cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}, anvil ${anvilVersion} (@foundry-rs/anvil, automine).`);
  out(`Round: ${NODES} training nodes, ${VALIDATORS} validators, digits task, phases of 1 h moved through with \`flock devnet warp\`, daemons at \`--poll ${POLL}\` (a stage a daemon carries out includes the wait for its next poll). Every validator scores every model and commits one root; ${counted} of the ${expectedScores} committed scores counted and were opened (k = ${SAMPLE_SIZE}).`);
  out(`Result: task ${taskId} finalized in ${batches} transaction${batches === 1 ? '' : 's'}; submissions ${statuses}; ${names.length} claims paid.`);
  if (restarts.length === 0) out('No daemon failed.');
  for (const r of restarts) out(`Restarted ${r.name} in stage "${r.stage}" after it exited 7 with \`${r.error}\`.`);
  out(`A bare CLI call (\`flock devnet status --json\`: process start, config, one RPC) takes ${sec(cliFloorMs)} s here (median of 3).`);
  out();
  out('| stage | wall s | txs | gas | what runs |');
  out('|---|---:|---:|---:|---|');
  stages.forEach((s, i) => {
    const all = tally(s.fromBlock, s.toBlock);
    out(`| ${i + 1}. ${s.label} | ${sec(s.ms)} | ${all.n} | ${gas(all.gas)} | ${s.note} |`);
    for (const sub of s.subs) {
      const t = tally(s.fromBlock, s.toBlock, sub.senders);
      out(`| &nbsp;&nbsp;${sub.label} | ${sub.note?.startsWith('sum') ? '' : 'after '}${sec(sub.ms)} | ${t.n} | ${gas(t.gas)} | ${sub.note ?? 'from the start of the stage'} |`);
    }
  });
  const all = tally(startBlock + 1, endBlock);
  out(`| **total** | **${sec(totalMs)}** | **${all.n}** | **${gas(all.gas)}** | ${endBlock - startBlock} blocks (${stages.filter((s) => s.label.startsWith('warp')).length} of them empty, mined by the warps) |`);
  out();
  out(bench.setupReport());
}

function countBy(xs: string[]): string {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return [...m].map(([k, v]) => `${v} ${k}`).join(', ');
}

await bench.run(main, () => daemons.map((d) => ({ name: d.name, file: d.logPath })));
