/**
 * alliance.yaml: what a creator writes to open an FL Alliance task. It names the engine's task
 * spec (data schema, metric, model contract, trainer settings: the task.yaml an Arena task uses),
 * the initial global model, and the chain-side settings (rounds, roles, phases, stakes, reward
 * pool, aggregation rule, privacy, update bound). Parsed here into plain values; the command puts
 * the model and the public spec in the store and sends them. Knows nothing of the chain.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { parseTaskSpec, type TaskSpec } from '../engine/task.js';
import { AbortError } from '../errors/index.js';
import type { Store } from '../storage/index.js';
import { parseDuration, parseFlock, toWad } from '../units/index.js';

export const ALLIANCE_MANIFEST_VERSION = 1;

const amount = z.union([z.string(), z.number()]);
const duration = z.union([z.string(), z.number().int().positive()]);

const allianceSchema = z
  .object({
    /** The engine's task spec (task.yaml), relative to this file. */
    task: z.string().min(1),
    /** An ONNX file (relative path) or a CID; default: seeded weights built from the task's training data. */
    initialModel: z.string().optional(),
    rounds: z.number().int().positive(),
    proposers: z.number().int().positive(),
    participants: z.object({ min: z.number().int().positive(), max: z.number().int().positive() }).strict(),
    phases: z.object({ join: duration, proposeCommit: duration, proposeReveal: duration, voteCommit: duration, voteReveal: duration }).strict(),
    stake: z.object({ creator: amount, min: amount }).strict(),
    rewardPool: amount.default(0),
    aggregation: z
      .object({
        /** A rule of `flock fl aggregate --rule` (checked by the command, which knows them). */
        rule: z.string(),
        f: z.number().int().nonnegative().default(0),
        m: z.number().int().nonnegative().default(0),
        beta: z.number().min(0).lt(0.5).default(0),
      })
      .strict(),
    privacy: z.union([z.literal('off'), z.object({ clip: z.number().positive(), noise: z.number().nonnegative() }).strict()]).default('off'),
    /** Largest L2 norm of an update's change to the global model; voters reject a larger one. */
    maxUpdateNorm: z.number().positive().optional(),
    /** Start from a finalized Arena task's winning model. */
    fromArena: z.object({ task: z.number().int().positive(), submission: z.number().int().nonnegative() }).strict().optional(),
  })
  .strict();

/** An Alliance task's chain-side settings in chain units: durations in seconds, amounts in wei, shares in WAD. */
export interface AllianceSettings {
  rounds: number;
  proposersPerRound: number;
  minParticipants: number;
  maxParticipants: number;
  durations: { join: number; proposeCommit: number; proposeReveal: number; voteCommit: number; voteReveal: number };
  creatorStake: bigint;
  minStake: bigint;
  rewardPool: bigint;
  rule: string;
  /** Krum/MultiKrum/Bulyan's f, MultiKrum's m, the trimmed mean's beta (WAD). */
  f: number;
  m: number;
  beta: bigint;
  /** WAD; clipNorm 0: no differential privacy. */
  clipNorm: bigint;
  noiseMultiplier: bigint;
  /** WAD; 0: none. */
  maxUpdateNorm: bigint;
  fromArena: { taskId: bigint; submissionId: bigint } | null;
}

/** alliance.yaml, resolved: the settings, with absolute paths. */
export interface AllianceSpec extends AllianceSettings {
  file: string;
  taskFile: string;
  initialModel: { file: string } | { cid: string } | { build: true };
}

const bad = (file: string, why: string, cause?: unknown) =>
  new AbortError(`${file}: ${why}`, { code: 'BAD_TASK_SPEC', hint: 'see examples/alliance/alliance.yaml', cause });

/**
 * Reads and checks an alliance.yaml (one-line BAD_TASK_SPEC errors, before anything is sent).
 *
 * @example
 * const spec = loadAllianceSpec('examples/alliance/alliance.yaml');
 * spec.rule; // 'krum'
 */
