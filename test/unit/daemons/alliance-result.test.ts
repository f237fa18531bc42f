/**
 * The Alliance node's report of a settled round against a stand-in for the chain (the protocol
 * client's Alliance actions are tested against anvil elsewhere): the score of the global model the
 * round left, on the node's local test part, carried in round-result for the live view's chart;
 * scored once and kept in the round's record; a model that cannot be scored is a warning, never a
 * stop; and a round settled by another node between two polls is still reported.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLIANCE_KIND, runAllianceNode, type AllianceNodeState } from '../../../src/daemons/alliance/node.js';
import type { AllianceActions } from '../../../src/daemons/alliance/ports.js';
import { DaemonRuntime, statePath, type EventRecord } from '../../../src/daemons/kernel/index.js';
import { exportOnnx, initialModel, loadTaskSpec, type LoadedTask } from '../../../src/engine/index.js';
import { scoreOnLocalTest } from '../../../src/fl/node.js';
import type { AllianceRoundView, AllianceTaskView } from '../../../src/protocol/alliance/index.js';
import { cidOf } from '../../../src/storage/cid.js';
import type { Store } from '../../../src/storage/index.js';
import { buildAllianceManifest, encodeAllianceManifest } from '../../../src/tasks/alliance-spec.js';
import { TASKS } from '../engine/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flock-alliance-result-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ACCOUNT = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
let task: LoadedTask;
let objects: Map<string, Uint8Array>;
let specCID: string;
let initialCID: string;
let aggregateCID: string;

beforeAll(async () => {
  task = await loadTaskSpec(join(TASKS, 'breast-cancer/task.yaml'));
  const { earlyStopping: _es, ...trainer } = task.spec.trainer!;
  const model = async (seed: number) => {
    const m = await initialModel({ data: task.files.train, schema: task.spec.schema, config: { ...trainer, epochs: 1, validationFraction: 0, seed }, backend: 'cpu' });
    const bytes = exportOnnx(m);
    m.dispose();
    return bytes;
  };
  const put = (bytes: Uint8Array) => {
    const cid = cidOf(bytes);
    objects.set(cid, bytes);
    return cid;
  };
  objects = new Map();
  specCID = put(encodeAllianceManifest(buildAllianceManifest(task.spec)));
  initialCID = put(await model(1));
  aggregateCID = put(await model(2));
}, 120_000);

/** A store of the objects above; `gets` counts the model fetches. */
function memoryStore(without: string[] = []) {
  const gets: string[] = [];
  const store = {
    kind: 'dir',
    location: 'memory',
    maxBytes: 1 << 30,
    get: async (cid: string) => {
      gets.push(cid);
      const b = without.includes(cid) ? undefined : objects.get(cid);
      if (!b) throw Object.assign(new Error(`object ${cid} not found`), { code: 'NOT_FOUND' });
      return b;
    },
  } as unknown as Store;
  return { store, gets };
}

const taskView = (round: number, globalModelCID: string): AllianceTaskView =>
  ({ id: 1n, status: 'running', round, globalModelCID, joinEnd: 0, spec: { specCID, rounds: 3, clipNorm: 0n, noiseMultiplier: 0n } }) as unknown as AllianceTaskView;
const roundView = (round: number, phase: AllianceRoundView['phase'], accepted = false): AllianceRoundView => ({ round, phase, accepted, aggregateCID }) as unknown as AllianceRoundView;

