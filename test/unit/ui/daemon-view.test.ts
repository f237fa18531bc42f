import { describe, expect, it } from 'vitest';
import { initialDaemonView, MAX_NOTICES, reduceDaemonView, shortId, summarizeDaemonView, type DaemonViewState, type LogRecord } from '../../../src/ui/daemon-view.js';

// Records as `flock train` / `flock validate` wrote them on a devnet (digits task), trimmed of
// pid/hostname; debug records as --log-level debug shows them.
const T0 = 1_796_127_880_807;
const trainer = (dt: number, fields: Record<string, unknown>, level = 30): LogRecord => ({ level, time: T0 + dt, daemon: 'trainer', task: '1', ...fields }) as LogRecord;
const validator = (dt: number, fields: Record<string, unknown>, level = 30): LogRecord => ({ level, time: T0 + dt, daemon: 'validator', task: '2', ...fields }) as LogRecord;
const epoch = (n: number, loss: number, valLoss: number, accuracy: number) =>
  trainer(1500 + n * 450, { epoch: n, epochs: 40, loss, valLoss, valMetrics: { accuracy, f1: accuracy - 0.01, 'log-loss': valLoss }, event: 'epoch' });

const TRAINER_RUN: LogRecord[] = [
  trainer(0, { state: '/tmp/fui/home/daemons/trainer-31337-1.json', resumed: false, event: 'started' }),
  trainer(168, { spender: '0x2279B7A0a67DB372996a5FaB50D91eAA73d2eBe6', amount: '1000000000000000000', event: 'approving', what: 'gmFLOCK for the task stake' }),
  trainer(339, { index: '0', tx: '0x0c6f467332b4cff6f90f541e49817e7b3a8fd8b874def7f18add234efe4b52bc', already: false, event: 'registered' }),
  trainer(424, { cid: 'bafkreibiwqhhvzi6mtzojqhhmzbgiqkbnqigz2zslj5ueaashzpwzffa6e', file: '/tmp/fui/home/daemons/work/31337-1/train.csv.gz', event: 'data-ready' }),
  epoch(1, 2.0127014189958574, 1.3798773829905344, 0.7407407407407407),
  epoch(2, 0.8801306903362274, 0.5993891693648126, 0.8),
  epoch(3, 0.4414134368300438, 0.3580975125774778, 0.9111111111111111),
  epoch(4, 0.27943783439695835, 0.2512527022571527, 0.9333333333333333),
  epoch(5, 0.18511426113545895, 0.20314954072109667, 0.9481481481481482),
  epoch(6, 0.17794407941401005, 0.1989482667070063, 0.9407407407407408),
];

const AFTER_TRAINING: LogRecord[] = [
  trainer(13111, { backend: 'wasm', bestEpoch: 5, ms: 12209.418684, event: 'trained' }),
  trainer(13259, { metric: 'accuracy', trainScore: 0.9943462897526502, event: 'model-checked' }),
  trainer(13269, {
    modelCID: 'bafkreidz3xiualfnopvakaaitsh3qqktaoujdlgs3c3h2uvkg7kexotcui',
    bytes: 56858,
    file: '/tmp/fui/home/daemons/work/31337-1/model-bafkreidz3xiualfnopvakaaitsh3qqktaoujdlgs3c3h2uvkg7kexotcui.onnx',
    trainScore: 0.9943462897526502,
    event: 'model-ready',
  }),
  trainer(13387, { tx: '0xfadb5ae3f37db8ab1ba1d8c731caabbc4dbf5a1df0f66155c32dc6013a362482', commitment: '0xba83025fa29e06b2a4b0edc66eea6c9a0c2f4faa791d88981bf100510cbb62b3', event: 'model-committed' }),
  trainer(13500, { opensIn: 3582, event: 'waiting', for: 'reveal' }, 20),
];

const fold = (records: LogRecord[], from: DaemonViewState = initialDaemonView) => records.reduce(reduceDaemonView, from);

