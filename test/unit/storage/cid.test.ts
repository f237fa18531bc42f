import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { base36 } from 'multiformats/bases/base36';
import { base58btc } from 'multiformats/bases/base58';
import { describe, expect, it } from 'vitest';
import { CidHasher, cidFromSha256, cidOf, isCid, normalizeCid, parseCid, sha256Hex } from '../../../src/storage/cid.js';
import { formatBytes, parseSize } from '../../../src/units/index.js';
import { FlockError } from '../../../src/errors/index.js';

/** RFC 4648 base32, lower case, no padding: written here so the check does not reuse multiformats. */
function base32(bytes: Uint8Array): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** CIDv1 by hand: multibase 'b' + varint(1) + varint(0x55 raw) + 0x12 sha2-256 + 0x20 length + digest. */
function handMadeCid(content: Uint8Array): string {
  const digest = createHash('sha256').update(content).digest();
  return `b${base32(Buffer.concat([Buffer.from([0x01, 0x55, 0x12, 0x20]), digest]))}`;
}

const enc = (s: string) => new TextEncoder().encode(s);

function thrown(fn: () => unknown): FlockError {
  try {
    fn();
  } catch (e) {
    return e as FlockError;
  }
  throw new Error('expected a throw');
}

describe('cid', () => {
  it('known vectors: "hello world", "hello world\\n", empty', () => {
    // Published CIDv1 raw sha2-256 values (e.g. `ipfs add --cid-version 1 --raw-leaves` of a small file).
    expect(cidOf(enc('hello world'))).toBe('bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e');
    expect(cidOf(new Uint8Array())).toBe('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku');
    expect(cidOf(enc('hello world\n'))).toBe('bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4');
  });

  it('matches a CID built by hand from node:crypto sha256', () => {
    for (const s of ['', 'hello world\n', 'x'.repeat(10_000)]) {
      expect(cidOf(enc(s))).toBe(handMadeCid(enc(s)));
      expect(sha256Hex(cidOf(enc(s)))).toBe(createHash('sha256').update(s).digest('hex'));
    }
    expect(sha256Hex('bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4')).toBe('a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447');
  });

  it('round trip: string -> CID -> string, and the digest survives', () => {
    const cid = cidOf(enc('round trip'));
    const parsed = parseCid(cid);
    expect(parsed.version).toBe(1);
    expect(parsed.code).toBe(0x55);
    expect(parsed.multihash.code).toBe(0x12);
    expect(parsed.toString()).toBe(cid);
    expect(cidFromSha256(parsed.multihash.digest)).toBe(cid);
  });

  it('the incremental hasher equals the one-shot CID whatever the chunking', async () => {
    const data = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));
    const hasher = new CidHasher();
    for await (const chunk of Readable.from([data.subarray(0, 1), data.subarray(1, 4097), data.subarray(4097)])) hasher.update(chunk as Buffer);
    expect(hasher.size).toBe(data.length);
    expect(hasher.cid()).toBe(cidOf(data));
  });

  it('accepts other multibase spellings of the same CID and normalises them to base32', () => {
    const canonical = 'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e';
    const cid = parseCid(canonical);
    expect(cid.toString(base58btc)).toMatch(/^z/);
    expect(cid.toString(base36)).toMatch(/^k/);
    for (const spelled of [cid.toString(base58btc), cid.toString(base36), `  ${canonical}\n`]) expect(normalizeCid(spelled)).toBe(canonical);
  });

  it('rejects what is not a flock CID, saying why (INVALID_CID, exit 2)', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['hello', /not a CID/],
      ['QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG', /CIDv0/],
      // A UnixFS root from `ipfs add --cid-version 1`: dag-pb, not raw.
      ['bafybeicg2rebjoofv4kbyovkw7af3rpiitvnl6i7ckcywaq6xjcxnc2mby', /codec dag-pb/],
      // A raw CID hashed with blake2b-256.
      ['bafk2bzacea3wsdh6y3a36tb3skempjoxqpuyompjbmfeyf34fi3uy6uue42v4', /hash function 0xb220/],
      ['bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5f', /not a CID/],
    ];
    for (const [input, why] of cases) {
      const e = thrown(() => parseCid(input));
      expect(e.code, input).toBe('INVALID_CID');
      expect(e.exitCode).toBe(2);
      expect(e.message, input).toMatch(why);
      expect(isCid(input)).toBe(false);
    }
    expect(thrown(() => parseCid('bafybeicg2rebjoofv4kbyovkw7af3rpiitvnl6i7ckcywaq6xjcxnc2mby')).hint).toMatch(/ipfs add/);
  });
});

describe('parseSize', () => {
  it('reads bytes with binary and decimal units', () => {
    expect(parseSize('1048576')).toBe(1048576);
    expect(parseSize(4096)).toBe(4096);
    expect(parseSize('512KiB')).toBe(512 * 1024);
    expect(parseSize('64 MiB')).toBe(64 * 1024 ** 2);
    expect(parseSize('1GiB')).toBe(1024 ** 3);
    expect(parseSize('1G')).toBe(1024 ** 3);
    expect(parseSize('1.5GB')).toBe(1.5e9);
    expect(parseSize('10 parsecs')).toBeUndefined();
    expect(parseSize('-1')).toBeUndefined();
    expect(parseSize(1.5)).toBeUndefined();
  });

  it('formats limits without rounding them into a different number', () => {
    expect([12, 1024, 1536, 2047, 2048, 3_000_000, 1024 ** 3].map(formatBytes)).toEqual(['12 bytes', '1 KiB', '1.5 KiB', '2047 bytes', '2 KiB', '2.86 MiB', '1 GiB']);
  });
});

