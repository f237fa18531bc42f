/**
 * Market vouchers (protocol/market/voucher.ts, verify.ts): the EIP-712 digest equals ethers'
 * TypedDataEncoder (the chain's `_hashTypedDataV4`), a signed voucher recovers to its signer, the
 * header round-trips and malformed headers fail with a message naming the problem, and the fast
 * verifier decides exactly as ecrecover (ethers' recoverAddress) on valid and broken signatures.
 */
import { getAddress, recoverAddress, Signature, TypedDataEncoder, Wallet } from 'ethers';
import { secp256k1 } from '@noble/curves/secp256k1';
import { describe, expect, it } from 'vitest';
import {
  formatVoucherHeader,
  parseVoucherHeader,
  recoverVoucher,
  signVoucher,
  VOUCHER_TYPES,
  voucherDigest,
  voucherDomain,
  VoucherFormatError,
  VoucherVerifier,
  VoucherVerifierPool,
  type SignedVoucher,
} from '../../../src/protocol/market/index.js';

const ref = { chainId: 31337n, market: '0x5FbDB2315678afecb367f032d93F642f64180aa3' };
const N = secp256k1.CURVE.n;

describe('voucher digest and signatures', () => {
  it('digest equals the EIP-712 hash of ethers', () => {
    for (const v of [
      { channelId: 1n, amount: 0n, calls: 1n },
      { channelId: 7n, amount: 10n ** 18n, calls: 42n },
      { channelId: (1n << 256n) - 1n, amount: (1n << 256n) - 1n, calls: (1n << 64n) - 1n },
    ]) {
      expect(voucherDigest(ref, v)).toBe(TypedDataEncoder.hash(voucherDomain(ref), VOUCHER_TYPES as never, v));
    }
    // Another chain or contract is another digest.
    const v = { channelId: 1n, amount: 5n, calls: 1n };
    expect(voucherDigest({ ...ref, chainId: 1n }, v)).not.toBe(voucherDigest(ref, v));
    expect(voucherDigest({ ...ref, market: getAddress('0x' + '22'.repeat(20)) }, v)).not.toBe(voucherDigest(ref, v));
  });

  it('a signed voucher recovers to its signer', async () => {
    const w = Wallet.createRandom();
    const signed = await signVoucher(w, ref, { channelId: 3n, amount: 1234n, calls: 2n });
    expect(signed.sig).toMatch(/^0x[0-9a-f]{128}1[bc]$/);
    expect(recoverVoucher(ref, signed)).toBe(w.address);
    expect(recoverVoucher(ref, parseVoucherHeader(formatVoucherHeader(signed)))).toBe(w.address);
    // Any field changed: someone else.
    expect(recoverVoucher(ref, { ...signed, amount: 1235n })).not.toBe(w.address);
    expect(recoverVoucher({ ...ref, chainId: 1n }, signed)).not.toBe(w.address);
  });

  it('refuses to sign out-of-range fields', async () => {
    const w = Wallet.createRandom();
    await expect(signVoucher(w, ref, { channelId: 0n, amount: 1n, calls: 1n })).rejects.toThrow(/channel id 0/);
    await expect(signVoucher(w, ref, { channelId: 1n, amount: -1n, calls: 1n })).rejects.toThrow(/amount -1/);
    await expect(signVoucher(w, ref, { channelId: 1n, amount: 1n, calls: 1n << 64n })).rejects.toThrow(/calls/);
  });
});

