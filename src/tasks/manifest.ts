/**
 * The task manifest: what a task publishes as its `dataCID`. It is the task spec (data schema,
 * metric, model contract, baseline, suggested trainer config) with the training data replaced by
 * its CID and the hidden validation set left out. Trainers and validators fetch it (verified by
 * its CID) to know how to read the data and what a model must satisfy. Knows nothing of the chain.
 */
import { parseTaskSpec, type TaskSpec } from '../engine/task.js';
import { AbortError } from '../errors/index.js';
import type { Store } from '../storage/index.js';

export const MANIFEST_VERSION = 1;

export interface TaskManifest {
  flockTaskManifest: typeof MANIFEST_VERSION;
  /** The spec without its hidden parts; `data.train` is the training data's CID. */
  spec: TaskSpec;
  /** CID of the training data file (also in spec.data.train). */
  train: string;
  /** File name of the training data (its extension tells the format: .csv, .jsonl, .gz). */
  trainName: string;
}

/** Builds the public manifest from a spec and the CID of its training data. */
export function buildManifest(spec: TaskSpec, train: string, trainName: string): TaskManifest {
  const { validation: _v, source: _s, split: _split, ...data } = spec.data as Record<string, unknown>;
  return { flockTaskManifest: MANIFEST_VERSION, spec: { ...spec, data: { ...data, train } } as TaskSpec, train, trainName };
}

export function encodeManifest(m: TaskManifest): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(m, null, 2)}\n`);
}

/** Fetches (verified by CID) and validates a manifest. */
export async function fetchManifest(store: Store, cid: string): Promise<TaskManifest> {
  const bytes = await store.get(cid, { maxBytes: 1024 * 1024 });
  let raw: TaskManifest;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes)) as TaskManifest;
  } catch (cause) {
    throw new AbortError(`task manifest ${cid} is not JSON`, { code: 'BAD_MANIFEST', cause });
  }
  if (raw.flockTaskManifest !== MANIFEST_VERSION || typeof raw.train !== 'string') {
    throw new AbortError(`task manifest ${cid} is not a flock task manifest (version ${MANIFEST_VERSION})`, { code: 'BAD_MANIFEST' });
  }
  try {
    return { ...raw, spec: parseTaskSpec(raw.spec) };
  } catch (cause) {
    throw new AbortError(`task manifest ${cid}: ${(cause as Error).message}`, { code: 'BAD_MANIFEST', cause });
  }
}