/** Runs the node on a home until round `untilRound` is settled, or until `stopOn` is emitted. */
async function runNode(home: string, alliance: Partial<AllianceActions>, store: Store, opts: { untilRound?: number; stopOn?: string } = {}) {
  const rt = new DaemonRuntime({ log: pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() })), role: 'alliance', pollSeconds: 0.01 });
  const events: EventRecord[] = [];
  rt.onEvent((e) => {
    events.push(e);
    if (e.event === opts.stopOn) rt.stop('test');
  });
  const joins: number[] = [];
  const actions = { joinAlliance: async () => (joins.push(1), { txHash: '0x01', stake: 1n, already: false }), ...alliance } as AllianceActions;
  try {
    const r = await runAllianceNode({
      rt,
      alliance: actions,
      store,
      home,
      chain: { address: ACCOUNT, chainId: 31337, now: async () => 1_000, resetNonce: () => undefined },
      taskId: 1n,
      data: task.files.train,
      stake: 0n,
      ...(opts.untilRound ? { untilRound: opts.untilRound } : {}),
    });
    return { r, events };
  } finally {
    rt.dispose();
  }
}

const stateOf = (home: string) => JSON.parse(readFileSync(statePath(home, ALLIANCE_KIND, 31337, 1n, ACCOUNT), 'utf8')) as AllianceNodeState;