describe('reduceDaemonView: trainer', () => {
  it('follows registration, then training epoch by epoch with the best metric', () => {
    const s = fold(TRAINER_RUN);
    expect(s.tasks).toHaveLength(1);
    const t = s.tasks[0]!;
    expect(t).toMatchObject({ task: '1', role: 'trainer', step: 'training', done: false, tx: { what: 'register', hash: '0x0c6f…52bc' } });
    expect(t.training).toEqual({ epoch: 6, epochs: 40, loss: 0.17794407941401005, valLoss: 0.1989482667070063, best: { metric: 'accuracy', value: 0.9481481481481482, epoch: 5 } });
  });

  it('shows each step in plain words', () => {
    const steps = [...TRAINER_RUN, ...AFTER_TRAINING].map((r, i, all) => fold(all.slice(0, i + 1)).tasks[0]!.step);
    expect(steps.slice(0, 4)).toEqual(['registering (stake and fee)', 'approving gmFLOCK for the task stake', 'downloading the training data', 'training']);
    expect(steps.slice(-5)).toEqual([
      'checking the model against the task’s contract',
      'model checked; preparing the commit',
      'committing the model',
      'waiting for the reveal phase',
      'waiting for the reveal phase',
    ]);
  });

  it('turns a relative deadline into wall-clock time, keeping the earliest estimate of a frozen chain clock', () => {
    const s = fold([...TRAINER_RUN, ...AFTER_TRAINING]);
    const t = s.tasks[0]!;
    expect(t.deadline).toEqual({ what: 'reveal opens', at: T0 + 13500 + 3582_000 });
    expect(t.training?.trained).toEqual({ backend: 'wasm', bestEpoch: 5, seconds: 12 });
    expect(t.trainScore).toEqual({ metric: 'accuracy', value: 0.9943462897526502 });
    expect(t.model).toBe('bafkreid…tcui');
    expect(t.tx).toEqual({ what: 'commit', hash: '0xfadb…2482' });
    // An idle devnet mines no block: the same chain-time distance a second later is not news.
    const later = reduceDaemonView(s, trainer(14500, { opensIn: 3582, event: 'waiting', for: 'reveal' }, 20));
    expect(later.tasks[0]!.deadline!.at).toBe(T0 + 13500 + 3582_000);
    // `flock devnet warp` moves chain time: the deadline comes closer at once.
    const warped = reduceDaemonView(later, trainer(15500, { opensIn: -2, event: 'waiting', for: 'reveal' }, 20));
    expect(warped.tasks[0]!.deadline!.at).toBe(T0 + 15500 - 2000);
  });

  it('ends with the reveal, and the summary says so', () => {
    const s = fold([
      ...TRAINER_RUN,
      ...AFTER_TRAINING,
      trainer(48000, { modelCID: 'bafkreidz3xiualfnopvakaaitsh3qqktaoujdlgs3c3h2uvkg7kexotcui', bytes: 56858, store: '/tmp/fui/home/store', event: 'model-uploaded' }),
      trainer(48077, { tx: '0xeac87c1d5df34b40696f157db0f9c79ab3e72b4e991918ff16df2baa09beeca2', modelCID: 'bafkreidz3xiualfnopvakaaitsh3qqktaoujdlgs3c3h2uvkg7kexotcui', event: 'model-revealed' }),
      trainer(48083, { event: 'done' }),
    ]);
    const t = s.tasks[0]!;
    expect(t).toMatchObject({ step: 'done: model revealed', done: true, tx: { what: 'reveal', hash: '0xeac8…eca2' } });
    expect(t.deadline).toBeUndefined();
    expect(summarizeDaemonView(s)).toEqual(['task 1 (trainer): done: model revealed (reveal tx 0xeac8…eca2)']);
  });

  it('the upload in the reveal phase reads as revealing', () => {
    const s = fold([...AFTER_TRAINING, trainer(48000, { modelCID: 'bafkreidz3xiualfnopvakaaitsh3qqktaoujdlgs3c3h2uvkg7kexotcui', event: 'model-uploaded' })]);
    expect(s.tasks[0]!.step).toBe('revealing the model');
  });

  it('a restart is a resume; a new training run resets the best metric', () => {
    const s = fold([trainer(0, { resumed: true, event: 'started' })]);
    expect(s.tasks[0]!.step).toBe('resuming from its state file');
    const again = fold([epoch(1, 2, 1.3, 0.6)], fold(TRAINER_RUN));
    expect(again.tasks[0]!.training!.best).toEqual({ metric: 'accuracy', value: 0.6, epoch: 1 });
  });

  it('SIGTERM/SIGINT: the view says it is stopping, and the summary says how to resume', () => {
    const s = fold([...TRAINER_RUN, { level: 30, time: T0 + 5000, signal: 'SIGINT', event: 'stopping' }]);
    expect(s.stopping).toBe(true);
    expect(summarizeDaemonView(s)).toEqual(['task 1 (trainer): stopped at: training', 'run the same command again to resume']);
    // Ended by an error instead: the error handler prints the reason next.
    expect(summarizeDaemonView(fold(TRAINER_RUN))).toEqual(['task 1 (trainer): ended at: training']);
  });

  it('leaves the state untouched (same object) for records that change nothing', () => {
    const s = fold(TRAINER_RUN);
    expect(reduceDaemonView(s, { level: 20, time: T0, action: 'commit model', hash: '0x12', msg: 'transaction sent' })).toBe(s);
    expect(reduceDaemonView(s, trainer(9000, { msg: 'something new' }))).toBe(s);
  });
});

