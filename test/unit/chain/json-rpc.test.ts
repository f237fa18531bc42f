/**
 * The JSON-RPC probe over node:http (src/chain/json-rpc.ts) against local servers: an answer of
 * any HTTP status is handed back as parsed, and each way of getting no answer is its own kind
 * (which probeRpc turns into its one-line errors).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonRpcCall, JsonRpcCallError } from '../../../src/chain/json-rpc.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server that answers with `reply(requestBody)`, or never when reply returns undefined. */
async function serve(reply: (body: string) => { status: number; text: string } | undefined): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const r = reply(body);
      if (r) res.writeHead(r.status, { 'content-type': 'application/json' }).end(r.text);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const kindOf = (p: Promise<unknown>) => p.then(() => 'answered', (e: unknown) => (e instanceof JsonRpcCallError ? `${e.kind} ${e.detail ?? ''}`.trim() : `other ${String(e)}`));

describe('jsonRpcCall', () => {
  it('posts the call and hands back the parsed body, an error body and a non-200 status included', async () => {
    let seen: unknown;
    const ok = await serve((b) => ((seen = JSON.parse(b)), { status: 200, text: '{"jsonrpc":"2.0","id":1,"result":"0x7a69"}' }));
    expect(await jsonRpcCall<string>(ok, 'eth_chainId', [], 2000)).toMatchObject({ result: '0x7a69' });
    expect(seen).toEqual({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] });
    const err = await serve(() => ({ status: 500, text: '{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"no such method"}}' }));
    expect(await jsonRpcCall(err, 'eth_nothing', [], 2000)).toMatchObject({ error: { message: 'no such method' } });
  });

  it('tells a timeout, a refused connection and an answer that is not JSON apart', async () => {
    const silent = await serve(() => undefined);
    const t0 = Date.now();
    expect(await kindOf(jsonRpcCall(silent, 'eth_chainId', [], 300))).toBe('timeout');
    expect(Date.now() - t0).toBeLessThan(2000);
    const html = await serve(() => ({ status: 404, text: '<html>not here</html>' }));
    expect(await kindOf(jsonRpcCall(html, 'eth_chainId', [], 2000))).toBe('not-json 404');
    const closed = await serve(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));
    expect(await kindOf(jsonRpcCall(closed, 'eth_chainId', [], 2000))).toBe('unreachable ECONNREFUSED');
    expect(await kindOf(jsonRpcCall('not a url', 'eth_chainId', [], 2000))).toBe('unreachable EINVAL');
  });
});
