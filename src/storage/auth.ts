import { getAddress, isAddress, verifyMessage } from 'ethers';

/**
 * Upload authentication of the HTTP store: the uploader signs (EIP-191 personal_sign, as
 * `Wallet.signMessage`) the message `flock-store:put:<cid>:<timestamp>` with its account key and
 * sends it in three headers. The server recovers the address and accepts the upload when the
 * signature matches the claimed address, the timestamp is within 5 minutes of its clock and
 * (when an allow-list is set) the address is on it. The CID in the message binds the signature
 * to one content: it cannot be reused to upload anything else.
 */

export const UPLOAD_HEADERS = {
  address: 'x-flock-address',
  timestamp: 'x-flock-timestamp',
  signature: 'x-flock-signature',
  /** The claimed CID, for POST /objects (PUT carries it in the path). */
  cid: 'x-flock-cid',
} as const;

/** How far a signature's timestamp may be from the server's clock, either way. */
export const MAX_SKEW_SECONDS = 5 * 60;

/** What signs uploads: an ethers Signer or Wallet fits. */
export interface UploadSigner {
  getAddress(): Promise<string>;
  signMessage(message: string): Promise<string>;
}

/** The exact text signed for an upload. `timestamp` is in Unix seconds. */
export function uploadMessage(cid: string, timestamp: number): string {
  return `flock-store:put:${cid}:${timestamp}`;
}

/**
 * The headers that authorize uploading `cid`.
 *
 * @example
 * const headers = await signUpload(wallet, cid);
 * await fetch(`${url}/objects/${cid}`, { method: 'PUT', headers, body, duplex: 'half' });
 */
export async function signUpload(signer: UploadSigner, cid: string, nowMs = Date.now()): Promise<Record<string, string>> {
  const timestamp = Math.floor(nowMs / 1000);
  const [address, signature] = await Promise.all([signer.getAddress(), signer.signMessage(uploadMessage(cid, timestamp))]);
  return {
    [UPLOAD_HEADERS.address]: address,
    [UPLOAD_HEADERS.timestamp]: String(timestamp),
    [UPLOAD_HEADERS.signature]: signature,
  };
}

export type UploadAuth =
  | { ok: true; address: string }
  /** 401: missing or malformed headers, stale timestamp, bad signature; 403: not on the allow-list. */
  | { ok: false; status: 401 | 403; code: 'MISSING_SIGNATURE' | 'STALE_TIMESTAMP' | 'BAD_SIGNATURE' | 'NOT_ALLOWED'; message: string };

export interface VerifyUploadOptions {
  /** Server clock in ms (tests pass a fixed one). */
  nowMs?: number;
  maxSkewSeconds?: number;
  /** Checksummed or lower-case addresses; undefined or empty: anyone with a valid signature. */
  allow?: readonly string[];
}

/** Checks an upload's headers for `cid` (see the module comment). Never throws. */
export function verifyUpload(headers: Record<string, string | string[] | undefined>, cid: string, opts: VerifyUploadOptions = {}): UploadAuth {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const claimed = one(UPLOAD_HEADERS.address);
  const ts = one(UPLOAD_HEADERS.timestamp);
  const signature = one(UPLOAD_HEADERS.signature);
  if (!claimed || !ts || !signature) {
    return {
      ok: false,
      status: 401,
      code: 'MISSING_SIGNATURE',
      message: `uploads must be signed: send ${UPLOAD_HEADERS.address}, ${UPLOAD_HEADERS.timestamp} and ${UPLOAD_HEADERS.signature}`,
    };
  }
  if (!isAddress(claimed)) return { ok: false, status: 401, code: 'BAD_SIGNATURE', message: `${UPLOAD_HEADERS.address} is not an address` };
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, status: 401, code: 'STALE_TIMESTAMP', message: `${UPLOAD_HEADERS.timestamp} must be Unix seconds` };
  const skew = Math.abs(Math.floor((opts.nowMs ?? Date.now()) / 1000) - Number(ts));
  const max = opts.maxSkewSeconds ?? MAX_SKEW_SECONDS;
  if (skew > max) {
    return { ok: false, status: 401, code: 'STALE_TIMESTAMP', message: `timestamp is ${skew} s away from the server clock (at most ${max} s): sign again, and check the clocks` };
  }
  let recovered: string;
  try {
    recovered = verifyMessage(uploadMessage(cid, Number(ts)), signature);
  } catch {
    return { ok: false, status: 401, code: 'BAD_SIGNATURE', message: 'malformed signature' };
  }
  const address = getAddress(claimed);
  if (recovered !== address) return { ok: false, status: 401, code: 'BAD_SIGNATURE', message: `signature is not by ${address} over this CID and timestamp` };
  if (opts.allow && opts.allow.length > 0 && !opts.allow.some((a) => a.toLowerCase() === address.toLowerCase())) {
    return { ok: false, status: 403, code: 'NOT_ALLOWED', message: `${address} may not upload to this store` };
  }
  return { ok: true, address };
}
