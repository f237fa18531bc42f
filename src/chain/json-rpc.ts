/**
 * One JSON-RPC call over node:http(s) with a deadline, for the probes that run before ethers is
 * loaded (every chain command's eth_chainId, the devnet's management). Not fetch: its first use
 * loads undici, about 35-55 ms of a CLI call's CPU (docs/BENCHMARKS.md, "CLI start-up").
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Why a call got no JSON-RPC answer. */
export class JsonRpcCallError extends Error {
  constructor(
    readonly kind: 'timeout' | 'unreachable' | 'not-json',
    message: string,
    /** 'unreachable': the socket error's code (ECONNREFUSED, ENOTFOUND, ...); 'not-json': the HTTP status. */
    readonly detail?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'JsonRpcCallError';
  }
}

export interface JsonRpcBody<T> {
  result?: T;
  error?: { code?: number; message?: string };
}

/**
 * POSTs `{ jsonrpc: '2.0', id: 1, method, params }` and resolves with the parsed body, whatever its
 * HTTP status; rejects with a {@link JsonRpcCallError} when nothing answers within `timeoutMs` or
 * the answer is not JSON.
 *
 * @example
 * const { result } = await jsonRpcCall<string>('http://127.0.0.1:8545', 'eth_chainId', [], 2000);
 */
export function jsonRpcCall<T = unknown>(url: string, method: string, params: unknown[], timeoutMs: number): Promise<JsonRpcBody<T>> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch (e) {
      reject(new JsonRpcCallError('unreachable', `invalid URL ${url}`, 'EINVAL', { cause: e }));
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    // agent: false: a connection of its own, closed after the answer (a kept-alive one would hold the process open).
    const req = send(target, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => fail(new JsonRpcCallError('unreachable', e.message, (e as NodeJS.ErrnoException).code, { cause: e })));
      res.on('end', () => {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as JsonRpcBody<T>);
        } catch (e) {
          reject(new JsonRpcCallError('not-json', `HTTP ${res.statusCode} is not JSON`, String(res.statusCode), { cause: e }));
        }
      });
    });
    const fail = (e: JsonRpcCallError) => {
      clearTimeout(timer);
      req.destroy();
      reject(e);
    };
    const timer = setTimeout(() => fail(new JsonRpcCallError('timeout', `no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => fail(new JsonRpcCallError('unreachable', e.message, e.code ?? e.message, { cause: e })));
    req.end(body);
  });
}