describe('reduceDaemonView: validator', () => {
  const VALIDATOR_RUN: LogRecord[] = [
    validator(0, { state: '/tmp/fui/home/daemons/validator-31337-2.json', resumed: false, event: 'started' }),
    validator(304, { spender: '0x2279B7A0a67DB372996a5FaB50D91eAA73d2eBe6', amount: '1000000000000000000', event: 'approving', what: 'gmFLOCK for the task stake' }),
    validator(511, { index: '0', tx: '0x9acb52c2f987cb7cb716db45e6187b3fe1a8a3067c5d209bf1b4838c41119c58', already: false, event: 'registered' }),
    validator(1600, { phase: 'submit', opensIn: 7192, event: 'waiting', for: 'score-commit' }, 20),
    validator(50872, { cid: 'bafkreiejxwzvg5l5yabva23ccwec42y4fxiggyqzsq33qhzou3brnsgify', file: '/tmp/fui/home/daemons/work/31337-2/validation.data', event: 'validation-ready' }),
    validator(51479, { submission: '0', modelCID: 'bafkreidz3xiualfnopvakaaitsh3qqktaoujdlgs3c3h2uvkg7kexotcui', metric: 'accuracy', score: 0.981675392670157, samples: 382, event: 'model-scored' }),
    validator(51700, { submission: '1', modelCID: 'bafkreigarbage', code: 'bad-onnx', reason: 'not an ONNX model', event: 'model-invalid', cause: 'invalid' }),
    validator(51900, { submission: '2', modelCID: 'bafkreitampered', reason: 'fetch-failed: CID mismatch', event: 'model-invalid', cause: 'fetch-failed' }, 40),
    validator(51950, { root: '0x5c1d0000000000000000000000000000000000000000000000000000000000aa', scores: 3, tx: '0x1111111111111111111111111111111111111111111111111111111111112222', already: false, event: 'scores-committed' }),
    validator(52000, { opensIn: 3540, event: 'waiting', for: 'score-reveal' }, 20),
  ];

  it('counts scored, invalid and committed models and keeps the last score', () => {
    const s = fold(VALIDATOR_RUN);
    const t = s.tasks[0]!;
    expect(t).toMatchObject({ task: '2', role: 'validator', step: 'scores committed; waiting for the score-reveal phase' });
    expect(t.scoring).toEqual({ scored: 1, invalid: 2, committed: 3, revealed: 0, last: { metric: 'accuracy', score: 0.981675392670157 } });
    expect(t.tx).toEqual({ what: 'score commit', hash: '0x1111…2222' });
    expect(t.deadline).toEqual({ what: 'score-reveal opens', at: T0 + 52000 + 3540_000 });
    expect(s.notices).toEqual([{ level: 'warn', time: T0 + 51900, task: '2', text: 'model could not be fetched or verified: marking it invalid (fetch-failed: CID mismatch)' }]);
  });

  it('a model not available yet: the root is committed without it, and says so', () => {
    const s = fold([VALIDATOR_RUN[4]!, validator(51960, { root: '0xaa', scores: 2, unavailable: 1, tx: '0x22', already: false, event: 'scores-committed' })]);
    expect(s.tasks[0]).toMatchObject({ step: 'scores committed; 1 model(s) not available yet', scoring: { committed: 2 } });
  });

  it('a validation set it cannot use: committed and revealed as unusable', () => {
    const s = fold([
      VALIDATOR_RUN[4]!,
      validator(51000, { cid: 'bafkreibad', reason: "no label column 'y'", event: 'validation-unusable' }, 40),
      validator(51100, { commitment: '0xcc', tx: '0x33', already: false, event: 'unusable-committed' }),
      validator(61000, { tx: '0x44', already: false, event: 'validation-rejected' }),
      validator(61001, { scored: 0, rejected: true, event: 'done' }),
    ]);
    expect(s.tasks[0]).toMatchObject({ step: 'done: validation set rejected as unusable', done: true, tx: { what: 'reject', hash: '0x44' } });
    expect(s.notices[0]!.text).toMatch(/^the revealed validation set breaks the task’s schema/);
  });

  it('with nothing committed, it only waits for the score-reveal phase', () => {
    const s = fold([VALIDATOR_RUN[4]!, VALIDATOR_RUN.at(-1)!]);
    expect(s.tasks[0]!.step).toBe('waiting for the score-reveal phase');
  });

  it('waits for the score-commit phase with its countdown', () => {
    const t = fold(VALIDATOR_RUN.slice(0, 4)).tasks[0]!;
    expect(t.step).toBe('waiting for the score-commit phase (task in its submit phase)');
    expect(t.deadline).toEqual({ what: 'score-commit opens', at: T0 + 1600 + 7192_000 });
    expect(t.tx).toEqual({ what: 'register', hash: '0x9acb…9c58' });
  });

  it('reveals and finishes', () => {
    const s = fold([
      ...VALIDATOR_RUN,
      validator(61399, { submission: '0', tx: '0x4dfebed1d686ce215eba66f39f7fc3eb5a5cedfa2f148cd642898a2aa5d3993b', event: 'score-revealed' }),
      validator(61406, { scored: 3, event: 'done' }),
    ]);
    expect(s.tasks[0]).toMatchObject({ step: 'done: 3 counted score(s) revealed', done: true, deadline: undefined, scoring: { revealed: 1 } });
    expect(summarizeDaemonView(s)).toEqual(['task 2 (validator): done: 3 counted score(s) revealed (score reveal tx 0x4dfe…993b)']);
  });
});