export function loadAllianceSpec(file: string): AllianceSpec {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw bad(file, (cause as Error).message, cause);
  }
  const r = allianceSchema.safeParse(raw);
  if (!r.success) throw bad(file, r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  const s = r.data;
  const dir = path.dirname(path.resolve(file));
  const secs = (v: string | number, what: string) => (typeof v === 'number' ? v : parseDuration(v, `phases.${what}`));
  const k = s.proposers;
  if (s.participants.max > 256) throw bad(file, 'participants.max is at most 256');
  if (k > 64) throw bad(file, 'proposers is at most 64');
  if (s.participants.min <= k) throw bad(file, `participants.min (${s.participants.min}) must exceed proposers (${k}) so someone votes`);
  if (s.participants.max < s.participants.min) throw bad(file, 'participants.max is below participants.min');
  const { rule, f, m } = s.aggregation;
  if (rule === 'bulyan' && k < 4 * f + 3) throw bad(file, `bulyan with f ${f} needs proposers >= ${4 * f + 3}`);
  if ((rule === 'krum' || rule === 'multikrum') && k <= 2 * f + 2) throw bad(file, `${rule} with f ${f} needs proposers > ${2 * f + 2}`);
  if (rule === 'multikrum' && (m < 1 || m > k)) throw bad(file, 'multikrum needs 1 <= m <= proposers');
  if (rule === 'trimmed' && Math.floor(s.aggregation.beta * k) * 2 >= k) throw bad(file, `trimmed mean with beta ${s.aggregation.beta} cuts every one of ${k} updates`);
  const model = s.initialModel;
  return {
    file: path.resolve(file),
    taskFile: path.resolve(dir, s.task),
    initialModel: model === undefined ? { build: true } : /^(baf|Qm)[a-z0-9]+$/i.test(model) ? { cid: model } : { file: path.resolve(dir, model) },
    rounds: s.rounds,
    proposersPerRound: k,
    minParticipants: s.participants.min,
    maxParticipants: s.participants.max,
    durations: {
      join: secs(s.phases.join, 'join'),
      proposeCommit: secs(s.phases.proposeCommit, 'proposeCommit'),
      proposeReveal: secs(s.phases.proposeReveal, 'proposeReveal'),
      voteCommit: secs(s.phases.voteCommit, 'voteCommit'),
      voteReveal: secs(s.phases.voteReveal, 'voteReveal'),
    },
    creatorStake: parseFlock(s.stake.creator, { what: 'stake.creator' }),
    minStake: parseFlock(s.stake.min, { what: 'stake.min', allowZero: false }),
    rewardPool: parseFlock(s.rewardPool, { what: 'rewardPool' }),
    rule,
    f,
    m,
    beta: toWad(s.aggregation.beta),
    clipNorm: s.privacy === 'off' ? 0n : toWad(s.privacy.clip),
    noiseMultiplier: s.privacy === 'off' ? 0n : toWad(s.privacy.noise),
    maxUpdateNorm: s.maxUpdateNorm === undefined ? 0n : toWad(s.maxUpdateNorm),
    fromArena: s.fromArena ? { taskId: BigInt(s.fromArena.task), submissionId: BigInt(s.fromArena.submission) } : null,
  };
}

/** The public part of an Alliance task (its specCID): the engine spec without any data file. */
export interface AllianceManifest {
  flockAllianceManifest: typeof ALLIANCE_MANIFEST_VERSION;
  /** The task spec; `data.train` is "private": each node trains on its own file. */
  spec: TaskSpec;
}

/** Builds the manifest: the spec with its data section reduced to what nodes need. */
export function buildAllianceManifest(spec: TaskSpec): AllianceManifest {
  const { validation: _v, source: _s, split: _split, train: _t, ...data } = spec.data as Record<string, unknown>;
  return { flockAllianceManifest: ALLIANCE_MANIFEST_VERSION, spec: { ...spec, data: { ...data, train: 'private' } } as TaskSpec };
}

export function encodeAllianceManifest(m: AllianceManifest): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(m, null, 2)}\n`);
}

/** Fetches (verified by CID) and validates an Alliance task's public spec. */
export async function fetchAllianceManifest(store: Store, cid: string): Promise<AllianceManifest> {
  const bytes = await store.get(cid, { maxBytes: 1024 * 1024 });
  let raw: AllianceManifest;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes)) as AllianceManifest;
  } catch (cause) {
    throw new AbortError(`Alliance spec ${cid} is not JSON`, { code: 'BAD_MANIFEST', cause });
  }
  if (raw?.flockAllianceManifest !== ALLIANCE_MANIFEST_VERSION) {
    throw new AbortError(`${cid} is not a flock Alliance spec (version ${ALLIANCE_MANIFEST_VERSION})`, { code: 'BAD_MANIFEST' });
  }
  try {
    return { ...raw, spec: parseTaskSpec(raw.spec) };
  } catch (cause) {
    throw new AbortError(`Alliance spec ${cid}: ${(cause as Error).message}`, { code: 'BAD_MANIFEST', cause });
  }
}