describe('the Alliance node reports a settled round with the global model’s local score', () => {
  it('scores the accepted aggregate once; a restart takes the kept score', async () => {
    const home = join(dir, 'accepted');
    const chain = { getAllianceTask: async () => taskView(1, aggregateCID), getAllianceRound: async () => roundView(1, 'settled', true) };
    const first = memoryStore();
    const { events } = await runNode(home, chain, first.store, { untilRound: 1 });
    expect(events.find((e) => e.event === 'alliance-task')).toMatchObject({ task: '1', daemon: 'alliance', round: 1, rounds: 3, metric: 'f1' });
    const results = events.filter((e) => e.event === 'round-result');
    expect(results).toHaveLength(1);
    const local = stateOf(home).local!;
    const expected = await scoreOnLocalTest({ model: objects.get(aggregateCID)!, contract: task.spec.contract, metric: 'f1', schema: task.spec.schema, test: local.test });
    expect(results[0]).toMatchObject({ round: 1, accepted: true, aggregateCID, score: expected, metric: 'f1' });
    expect(first.gets.filter((c) => c === aggregateCID)).toHaveLength(1);
    expect(stateOf(home).rounds['1']).toMatchObject({ reported: true, score: { metric: 'f1', value: expected, model: aggregateCID } });

    // Reported: nothing again.
    const again = memoryStore();
    expect((await runNode(home, chain, again.store, { untilRound: 1 })).events.filter((e) => e.event === 'round-result')).toEqual([]);
    // A crash after the score was kept and before the report: reported with the kept score, not scored again.
    const s = stateOf(home);
    delete s.rounds['1']!.reported;
    writeFileSync(statePath(home, ALLIANCE_KIND, 31337, 1n, ACCOUNT), JSON.stringify(s));
    const third = memoryStore();
    const r3 = await runNode(home, chain, third.store, { untilRound: 1 });
    expect(r3.events.find((e) => e.event === 'round-result')).toMatchObject({ round: 1, score: expected, metric: 'f1' });
    expect(third.gets).not.toContain(aggregateCID);
  }, 60_000);

  it('a voter of a failed round takes its own previous score of the kept model', async () => {
    const home = join(dir, 'voter');
    const chain = { getAllianceTask: async () => taskView(1, initialCID), getAllianceRound: async () => roundView(1, 'settled', false) };
    // The node voted in round 1 (its record), then was restarted once the round was settled.
    const path = statePath(home, ALLIANCE_KIND, 31337, 1n, ACCOUNT);
    await runNode(home, { ...chain, getAllianceRound: async () => roundView(1, 'drawing') }, memoryStore().store, { stopOn: 'registered' });
    const s = stateOf(home);
    s.rounds['1'] = { role: 'voter', index: 0, vote: { aggregateCID: 'bafkreiother', previousScore: '910000000000000000', newScore: '880000000000000000', blame: '0' }, revealed: {}, over: true };
    writeFileSync(path, JSON.stringify(s));
    const m = memoryStore();
    const { events } = await runNode(home, chain, m.store, { untilRound: 1 });
    expect(events.find((e) => e.event === 'round-result')).toMatchObject({ round: 1, accepted: false, score: 0.91, metric: 'f1' });
    expect(m.gets).not.toContain(initialCID);
  }, 60_000);

  it('a model it cannot fetch: a warning, the result without a score, and the node goes on', async () => {
    const home = join(dir, 'unscored');
    const m = memoryStore([aggregateCID]);
    const { r, events } = await runNode(home, { getAllianceTask: async () => taskView(1, aggregateCID), getAllianceRound: async () => roundView(1, 'settled', true) }, m.store, { untilRound: 1 });
    const warn = events.find((e) => e.event === 'round-unscored');
    expect(warn).toMatchObject({ level: 40, round: 1, modelCID: aggregateCID });
    expect((warn as { reason: string }).reason).toMatch(/not found/);
    const result = events.find((e) => e.event === 'round-result')!;
    expect(result).toMatchObject({ round: 1, accepted: true });
    expect(result).not.toHaveProperty('score');
    expect(r.taskId).toBe('1');
    expect(stateOf(home).rounds['1']).toMatchObject({ reported: true });
    expect(stateOf(home).rounds['1']!.score).toBeUndefined();
  }, 60_000);

  it('reports the last round when its settlement finished the task (found by bench/alliance.ts), not a round that expired undrawn', async () => {
    const finished = (round: number): AllianceTaskView => ({ ...taskView(round, aggregateCID), status: 'finished', spec: { ...taskView(round, aggregateCID).spec, rounds: round } }) as AllianceTaskView;
    const home = join(dir, 'last-round');
    const m = memoryStore();
    const { events } = await runNode(home, { getAllianceTask: async () => finished(1), getAllianceRound: async () => ({ ...roundView(1, 'settled', true), drawnAt: 900 }) }, m.store);
    const result = events.findIndex((e) => e.event === 'round-result');
    expect(events[result]).toMatchObject({ round: 1, accepted: true, aggregateCID, metric: 'f1' });
    expect(typeof (events[result] as { score?: number }).score).toBe('number');
    expect(result).toBeLessThan(events.findIndex((e) => e.event === 'done'));
    expect(stateOf(home).rounds['1']).toMatchObject({ reported: true });

    // The randomness never came and a node ended the task: no result for that round.
    const expired = await runNode(join(dir, 'expired'), { getAllianceTask: async () => finished(1), getAllianceRound: async () => ({ ...roundView(1, 'settled', false), drawnAt: 0 }) }, memoryStore().store);
    expect(expired.events.filter((e) => e.event === 'round-result')).toEqual([]);
    expect(expired.events.find((e) => e.event === 'done')).toBeDefined();
  }, 60_000);

  it('reports the previous round when another node settled it and started the next between two polls', async () => {
    const home = join(dir, 'catch-up');
    const m = memoryStore();
    const { events } = await runNode(
      home,
      {
        getAllianceTask: async () => taskView(2, initialCID),
        getAllianceRound: async ({ round }) => (round === 1 ? roundView(1, 'settled', false) : { ...roundView(2, 'drawing'), word: 7n }),
        getAllianceParticipants: async () => [{ account: ACCOUNT, stake: 1n }],
        drawRoles: async () => ({ txHash: '0x02' }),
      } as Partial<AllianceActions>,
      m.store,
      { stopOn: 'round-step' },
    );
    const result = events.find((e) => e.event === 'round-result');
    expect(result).toMatchObject({ round: 1, accepted: false, metric: 'f1' });
    expect(typeof (result as { score?: number }).score).toBe('number');
    // Kept global model: the one the chain holds while round 2 runs.
    expect(m.gets.filter((c) => c === initialCID)).toHaveLength(1);
    expect(events.findIndex((e) => e.event === 'round-result')).toBeLessThan(events.findIndex((e) => e.event === 'round-step'));
  }, 60_000);
});
