/**
 * A validation set nobody can score with (scoring v2, issue #8): a creator (through the protocol
 * client, since `flock task create` refuses such data) commits to a validation set without its
 * label column and reveals it. `flock validate` does not exit: it commits "unusable" in the
 * score-commit phase (its salt persisted first) and reveals it with rejectValidationSet; its
 * stake being all of the committed stake, the first finalize cancels the task and slashes the
 * creator (CreatorUnusableData), and the validator gets its whole stake back.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { JsonRpcProvider, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeployment } from '../../src/chain/deployment.js';
import { FlockSigner } from '../../src/chain/signer.js';
import { loadTaskSpec } from '../../src/engine/task.js';
import { requireArena, unusableCommitment, type ArenaMetricName } from '../../src/protocol/arena/index.js';
import { createProtocolClient } from '../../src/protocol/client.js';
import { DirectoryStore } from '../../src/storage/directory.js';
import { buildManifest, encodeManifest } from '../../src/tasks/manifest.js';
import { keepValidationSet } from '../../src/tasks/secrets.js';
import { cloneHome, readDaemonState, ROOT, runCli, tempHome, type TempHome } from '../harness/index.js';
import { ensureBuilt, startCliDevnet, teardownCliDevnet } from './helpers.js';

const CREATOR_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'; // anvil #0
const V1_KEY = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6'; // anvil #3
const V1 = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const DIGITS = join(ROOT, 'examples/tasks/digits');

describe('an unusable validation set', () => {
  let t: TempHome;
  let provider: JsonRpcProvider;
  let rpcUrl: string;
  const ok = async (args: string[], home = t.home) => {
    const r = await runCli(args, { home, timeoutMs: 120_000 });
    expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r;
  };
  const pw = () => ['--password-file', join(t.dir, 'password')];
  const as = (who: 'creator' | 'v1') => ['--account', who, ...pw()];

  beforeAll(async () => {
    ensureBuilt();
    t = tempHome('flock-unusable-');
    ({ rpcUrl, provider } = await startCliDevnet(t.home));
    writeFileSync(join(t.dir, 'password'), 'pw');
    for (const [who, key] of [['creator', CREATOR_KEY], ['v1', V1_KEY]] as const) {
      writeFileSync(join(t.dir, `${who}.key`), key);
      await ok(['wallet', 'import', who, '--private-key-file', join(t.dir, `${who}.key`), ...pw()]);
      await ok(['stake', '200', '--lock', '0', ...as(who)]);
    }
  }, 180_000);

  afterAll(() => teardownCliDevnet(t, provider));

  it('is committed and revealed as unusable by `flock validate` (exit 0), and cancels the task at finalize, slashing its creator', async () => {
    // The task, published as `flock task create` would, but with a validation set missing its labels.
    const { spec, files } = await loadTaskSpec(join(DIGITS, 'task.yaml'));
    const store = new DirectoryStore({ dir: join(t.home, 'store') });
    const trainCID = await store.putFile(files.train);
    const dataCID = await store.put(encodeManifest(buildManifest(spec, trainCID, 'train.csv.gz')));
    const unlabelled = join(t.dir, 'unlabelled.csv');
    const rows = gunzipSync(readFileSync(files.validation!)).toString('utf8').split('\n');
    writeFileSync(unlabelled, rows.map((l) => l.split(',').slice(0, -1).join(',')).join('\n'));
    const validationCID = keepValidationSet(t.home, 31337, unlabelled);
    const creator = createProtocolClient({ record: readDeployment(t.home, 31337)!, signer: new FlockSigner(new Wallet(CREATOR_KEY, provider)) });
    const hour = 3600n;
    const { taskId } = await creator.arena.createTask({
      dataCID,
      validationCID,
      metric: spec.metric.name as ArenaMetricName,
      inputShape: spec.contract.inputShape,
      outputShape: spec.contract.outputShape,
      maxParameters: BigInt(spec.contract.maxParams),
      maxFileSize: BigInt(spec.contract.maxBytes),
      baseline: spec.baseline ?? 0,
      durations: { submit: hour, reveal: hour, scoreCommit: hour, scoreReveal: hour },
      creatorStake: await creator.governance.getParam({ name: 'arena.minCreatorStake' }),
      minNodeStake: await creator.governance.getParam({ name: 'arena.minStake' }),
      minValidatorStake: await creator.governance.getParam({ name: 'arena.minStake' }),
      registrationFee: 0n,
      bounty: 0n,
      home: t.home,
    });
    const id = taskId.toString();

    const home = cloneHome(t.home, join(t.dir, 'home-v1'));
    const validating = runCli(['validate', '--task', id, '--poll', '0.3', '--rpc-url', rpcUrl, ...as('v1')], { home, timeoutMs: 150_000 });
    const read = () => readDaemonState(home, 'validator', 31337, id);
    const until = async (what: string, check: () => boolean) => {
      const deadline = Date.now() + 60_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(read())}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    await until('the validator registered', () => Boolean(read()?.registered));

    await ok(['devnet', 'warp', '1h']);
    await ok(['task', 'reveal', id, ...as('creator')]);
    await ok(['devnet', 'warp', '1h']); // score commit
    await until('"unusable" committed', () => Boolean(read()?.unusable?.committed));
    const arena = requireArena(creator);
    const s = read();
    expect(s.unusable.commitment).toBe(unusableCommitment(taskId, V1, s.unusable.salt));
    expect(s.unusable.reason).toMatch(/no label column 'digit'/);
    expect(s.scores).toEqual({});
    expect((await arena.validator(taskId, 0n)).scoreRoot).toBe(s.unusable.commitment);

    await ok(['devnet', 'warp', '1h']); // score reveal
    const r = await validating;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(read().unusable.rejected.txHash).toMatch(/^0x/);
    const v = await arena.validator(taskId, 0n);
    expect(v.unusable).toBe(true);
    expect((await arena.task(taskId)).unusableWeight).toBe((await arena.task(taskId)).committedWeight);

    await ok(['devnet', 'warp', '2h']);
    const fin = JSON.parse((await ok(['task', 'finalize', id, '--json', ...as('creator')])).stdout);
    expect(fin.phase).toBe('cancelled');
    const shown = JSON.parse((await ok(['task', 'show', id, '--json'])).stdout);
    expect(shown.status).toMatch(/^cancelled \(validators rejected the validation set as unusable\)/);
    const creatorBack = (await arena.claimable(taskId, await creator.signer!.getAddress()))[0];
    const rules = await arena.taskRules(taskId);
    const staked = (await arena.task(taskId)).creatorStake;
    expect(creatorBack).toBe(staked - (staked * rules.creatorSlash) / 10n ** 18n);
    expect((await arena.claimable(taskId, V1))[0]).toBe(v.ownStake); // nothing slashed
  }, 240_000);
});
