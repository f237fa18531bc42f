/**
 * Steps anyone may take (start, draw, settle) are taken once, not raced: several Alliance nodes
 * against one stand-in for the chain whose transactions take a while to be mined, as on a real
 * chain. Before turns, every node that saw the step due sent it; each one's gas estimate passed
 * while the first was still pending, so all but one reverted on chain and paid for it
 * (docs/BENCHMARKS.md: 17 such reverts in a 20-node round).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAllianceNode } from '../../../src/daemons/alliance/node.js';
import type { AllianceActions } from '../../../src/daemons/alliance/ports.js';
import { turnOf } from '../../../src/daemons/alliance/turns.js';
import { DaemonRuntime } from '../../../src/daemons/kernel/index.js';
import { loadTaskSpec, type LoadedTask } from '../../../src/engine/index.js';
import { AbortError } from '../../../src/errors/index.js';
import type { AllianceRoundView, AllianceTaskView } from '../../../src/protocol/alliance/index.js';
import { cidOf } from '../../../src/storage/cid.js';
import type { Store } from '../../../src/storage/index.js';
import { buildAllianceManifest, encodeAllianceManifest } from '../../../src/tasks/alliance-spec.js';
import { TASKS } from '../engine/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flock-alliance-turns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ACCOUNTS = ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', '0x90F79bf6EB2c4f870365E785982E1f101E93b906', '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65'];
const POLL_SECONDS = 0.5;
/** How long a sent transaction takes to be mined (its sender waits for the receipt meanwhile). */
const MINE_MS = 200;
/** When the round's VRF word arrives, after the nodes started. */
const WORD_AFTER_MS = 1_000;

let task: LoadedTask;
let store: Store;
let specCID: string;

beforeAll(async () => {
  task = await loadTaskSpec(join(TASKS, 'breast-cancer/task.yaml'));
  const manifest = encodeAllianceManifest(buildAllianceManifest(task.spec));
  specCID = cidOf(manifest);
  store = {
    kind: 'dir',
    location: 'memory',
    maxBytes: 1 << 30,
    get: async (cid: string) => {
      if (cid === specCID) return manifest;
      throw Object.assign(new Error(`object ${cid} not found`), { code: 'NOT_FOUND' });
    },
  } as unknown as Store;
}, 60_000);

const reverted = (name: string) => new AbortError(`draw the roles: reverted: ${name}`, { code: 'REVERTED' });

/**
 * A chain in round 1's draw: the word arrives WORD_AFTER_MS after the start; drawRoles fails at
 * gas estimation (no transaction) unless the word is there and the round undrawn, and a sent one
 * is mined MINE_MS later, reverting if another draw was mined first. Once drawn, the round is
 * shown settled, so each node reports it and stops (untilRound 1).
 */
function drawingChain() {
  const start = Date.now();
  const s = { drawn: false, sent: [] as { who: string; at: number }[], reverted: 0, wordAt: start + WORD_AFTER_MS };
  const round = (): AllianceRoundView =>
    ({ round: 1, phase: s.drawn ? 'settled' : 'drawing', word: Date.now() >= s.wordAt ? 7n : 0n, accepted: false, aggregateCID: '', drawnAt: s.drawn ? 1 : 0 }) as unknown as AllianceRoundView;
  const actions = (who: string): Partial<AllianceActions> => ({
    getAllianceTask: async () => ({ id: 1n, status: 'running', round: 1, globalModelCID: 'bafkreinone', joinEnd: 0, spec: { specCID, rounds: 3 } }) as unknown as AllianceTaskView,
    getAllianceRound: async () => round(),
    getAllianceParticipants: async () => ACCOUNTS.map((account) => ({ account, stake: 1n })),
    drawRoles: async () => {
      if (s.drawn) throw reverted('AllianceNotInPhase(1, 1)');
      if (Date.now() < s.wordAt) throw reverted('AllianceWordNotReady(1, 1)');
      s.sent.push({ who, at: Date.now() });
      await new Promise((r) => setTimeout(r, MINE_MS));
      if (s.drawn) {
        s.reverted++;
        throw reverted('AllianceNotInPhase(1, 1)');
      }
      s.drawn = true;
      return { txHash: '0x01' };
    },
    expireRound: async () => {
      throw reverted('AllianceDrawNotExpired(1, 1)');
    },
  });
  return { s, actions };
}

/** Runs the node of `account` until round 1 is reported settled. */
async function runNode(account: string, alliance: Partial<AllianceActions>) {
  const rt = new DaemonRuntime({ log: pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() })), role: 'alliance', pollSeconds: POLL_SECONDS });
  const actions = { joinAlliance: async () => ({ txHash: '0x02', stake: 1n, already: false }), ...alliance } as AllianceActions;
  try {
    return await runAllianceNode({
      rt,
      alliance: actions,
      store,
      home: join(dir, `${account}-${Math.random()}`),
      chain: { address: account, chainId: 31337, now: async () => 1_000, resetNonce: () => undefined },
      taskId: 1n,
      data: task.files.train,
      stake: 0n,
      untilRound: 1,
    });
  } finally {
    rt.dispose();
  }
}

describe('steps anyone may take are taken in turns', () => {
  it('four nodes that see the word at the same poll send one draw between them, and none reverts', async () => {
    const { s, actions } = drawingChain();
    await Promise.all(ACCOUNTS.map((a) => runNode(a, actions(a))));
    expect(s.drawn).toBe(true);
    expect(s.sent.map((x) => x.who)).toEqual(ACCOUNTS.filter((a) => turnOf(ACCOUNTS, 1n, 1, 'draw', a) === 0));
    expect(s.reverted).toBe(0);
  }, 60_000);

  it('the node whose turn is first is down: the next one draws, one turn later', async () => {
    const { s, actions } = drawingChain();
    const turn = (a: string) => turnOf(ACCOUNTS, 1n, 1, 'draw', a);
    await Promise.all(ACCOUNTS.filter((a) => turn(a) !== 0).map((a) => runNode(a, actions(a))));
    expect(s.sent.map((x) => x.who)).toEqual(ACCOUNTS.filter((a) => turn(a) === 1));
    expect(s.reverted).toBe(0);
    // A turn is two polls: one for the nodes' polls to see the word, one for the first's transaction to be mined.
    expect(s.sent[0]!.at - s.wordAt).toBeGreaterThanOrEqual(2 * POLL_SECONDS * 1000);
  }, 60_000);

  it('the order is fresh for each round and step: every member is first about as often', () => {
    const firsts = new Map<string, number>();
    for (let round = 1; round <= 400; round++) {
      for (const step of ['start', 'draw', 'settle'] as const) {
        const turns = ACCOUNTS.map((a) => turnOf(ACCOUNTS, 1n, round, step, a));
        expect([...turns].sort()).toEqual([0, 1, 2, 3]);
        const first = ACCOUNTS[turns.indexOf(0)]!;
        firsts.set(first, (firsts.get(first) ?? 0) + 1);
      }
    }
    // 1,200 draws of 4: 300 each expected; 220 is over 5 standard deviations below.
    for (const a of ACCOUNTS) expect(firsts.get(a), a).toBeGreaterThan(220);
    // Addresses compare case-insensitively; an account that is no member waits behind every member.
    for (const a of ACCOUNTS) expect(turnOf(ACCOUNTS.map((m) => m.toLowerCase()), 1n, 1, 'draw', a)).toBe(turnOf(ACCOUNTS, 1n, 1, 'draw', a.toLowerCase()));
    expect(turnOf(ACCOUNTS, 1n, 1, 'draw', '0x0000000000000000000000000000000000000001')).toBe(4);
  });
});