describe('reduceDaemonView: --watch, warnings', () => {
  it('tracks several tasks and a failed one', () => {
    const s = fold([
      { level: 30, time: T0, daemon: 'trainer', watch: true, event: 'watching' },
      { level: 30, time: T0 + 1, daemon: 'trainer', watch: true, task: '1', resumed: false, event: 'task-started' },
      { level: 30, time: T0 + 2, daemon: 'trainer', watch: true, task: '2', resumed: true, event: 'task-started' },
      { level: 50, time: T0 + 3, daemon: 'trainer', watch: true, task: '2', err: 'task 2 is already in its score-commit phase: too late to reveal the model', event: 'task-failed' },
    ]);
    expect(s.watching).toBe(true);
    expect(s.tasks.map((t) => [t.task, t.step])).toEqual([
      ['1', 'starting'],
      ['2', 'failed'],
    ]);
    expect(s.tasks[1]!.failed).toMatch(/too late to reveal/);
    expect(s.notices[0]).toMatchObject({ level: 'error', task: '2' });
    expect(summarizeDaemonView(s)[1]).toBe('task 2 (trainer): failed: task 2 is already in its score-commit phase: too late to reveal the model');
  });

  it(`keeps the last ${MAX_NOTICES} warnings and errors`, () => {
    const retries = Array.from({ length: 8 }, (_, i): LogRecord => ({ level: 40, time: T0 + i, what: 'latest block', attempt: i + 1, delayMs: 500, err: 'connect ECONNREFUSED 127.0.0.1:8545', event: 'retrying' }));
    const s = fold(retries);
    expect(s.notices).toHaveLength(MAX_NOTICES);
    expect(s.notices.at(-1)).toEqual({ level: 'warn', time: T0 + 7, text: 'transient failure, retrying (latest block: connect ECONNREFUSED 127.0.0.1:8545)', task: undefined });
    expect(s.tasks).toEqual([]);
  });
});

