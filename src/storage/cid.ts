import { createHash, type Hash } from 'node:crypto';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import * as Digest from 'multiformats/hashes/digest';
import { sha256 } from 'multiformats/hashes/sha2';
import { AbortError } from '../errors/index.js';

/**
 * Content identifiers of flock objects: CIDv1, codec `raw` (0x55), multihash sha2-256 (0x12),
 * written in base32 (`bafkrei…`). The CID is the sha256 of the object's bytes and nothing else, so
 * one CID names one object in every backend (directory, HTTP, IPFS) and anyone can check it with
 * `sha256sum`.
 */

export const RAW_CODE = raw.code; // 0x55
export const SHA2_256_CODE = sha256.code; // 0x12

const CODEC_NAMES: Record<number, string> = { 0x55: 'raw', 0x70: 'dag-pb', 0x71: 'dag-cbor', 0x0129: 'dag-json', 0x0200: 'json' };

/**
 * The CID of a sha256 digest (32 bytes).
 *
 * @example
 * cidFromSha256(createHash('sha256').update(bytes).digest()) // 'bafkrei…'
 */
export function cidFromSha256(digest: Uint8Array): string {
  if (digest.length !== 32) throw new TypeError(`a sha256 digest is 32 bytes, got ${digest.length}`);
  return CID.createV1(RAW_CODE, Digest.create(SHA2_256_CODE, digest)).toString();
}

/**
 * The CID of some bytes (in memory). For streams, use `CidHasher`.
 *
 * @example
 * cidOf(new TextEncoder().encode('hello world')) // 'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e'
 */
export function cidOf(bytes: Uint8Array): string {
  return cidFromSha256(createHash('sha256').update(bytes).digest());
}

/** Incremental CID computation over chunks, for streaming writes and verified reads. */
export class CidHasher {
  private readonly hash: Hash = createHash('sha256');
  /** Bytes hashed so far. */
  size = 0;

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.size += chunk.length;
  }

  /** The CID of everything passed to update (call once). */
  cid(): string {
    return cidFromSha256(this.hash.digest());
  }
}

/** The sha256 digest (hex) a flock CID names, e.g. to compare with `sha256sum`. */
export function sha256Hex(cid: string): string {
  return Buffer.from(parseCid(cid).multihash.digest).toString('hex');
}

function invalid(input: string, why: string, hint?: string): AbortError {
  const shown = input.length > 80 ? `${input.slice(0, 77)}...` : input;
  return new AbortError(`invalid CID "${shown}": ${why}`, {
    code: 'INVALID_CID',
    hint: hint ?? 'flock objects are named by CIDv1 raw sha2-256 in base32, like bafkrei… (printed by `flock store put`)',
  });
}

/**
 * Parses and validates a flock CID (AbortError INVALID_CID, exit 2, saying what is wrong).
 * base32, base36 and base58btc multibase strings are accepted; `toString()` of the result is the
 * canonical base32 form.
 *
 * @example
 * parseCid('bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e').toString()
 */
export function parseCid(input: string): CID {
  const s = typeof input === 'string' ? input.trim() : '';
  if (s === '') throw invalid(String(input ?? ''), 'empty');
  if (/^Qm[1-9A-HJ-NP-Za-km-z]{44}$/.test(s)) {
    throw invalid(s, 'this is a CIDv0 (dag-pb, from `ipfs add`); flock objects are raw CIDv1', 'fetch the file with IPFS and `flock store put` it to get its flock CID');
  }
  let cid: CID;
  try {
    cid = CID.parse(s);
  } catch (e) {
    throw invalid(s, `not a CID (${(e as Error).message.replace(/\.$/, '')})`);
  }
  if (cid.version !== 1) throw invalid(s, `CIDv${cid.version}; flock uses CIDv1`);
  if (cid.code !== RAW_CODE) {
    const name = CODEC_NAMES[cid.code] ?? `0x${cid.code.toString(16)}`;
    throw invalid(
      s,
      `codec ${name}; flock objects use the raw codec (0x55)`,
      cid.code === 0x70 ? 'this looks like a UnixFS root from `ipfs add`; fetch the file and `flock store put` it' : undefined,
    );
  }
  if (cid.multihash.code !== SHA2_256_CODE) throw invalid(s, `hash function 0x${cid.multihash.code.toString(16)}; flock uses sha2-256 (0x12)`);
  if (cid.multihash.digest.length !== 32) throw invalid(s, `a sha2-256 digest is 32 bytes, this one is ${cid.multihash.digest.length}`);
  return cid;
}

/** The canonical (base32) string of a valid flock CID; throws INVALID_CID otherwise. */
export function normalizeCid(input: string): string {
  return parseCid(input).toString();
}

/** True for a valid flock CID (no throw). */
export function isCid(input: string): boolean {
  try {
    parseCid(input);
    return true;
  } catch {
    return false;
  }
}