describe('voucher header', () => {
  const sig = '0x' + 'ab'.repeat(64) + '1b';
  const good = `channel=12;amount=5000;calls=3;sig=${sig}`;

  it('round-trips, in any key order, upper-case hex normalised', () => {
    const v = parseVoucherHeader(good);
    expect(v).toEqual({ channelId: 12n, amount: 5000n, calls: 3n, sig });
    expect(formatVoucherHeader(v)).toBe(good);
    expect(parseVoucherHeader(`sig=${sig.toUpperCase().replace('0X', '0x')};calls=3;amount=5000;channel=12`)).toEqual(v);
  });

  const bad: [string | string[] | undefined, RegExp][] = [
    [undefined, /no flock-voucher header/],
    [[good, good], /2 flock-voucher headers/],
    ['', /empty/],
    ['x'.repeat(401), /over 400/],
    [`channel=12;amount=5000;calls=3`, /missing sig/],
    [`channel=12;amount=5000;calls=3;sig=${sig};extra=1`, /unknown key "extra"/],
    [`channel=12;channel=13;amount=5000;calls=3;sig=${sig}`, /channel is given twice/],
    [`channel=12; amount=5000;calls=3;sig=${sig}`, /unknown key " amount"/],
    [`channel=12;amount=5000;calls=3;sig=${sig};`, /"" is not key=value/],
    [`channel=12;amount;calls=3;sig=${sig}`, /"amount" is not key=value/],
    [`channel=0;amount=5000;calls=3;sig=${sig}`, /channel=0 is out of range/],
    [`channel=012;amount=5000;calls=3;sig=${sig}`, /not a decimal integer/],
    [`channel=12;amount=-5;calls=3;sig=${sig}`, /not a decimal integer/],
    [`channel=12;amount=5e3;calls=3;sig=${sig}`, /not a decimal integer/],
    [`channel=12;amount=0x10;calls=3;sig=${sig}`, /not a decimal integer/],
    [`channel=12;amount=${1n << 256n};calls=3;sig=${sig}`, /amount=.* is out of range/],
    [`channel=12;amount=5;calls=${1n << 64n};sig=${sig}`, /calls=.* is out of range: a uint64/],
    [`channel=12;amount=5;calls=0;sig=${sig}`, /calls=0 is out of range/],
    [`channel=12;amount=5;calls=1;sig=${sig.slice(0, -2)}`, /65 bytes/],
    [`channel=12;amount=5;calls=1;sig=${sig.slice(2)}`, /65 bytes/],
    [`channel=12;amount=5;calls=1;sig=${sig.slice(0, -2)}zz`, /65 bytes/],
    [`channel=12;amount=5;calls=1;sig=${sig.slice(0, -2)}01`, /v byte is 0x01; it must be 27/],
  ];
  it.each(bad)('refuses %s', (header, message) => {
    let err: unknown;
    try {
      parseVoucherHeader(header as string);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VoucherFormatError);
    expect((err as Error).message).toMatch(message);
  });
});

