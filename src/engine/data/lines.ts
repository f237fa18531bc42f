/**
 * Line-by-line reading of a plain or gzip-compressed text file. Compression is recognised by the
 * gzip magic bytes, not the extension: files fetched from content-addressed storage have no name.
 * Nothing here holds more than a stream chunk and a line in memory.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { EngineError } from '../errors.js';

export interface ReadProgress {
  /** Bytes of the file (compressed bytes for .gz) consumed so far. */
  bytesRead: number;
  totalBytes: number;
}

export async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * Yields the lines of `file` lazily (without line terminators). `progress` is updated as the
 * underlying file stream advances, which lets callers (and tests) see that reading is incremental.
 */
export async function* readLines(file: string, progress?: ReadProgress): AsyncGenerator<string> {
  const gz = await isGzip(file);
  const total = (await stat(file)).size;
  if (progress) {
    progress.totalBytes = total;
    progress.bytesRead = 0;
  }
  const raw = createReadStream(file, { highWaterMark: 64 * 1024 });
  if (progress) raw.on('data', () => (progress.bytesRead = raw.bytesRead));
  const input = gz ? raw.pipe(createGunzip()) : raw;
  // pipe() does not forward errors; surface a read error of the raw file through the consumer.
  if (gz) raw.on('error', (err) => input.destroy(err));
  const rl = createInterface({ input, crlfDelay: Infinity });
  try {
    try {
      for await (const line of rl) yield line;
    } catch (err) {
      if (err instanceof EngineError) throw err;
      throw new EngineError('bad-data', `${file}: cannot read${gz ? ' (gzip)' : ''}: ${(err as Error).message}`, { cause: err });
    }
  } finally {
    rl.close();
    raw.destroy();
    if (gz) input.destroy();
  }
}
