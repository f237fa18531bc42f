import type { Logger } from '../log/index.js';
import type { RootEntry } from './ipfs-blocks.js';

/**
 * `/flock/root/1.0.0`: how a node holding only a flock CID learns how to fetch the object over
 * bitswap. A flock CID names the sha2-256 of a whole object; a large object moves as a UnixFS DAG
 * whose root CID is a different one, which only a holder can tell.
 *
 * One request and one answer per stream, each a line of JSON (at most MAX_LINE bytes):
 *
 *   → {"cid":"bafkrei…"}
 *   ← {"root":"bafybei…","size":20000000}   (or "root" = the flock CID: one raw block)
 *   ← {"missing":true}
 *
 * The answer is a hint, never trusted: the fetcher hashes what it gets against the flock CID and
 * enforces its own size limit while streaming (ipfs-unixfs.ts). `size` lets `flock store stat`
 * say how large a remote object is without fetching it, and a fetcher refuse an announced
 * oversize object at once.
 */
export const ROOT_PROTOCOL = '/flock/root/1.0.0';

/** Far more than a request or an answer needs; a longer line is a misbehaving peer. */
const MAX_LINE = 1024;

/** What one peer said. `unsupported`: it does not speak the protocol (another IPFS implementation). */
export type PeerAnswer =
  | { peer: string; kind: 'found'; root: string; size: number }
  | { peer: string; kind: 'missing' }
  | { peer: string; kind: 'unsupported' | 'failed'; error: string };

/** The libp2p parts used here (libp2p 2; typed loosely, as ipfs.ts does). */
export interface RootLibp2p {
  handle(protocol: string, handler: (data: { stream: any; connection: any }) => void, opts?: { maxInboundStreams?: number }): Promise<void>;
  dialProtocol(peer: any, protocol: string, opts?: { signal?: AbortSignal }): Promise<any>;
  getPeers(): Array<{ toString(): string }>;
}

/** Serves the protocol: `lookup` returns an object's entry, or undefined when this node lacks it. */
export async function serveRootProtocol(libp2p: RootLibp2p, lookup: (cid: string) => Promise<RootEntry | undefined>, log?: Logger): Promise<void> {
  await libp2p.handle(
    ROOT_PROTOCOL,
    ({ stream, connection }) => {
      const peer = String(connection?.remotePeer ?? 'unknown');
      void (async () => {
        let cid: string | undefined;
        try {
          const req = JSON.parse(await readLine(stream, AbortSignal.timeout(10_000))) as { cid?: unknown };
          if (typeof req.cid !== 'string') throw new Error('no cid in the request');
          const { normalizeCid } = await import('./cid.js');
          cid = normalizeCid(req.cid);
          const entry = await lookup(cid);
          await writeLine(stream, entry ? { root: entry.root, size: entry.size } : { missing: true });
          if (entry) log?.info({ cid, peer, root: entry.root, size: entry.size }, 'root request served');
          else log?.info({ cid, peer }, 'root request: not found');
        } catch (e) {
          log?.warn({ cid, peer, err: (e as Error).message }, 'root request failed');
          stream.abort?.(e as Error);
        }
      })();
    },
    { maxInboundStreams: 64 },
  );
}

/**
 * Asks every connected peer at once; each answer (or failure) arrives within `timeoutMs`.
 * Returns every peer's answer; `found` ones in the order they arrived.
 */
export async function askPeers(libp2p: RootLibp2p, cid: string, opts: { timeoutMs: number; signal?: AbortSignal; log?: Logger }): Promise<PeerAnswer[]> {
  const peers = libp2p.getPeers();
  const answers: PeerAnswer[] = [];
  await Promise.all(
    peers.map(async (peerId) => {
      const answer = await askPeer(libp2p, peerId, cid, opts);
      answers.push(answer);
      opts.log?.debug({ cid, ...answer }, 'root answer');
    }),
  );
  return answers;
}

async function askPeer(libp2p: RootLibp2p, peerId: { toString(): string }, cid: string, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<PeerAnswer> {
  const peer = peerId.toString();
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  let stream: any;
  try {
    stream = await libp2p.dialProtocol(peerId, ROOT_PROTOCOL, { signal });
  } catch (e) {
    const err = e as Error;
    // multistream-select's refusal: the peer runs IPFS but not flock.
    const unsupported = err.name === 'UnsupportedProtocolError' || /protocol selection failed|unsupported protocol/i.test(err.message);
    return { peer, kind: unsupported ? 'unsupported' : 'failed', error: err.message };
  }
  try {
    await writeLine(stream, { cid });
    const a = JSON.parse(await readLine(stream, signal)) as { root?: unknown; size?: unknown; missing?: unknown };
    if (a.missing === true) return { peer, kind: 'missing' };
    if (typeof a.root !== 'string' || typeof a.size !== 'number' || !Number.isSafeInteger(a.size) || a.size < 0) throw new Error('malformed answer');
    const { CID } = await import('multiformats/cid');
    CID.parse(a.root);
    return { peer, kind: 'found', root: a.root, size: a.size };
  } catch (e) {
    stream.abort?.(e as Error);
    return { peer, kind: 'failed', error: signal.aborted ? `no answer within ${opts.timeoutMs / 1000} s` : (e as Error).message };
  } finally {
    await stream.close?.().catch(() => undefined);
  }
}

async function writeLine(stream: { sink(source: Iterable<Uint8Array>): Promise<void> }, msg: unknown): Promise<void> {
  await stream.sink([new TextEncoder().encode(`${JSON.stringify(msg)}\n`)]);
}

/** Reads up to the first newline (or the end), at most MAX_LINE bytes. */
async function readLine(stream: { source: AsyncIterable<{ subarray(): Uint8Array } | Uint8Array> }, signal: AbortSignal): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  aborted.catch(() => undefined);
  const it = stream.source[Symbol.asyncIterator]();
  for (;;) {
    const next = await Promise.race([it.next(), aborted]);
    if (next.done) break;
    const v = next.value;
    const bytes = Buffer.from(v instanceof Uint8Array ? v : v.subarray());
    const nl = bytes.indexOf(0x0a);
    parts.push(nl >= 0 ? bytes.subarray(0, nl) : bytes);
    size += bytes.length;
    if (nl >= 0) break;
    if (size > MAX_LINE) throw new Error(`line longer than ${MAX_LINE} bytes`);
  }
  return Buffer.concat(parts).toString('utf8');
}
