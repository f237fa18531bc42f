/**
 * The whole aggregation of a round, bytes in, bytes out: read the global model, validate every
 * update (a rejected one is reported with its reason, never aggregated), run the rule over the
 * valid ones in canonical order, and write the aggregate canonically, named by its CID. Same
 * set of inputs -> same bytes -> same CID, on any machine and in any argument order: voters
 * compare these CIDs.
 */
import { AbortError } from '../errors/index.js';
import { cidOf } from '../storage/cid.js';
import { ModelFormatError, writeAggregate } from './model.js';
import { STRATEGIES } from './strategies/index.js';
import type { RejectedSignal, RuleName, StrategyOptions, Update, UpdateSignal } from './strategies/types.js';
import { readGlobal, validateUpdate, type GlobalModel } from './validate.js';
import { compareCodeUnits, unflatten } from './vector.js';

export interface ModelUpdate {
  /** Stable identifier; default: the CID of `bytes`. Updates are ordered by it. */
  id?: string;
  bytes: Uint8Array;
  /** Training examples behind the update (default 1): FedAvg's weight. */
  examples?: number;
}

export interface AggregateModelsOptions extends StrategyOptions {
  rule: RuleName;
  /** Reject updates whose change has an L2 norm over this. */
  maxNorm?: number;
}

export interface AggregateModelsResult {
  rule: RuleName;
  /** The aggregate model (ONNX). */
  bytes: Uint8Array;
  /** cidOf(bytes). */
  cid: string;
  /** Float32 parameters aggregated. */
  parameters: number;
  /** Every update, valid or rejected, in canonical (id) order. */
  signals: (UpdateSignal | RejectedSignal)[];
}

/** Reads the global model, or an AbortError FL_BAD_GLOBAL saying why it cannot serve. */
export function loadGlobal(bytes: Uint8Array): GlobalModel {
  try {
    return readGlobal(bytes);
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw e;
    throw new AbortError(`the global model cannot be aggregated: ${e.message}`, { code: 'FL_BAD_GLOBAL', hint: 'pass the round’s global model: an ONNX file with finite float32 initializers' });
  }
}

/**
 * Validates and aggregates `updates` over the global model `globalBytes` with `opts.rule`.
 * Throws AbortError FL_ALL_REJECTED when no update is valid, and the rule's own errors
 * (FL_BAD_PARAMETER, FL_TOO_FEW_UPDATES) when the valid ones do not suit it.
 *
 * @example
 * const r = aggregateModels(global, [{ bytes: a }, { bytes: b }], { rule: 'median' });
 * writeFileAtomic('aggregate.onnx', r.bytes); console.log(r.cid);
 */
export function aggregateModels(globalBytes: Uint8Array, updates: readonly ModelUpdate[], opts: AggregateModelsOptions): AggregateModelsResult {
  const global = loadGlobal(globalBytes);
  const valid: Update[] = [];
  const rejected: RejectedSignal[] = [];
  for (const u of updates) {
    const id = u.id ?? cidOf(u.bytes);
    const v = validateUpdate(global, u.bytes, { maxNorm: opts.maxNorm });
    if (v.ok) valid.push({ id, weights: v.vector, examples: u.examples ?? 1 });
    else rejected.push({ id, kept: false, rejected: v.reason });
  }
  if (valid.length === 0) {
    throw new AbortError(`all ${updates.length} update(s) were rejected: ${rejected.map((r) => r.rejected).join('; ')}`, {
      code: 'FL_ALL_REJECTED',
      hint: 'each update must be the global model with new float32 values (same graph, names, shapes), finite',
    });
  }
  const result = STRATEGIES[opts.rule].aggregate(global.vector, valid, opts);
  const bytes = writeAggregate(global.model, unflatten(result.weights, global.layout));
  const signals: (UpdateSignal | RejectedSignal)[] = [...result.signals, ...rejected].sort((a, b) => compareCodeUnits(a.id, b.id));
  return { rule: opts.rule, bytes, cid: cidOf(bytes), parameters: global.layout.size, signals };
}
