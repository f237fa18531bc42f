/**
 * The one way flock writes a file that must survive a crash or a power cut: a temp file beside
 * it, fsync, rename over the old one, fsync of the folder. A reader (or a restart) sees the old
 * file or the new one, never half of either, and once this returns the new one is on disk.
 * Secrets (salts, a kept model, a creator's validation set) go through here before the
 * transaction that commits to them is sent.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { mkdirPrivate } from './dirs.js';

export interface AtomicWriteOptions {
  /** File mode (default 0600: many of these files hold secrets). */
  mode?: number;
}

/**
 * Writes `data` to `path` atomically and durably, creating its folder (0700).
 *
 * @example
 * writeFileAtomic(join(home, 'daemons', 'work', 'model.onnx'), bytes);
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): void {
  const dir = dirname(path);
  mkdirPrivate(dir);
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', opts.mode ?? 0o600);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  syncDir(dir);
}

/** `value` as indented JSON (bigints as decimal strings), atomically; see writeFileAtomic. */
export function writeJsonAtomic(path: string, value: unknown, opts: AtomicWriteOptions = {}): void {
  writeFileAtomic(path, `${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`, opts);
}

/** A JSON file's value, or undefined when there is no file; a SyntaxError when it is damaged. */
export function readJsonFile<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** fsync of a folder makes a rename in it durable; some platforms cannot open folders (skip). */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot fsync a directory; the rename itself is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