describe('VoucherVerifier', () => {
  /** What the chain decides: ecrecover (ethers) equals the caller, s low, v 27/28. */
  function chainAccepts(v: SignedVoucher, caller: string): boolean {
    const s = BigInt(`0x${v.sig.slice(66, 130)}`);
    if (s > N / 2n) return false;
    try {
      return recoverAddress(voucherDigest(ref, v), v.sig) === getAddress(caller);
    } catch {
      return false;
    }
  }

  it('decides as ecrecover: valid, tampered, high-s, wrong v, other signer, zero r', async () => {
    const alice = Wallet.createRandom();
    const bob = Wallet.createRandom();
    const verifier = new VoucherVerifier(ref, { cacheSize: 1 });
    const cases: [SignedVoucher, string, boolean][] = [];
    for (let i = 1n; i <= 6n; i++) {
      const v = await signVoucher(alice, ref, { channelId: 1n, amount: i * 100n, calls: i });
      const sig = Signature.from(v.sig);
      const highS = `0x${sig.r.slice(2)}${(N - BigInt(sig.s)).toString(16).padStart(64, '0')}${sig.v === 27 ? '1c' : '1b'}`;
      const flippedV = `${v.sig.slice(0, 130)}${sig.v === 27 ? '1c' : '1b'}`;
      const zeroR = `0x${'00'.repeat(32)}${v.sig.slice(66)}`;
      cases.push(
        [v, alice.address, true],
        [{ ...v, amount: v.amount + 1n }, alice.address, false],
        [{ ...v, calls: v.calls + 1n }, alice.address, false],
        [{ ...v, channelId: 2n }, alice.address, false],
        [{ ...v, sig: highS }, alice.address, false],
        [{ ...v, sig: flippedV }, alice.address, false],
        [{ ...v, sig: zeroR }, alice.address, false],
        [v, bob.address, false],
      );
    }
    for (const [v, who, expected] of cases) {
      expect(chainAccepts(v, who)).toBe(expected);
      expect(verifier.verify(v, who)).toBe(expected);
    }
    // The cases went through both paths: recovery (first sight, after eviction) and the cached key.
    expect(verifier.stats.recovered).toBeGreaterThan(0);
    expect(verifier.stats.verified).toBeGreaterThan(0);
    expect(verifier.size).toBe(1);
  });

  it('agrees with ecrecover on many signatures of one cached key, random fields, flipped bits', async () => {
    const alice = Wallet.createRandom();
    const verifier = new VoucherVerifier(ref);
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let accepted = 0;
    for (let i = 0; i < 60; i++) {
      const v = await signVoucher(alice, ref, { channelId: BigInt(1 + rand(1000)), amount: BigInt(rand(2 ** 30)) * 10n ** 9n, calls: BigInt(1 + rand(1000)) });
      const bytes = v.sig.slice(2).split('');
      const pos = rand(128); // a hex digit of r or s
      bytes[pos] = ((Number.parseInt(bytes[pos]!, 16) + 1 + rand(15)) % 16).toString(16);
      const flipped = { ...v, sig: `0x${bytes.join('')}` };
      for (const c of [v, flipped]) {
        const want = chainAccepts(c, alice.address);
        expect(verifier.verify(c, alice.address)).toBe(want);
        if (want) accepted++;
      }
    }
    expect(accepted).toBe(60);
    expect(verifier.stats.recovered).toBe(1);
  });

  it('keeps many callers apart (LRU eviction)', async () => {
    const wallets = Array.from({ length: 5 }, () => Wallet.createRandom());
    const verifier = new VoucherVerifier(ref, { cacheSize: 3 });
    for (let round = 1n; round <= 3n; round++) {
      for (const [i, w] of wallets.entries()) {
        const v = await signVoucher(w, ref, { channelId: BigInt(i + 1), amount: round, calls: round });
        expect(verifier.verify(v, w.address)).toBe(true);
        expect(verifier.verify(v, wallets[(i + 1) % wallets.length]!.address)).toBe(false);
      }
    }
    expect(verifier.size).toBe(3);
  });

  it('decides the same in worker threads (VoucherVerifierPool)', async () => {
    const wallets = Array.from({ length: 3 }, () => Wallet.createRandom());
    const pool = new VoucherVerifierPool(ref, { threads: 2 });
    try {
      const checks: Promise<boolean>[] = [];
      const expected: boolean[] = [];
      for (let i = 1n; i <= 4n; i++) {
        for (const [k, w] of wallets.entries()) {
          const v = await signVoucher(w, ref, { channelId: BigInt(k + 1), amount: i * 7n, calls: i });
          checks.push(pool.verify(v, w.address), pool.verify({ ...v, amount: v.amount + 1n }, w.address), pool.verify(v, wallets[(k + 1) % 3]!.address));
          expected.push(true, false, false);
        }
      }
      expect(await Promise.all(checks)).toEqual(expected);
      expect(pool.stats).toMatchObject({ recovered: expect.any(Number), verified: expect.any(Number) });
      expect(pool.stats.verified).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
    await expect(pool.verify(await signVoucher(wallets[0]!, ref, { channelId: 1n, amount: 1n, calls: 1n }), wallets[0]!.address)).rejects.toThrow(/closed/);
  });
});
