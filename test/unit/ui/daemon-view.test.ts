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
