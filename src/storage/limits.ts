/**
 * Per-uploader limits of the store server (`storage.serve.quota`): for each uploader key (the
 * address that signed the upload), at most `objects` uploads and `bytes` bytes in any sliding
 * window of `windowMs`, and at most `concurrent` uploads at once. Every authorized upload counts,
 * whether it is stored, already there, or refused for its content: its bytes were received.
 *
 * Memory: one entry per upload in the window, at most `objects` (+ `concurrent`) per key; keys
 * with nothing in the window are dropped. With an empty allow-list any key may upload, and keys
 * cost nothing to make: the quota bounds one careless or faulty uploader, not a determined one;
 * the connection caps and an allow-list bound those.
 */

export interface UploaderQuota {
  /** The sliding window, in ms. */
  windowMs: number;
  /** Bytes one uploader may send per window (the sum of its uploads' sizes). */
  bytes: number;
  /** Uploads one uploader may make per window. */
  objects: number;
  /** Uploads of one uploader in flight at once. */
  concurrent: number;
}

/** Why an upload is refused: 429 (retry after `retryAfterMs`) or 413 (it can never fit). */
export interface QuotaRefusal {
  status: 429 | 413;
  code: 'QUOTA_EXCEEDED' | 'TOO_MANY_UPLOADS' | 'TOO_LARGE';
  message: string;
  /** When the uploader may try again (429 only). */
  retryAfterMs?: number;
}

/** An upload admitted by the quota: `finish` with the bytes actually received (once). */
export interface QuotaTicket {
  /** Bytes this upload may still send without going over the quota (for a body of unknown length). */
  readonly remainingBytes: number;
  finish(receivedBytes: number): void;
}

interface Entry {
  at: number;
  bytes: number;
}

interface Uploader {
  log: Entry[];
  active: number;
}

export class UploaderLimits {
  private readonly uploaders = new Map<string, Uploader>();

  constructor(readonly quota: UploaderQuota) {}

  /**
   * Admits an upload of `declared` bytes (undefined: unknown length) by `key` at `now`, or says
   * why not. An admitted upload counts at once (its declared bytes are reserved) so concurrent
   * uploads cannot overshoot together.
   */
  admit(key: string, now: number, declared: number | undefined): QuotaTicket | QuotaRefusal {
    const q = this.quota;
    const u = this.uploaders.get(key) ?? { log: [], active: 0 };
    this.prune(u, now);
    const used = u.log.reduce((n, e) => n + e.bytes, 0);
    if (u.active >= q.concurrent) {
      return { status: 429, code: 'TOO_MANY_UPLOADS', message: `${key} has ${u.active} uploads in flight, the most this store allows at once`, retryAfterMs: 1000 };
    }
    if (declared !== undefined && declared > q.bytes) {
      return { status: 413, code: 'TOO_LARGE', message: `object of ${declared} bytes is over this store's quota of ${q.bytes} bytes per uploader per ${seconds(q.windowMs)}` };
    }
    if (u.log.length >= q.objects) {
      return { status: 429, code: 'QUOTA_EXCEEDED', message: `${key} uploaded ${u.log.length} objects in the last ${seconds(q.windowMs)}, this store's quota`, retryAfterMs: this.expiresAfter(u.log[u.log.length - q.objects], now) };
    }
    const need = declared ?? 1;
    if (used + need > q.bytes) {
      return {
        status: 429,
        code: 'QUOTA_EXCEEDED',
        message: `${key} uploaded ${used} bytes in the last ${seconds(q.windowMs)}; ${declared === undefined ? 'more' : `${declared} more`} would be over this store's quota of ${q.bytes} bytes`,
        retryAfterMs: this.bytesFreedAfter(u, now, used + need - q.bytes),
      };
    }
    const entry: Entry = { at: now, bytes: declared ?? 0 };
    u.log.push(entry);
    u.active++;
    this.uploaders.set(key, u);
    let finished = false;
    return {
      remainingBytes: q.bytes - used,
      finish: (receivedBytes: number) => {
        if (finished) return;
        finished = true;
        entry.bytes = receivedBytes;
        u.active--;
        if (u.active === 0 && u.log.length === 0) this.uploaders.delete(key);
      },
    };
  }

  /** Drops what left every uploader's window (call now and then: admit prunes only its own key). */
  sweep(now: number): void {
    for (const [key, u] of this.uploaders) {
      this.prune(u, now);
      if (u.active === 0 && u.log.length === 0) this.uploaders.delete(key);
    }
  }

  /** Uploaders tracked (for tests and the log). */
  get size(): number {
    return this.uploaders.size;
  }

  private prune(u: Uploader, now: number): void {
    const from = now - this.quota.windowMs;
    let i = 0;
    while (i < u.log.length && u.log[i]!.at <= from) i++;
    if (i > 0) u.log.splice(0, i);
  }

  /** Ms until `e` leaves the window. */
  private expiresAfter(e: Entry | undefined, now: number): number {
    return e ? Math.max(1, e.at + this.quota.windowMs - now) : 1;
  }

  /** Ms until at least `excess` bytes have left the window. */
  private bytesFreedAfter(u: Uploader, now: number, excess: number): number {
    let freed = 0;
    for (const e of u.log) {
      freed += e.bytes;
      if (freed >= excess) return this.expiresAfter(e, now);
    }
    // Uploads in flight reserve their declared bytes: the last of them frees its share.
    return u.log.length ? this.expiresAfter(u.log[u.log.length - 1], now) : this.quota.windowMs;
  }
}

export function isRefusal(x: QuotaTicket | QuotaRefusal): x is QuotaRefusal {
  return 'status' in x;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