describe('shortId', () => {
  it('shortens hashes and CIDs, keeps short ids', () => {
    expect(shortId('0xfadb5ae3f37db8ab1ba1d8c731caabbc4dbf5a1df0f66155c32dc6013a362482')).toBe('0xfadb…2482');
    expect(shortId('bafkreidz3xiualfnopvakaaitsh3qqktaoujdlgs3c3h2uvkg7kexotcui')).toBe('bafkreid…tcui');
    expect(shortId('0x1234')).toBe('0x1234');
  });
});

describe('reduceDaemonView: Alliance node', () => {
  // What `flock alliance join --task 1` emits over two rounds of a 3-round task: a proposer in
  // round 1, a voter in round 2 (round 2 settled by another node).
  const node = (dt: number, fields: Record<string, unknown>, level = 30): LogRecord => ({ level, time: T0 + dt, daemon: 'alliance', task: '1', ...fields }) as LogRecord;
  const H = (c: string) => `0x${c.repeat(64)}`;
  const AGG1 = 'bafkreiaggregateroundone0000000000000000000000000000000000001';
  const AGG2 = 'bafkreiaggregateroundtwo0000000000000000000000000000000000002';
  const JOINED: LogRecord[] = [
    node(0, { state: '/tmp/fui/home/daemons/alliance-31337-1-0x7099.json', resumed: false, event: 'started' }),
    node(20, { round: 0, rounds: 3, metric: 'f1', event: 'alliance-task' }),
    node(300, { trainRows: 364, testRows: 91, dir: '/tmp/fui/home/daemons/work/alliance-31337-1-0x7099/data', event: 'data-split' }),
    node(310, { what: 'gmFLOCK for the Alliance stake', event: 'approving' }),
    node(500, { index: '0', tx: H('a'), already: false, event: 'registered' }),
    node(600, { for: 'round', opensIn: 120, round: 1, event: 'waiting' }, 20),
  ];
  const ROUND_1: LogRecord[] = [
    node(121_000, { round: 1, step: 'start', tx: H('b'), event: 'round-step' }),
    node(123_000, { round: 1, step: 'draw', tx: H('c'), event: 'round-step' }),
    node(123_100, { round: 1, role: 'proposer', index: 2, event: 'round-role' }),
    node(131_000, { round: 1, updateCID: 'bafkreiupdate1', examples: 364, loss: 0.34121, file: '/tmp/u.onnx', event: 'update-ready' }),
    node(131_200, { round: 1, tx: H('d'), commitment: H('e'), already: false, event: 'update-committed' }),
    node(131_300, { for: 'propose-reveal', opensIn: 60, round: 1, event: 'waiting' }, 20),
    node(192_000, { round: 1, tx: H('f'), updateCID: 'bafkreiupdate1', already: false, event: 'update-revealed' }),
    node(192_100, { for: 'settlement', opensIn: 240, round: 1, event: 'waiting' }, 20),
    node(433_000, { round: 1, step: 'settle', tx: H('1'), event: 'round-step' }),
    node(434_000, { round: 1, accepted: true, aggregateCID: AGG1, score: 0.9123, metric: 'f1', event: 'round-result' }),
    node(434_500, { round: 2, step: 'start', tx: H('2'), event: 'round-step' }),
  ];
  const ROUND_2: LogRecord[] = [
    node(436_000, { round: 2, step: 'draw', tx: H('3'), event: 'round-step' }),
    node(436_100, { round: 2, role: 'voter', index: 0, event: 'round-role' }),
    node(436_200, { for: 'vote-commit', opensIn: 90, round: 2, event: 'waiting' }, 20),
    node(527_000, { round: 2, aggregateCID: AGG2, previousScore: 0.9123, newScore: 0.9341, improved: true, blamed: [3], rejected: 0, event: 'voted' }),
    node(527_100, { round: 2, tx: H('4'), commitment: H('5'), already: false, event: 'vote-committed' }),
    node(527_200, { for: 'vote-reveal', opensIn: 60, round: 2, event: 'waiting' }, 20),
    node(588_000, { round: 2, tx: H('6'), already: false, event: 'vote-revealed' }),
    node(588_100, { for: 'settlement', opensIn: 120, round: 2, event: 'waiting' }, 20),
    node(709_000, { round: 2, accepted: true, aggregateCID: AGG2, score: 0.9341, metric: 'f1', event: 'round-result' }),
  ];

  const stepsOf = (records: LogRecord[], from: DaemonViewState) => records.map((_, i) => fold(records.slice(0, i + 1), from).tasks[0]!.step);

  it('joins: the data split, the task’s rounds and metric, the join tx and the countdown to round 1', () => {
    const s = fold(JOINED);
    expect(s.tasks).toHaveLength(1);
    const t = s.tasks[0]!;
    expect(t).toMatchObject({ task: '1', role: 'alliance', step: 'joining is open; waiting for round 1 to start', done: false, tx: { what: 'join', hash: '0xaaaa…aaaa' } });
    expect(t.alliance).toEqual({ round: 0, rounds: 3, metric: 'f1', data: { trainRows: 364, testRows: 91 }, scores: [] });
    expect(t.deadline).toEqual({ what: 'round 1 starts', at: T0 + 600 + 120_000 });
    expect(stepsOf(JOINED, initialDaemonView)).toEqual([
      'splitting the private data, then joining',
      'splitting the private data, then joining',
      'joining the task (stake)',
      'approving gmFLOCK for the Alliance stake',
      'joined; waiting for the next round',
      'joining is open; waiting for round 1 to start',
    ]);
  });

  it('round 1 as proposer: role, each step in plain words, the local loss, the txs and the global score', () => {
    const joined = fold(JOINED);
    expect(stepsOf(ROUND_1, joined)).toEqual([
      'round 1 started; drawing its roles',
      'round 1: roles drawn',
      'proposer in round 1: training an update from the global model',
      'committing the update',
      'update committed; waiting for the reveal phase',
      'update committed; waiting for the reveal phase',
      'update revealed; waiting for the votes',
      'done with round 1; waiting for its settlement',
      'round 1 settled',
      'round 1 accepted: new global model',
      'round 2 started; drawing its roles',
    ]);
    const mid = fold(ROUND_1.slice(0, 6), joined).tasks[0]!;
    expect(mid.alliance).toMatchObject({ round: 1, rounds: 3, role: 'proposer', loss: { round: 1, value: 0.34121 } });
    expect(mid.deadline).toEqual({ what: 'propose-reveal of round 1 opens', at: T0 + 131_300 + 60_000 });
    expect(mid.tx).toEqual({ what: 'update commit', hash: '0xdddd…dddd' });
    const settling = fold(ROUND_1.slice(0, 8), joined).tasks[0]!;
    expect(settling.deadline).toEqual({ what: 'round 1 can be settled', at: T0 + 192_100 + 240_000 });
    expect(settling.tx).toEqual({ what: 'update reveal', hash: '0xffff…ffff' });

    const t = fold(ROUND_1, joined).tasks[0]!;
    // Round 2 started: its role is not drawn yet; round 1's loss and score stay.
    expect(t.alliance).toEqual({ round: 2, rounds: 3, metric: 'f1', role: undefined, data: { trainRows: 364, testRows: 91 }, loss: { round: 1, value: 0.34121 }, scores: [{ round: 1, accepted: true, score: 0.9123 }] });
    expect(t.tx).toEqual({ what: 'start', hash: '0x2222…2222' });
    expect(t.deadline).toBeUndefined();
  });

  it('round 2 as voter: the vote, its txs and countdowns, and the score of the new global model', () => {
    const before = fold([...JOINED, ...ROUND_1]);
    expect(stepsOf(ROUND_2, before)).toEqual([
      'round 2: roles drawn',
      'voter in round 2: waiting for the proposers’ updates',
      'waiting for the proposers’ reveals, then aggregating, scoring and voting',
      'committing the vote (the aggregate is no worse than the global model)',
      'vote committed; waiting for the vote-reveal phase',
      'vote committed; waiting for the vote-reveal phase',
      'vote revealed; waiting for the settlement',
      'done with round 2; waiting for its settlement',
      'round 2 accepted: new global model',
    ]);
    expect(fold(ROUND_2.slice(0, 3), before).tasks[0]!.deadline).toEqual({ what: 'vote-commit of round 2 opens', at: T0 + 436_200 + 90_000 });
    const committed = fold(ROUND_2.slice(0, 6), before).tasks[0]!;
    expect(committed.deadline).toEqual({ what: 'vote-reveal of round 2 opens', at: T0 + 527_200 + 60_000 });
    expect(committed.tx).toEqual({ what: 'vote commit', hash: '0x4444…4444' });

    const s = fold(ROUND_2, before);
    const t = s.tasks[0]!;
    expect(t.alliance).toMatchObject({
      round: 2,
      role: 'voter',
      loss: { round: 1, value: 0.34121 },
      vote: { round: 2, previousScore: 0.9123, newScore: 0.9341, improved: true, blamed: 1 },
      scores: [
        { round: 1, accepted: true, score: 0.9123 },
        { round: 2, accepted: true, score: 0.9341 },
      ],
    });
    expect(t.tx).toEqual({ what: 'vote reveal', hash: '0x6666…6666' });
    expect(summarizeDaemonView(s)).toEqual(['task 1 (alliance): ended at: round 2 accepted: new global model', '  round 2/3, 2 of 2 settled accepted; global f1 by round (* accepted): 1 0.912*, 2 0.934*']);
  });

  it('a round settled by another node, reported late, keeps this round’s step; an unscored round is a gap and a warning', () => {
    const s = fold([
      ...JOINED,
      node(1, { round: 3, rounds: 3, metric: 'f1', event: 'alliance-task' }),
      node(2, { round: 3, role: 'proposer', index: 1, event: 'round-role' }),
      node(3, { round: 2, modelCID: AGG2, reason: 'object not found', event: 'round-unscored' }, 40),
      node(4, { round: 2, accepted: false, aggregateCID: AGG2, event: 'round-result' }),
    ]);
    const t = s.tasks[0]!;
    expect(t.step).toBe('proposer in round 3: training an update from the global model');
    expect(t.alliance).toMatchObject({ round: 3, role: 'proposer', scores: [{ round: 2, accepted: false }] });
    expect(s.notices).toEqual([{ level: 'warn', time: T0 + 3, task: '1', text: 'round 2: the global model could not be scored on the local test part (object not found)' }]);
    // A restart that reports a round again replaces it.
    const again = reduceDaemonView(s, node(5, { round: 2, accepted: false, aggregateCID: AGG2, score: 0.9, metric: 'f1', event: 'round-result' }));
    expect(again.tasks[0]!.alliance!.scores).toEqual([{ round: 2, accepted: false, score: 0.9 }]);
  });

  it('the task over: done, and the summary lists the rounds', () => {
    const s = fold([...JOINED, ...ROUND_1, ...ROUND_2, node(800_000, { round: 3, accepted: false, aggregateCID: AGG2, score: 0.93, metric: 'f1', event: 'round-result' }), node(800_001, { scored: 2, event: 'done' })]);
    expect(s.tasks[0]).toMatchObject({ step: 'done: the task is over (revealed in 2 round(s))', done: true });
    expect(summarizeDaemonView(s)).toEqual([
      'task 1 (alliance): done: the task is over (revealed in 2 round(s)) (vote reveal tx 0x6666…6666)',
      '  round 3/3, 2 of 3 settled accepted; global f1 by round (* accepted): 1 0.912*, 2 0.934*, 3 0.93',
    ]);
  });

  it('no role drawn, a skipped vote, a missed step, the randomness that never came', () => {
    const s = fold([...JOINED, node(1, { round: 1, role: 'none', event: 'round-role' })]);
    expect(s.tasks[0]!.step).toBe('no role in round 1 (joined after it started)');
    expect(s.tasks[0]!.alliance!.role).toBe('none');
    expect(reduceDaemonView(s, node(2, { round: 1, reason: 'no update was revealed', event: 'vote-skipped' }, 40)).tasks[0]!.step).toBe('no vote in round 1: no update was revealed');
    expect(reduceDaemonView(s, node(2, { round: 1, what: 'reveal the update', event: 'round-missed' }, 40)).tasks[0]!.step).toBe('round 1: too late to reveal the update');
    const waiting = reduceDaemonView(s, node(2, { for: 'randomness', round: 1, event: 'waiting' }, 20)).tasks[0]!;
    expect(waiting.step).toBe('waiting for the randomness that draws the roles of round 1');
    expect(waiting.deadline).toBeUndefined();
    expect(reduceDaemonView(s, node(3, { round: 1, step: 'expire', tx: H('9'), event: 'round-step' })).tasks[0]!.step).toBe('the randomness never came: the task ends early');
  });
});
