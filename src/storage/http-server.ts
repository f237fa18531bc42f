/**
 * What flock's HTTP servers (the store's, `flock serve`'s) share: their timeouts, and a JSON answer (the store's, `flock serve`'s) that works even
 * when the request's body was not read (a refused upload or call): the connection is closed
 * rather than kept, and what the client still sends is drained, up to a bound, so that it reads
 * the answer instead of failing on a reset.
 */
import type { IncomingMessage, ServerOptions, ServerResponse } from 'node:http';

/** Bytes of an unread body drained before the connection is cut. */
const DRAIN_LIMIT = 1024 * 1024;

export function replyJsonText(req: IncomingMessage, res: ServerResponse, status: number, text: string, extra: Record<string, string | number> = {}): void {
  // A request without a body (GET, HEAD) may not be marked complete yet when it is answered.
  const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
  const unread = hasBody && !req.complete;
  const headers: Record<string, string | number> = { ...extra, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
  if (unread) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : text);
  if (unread) {
    let dropped = 0;
    req.on('data', (c: Buffer) => {
      dropped += c.length;
      if (dropped > DRAIN_LIMIT) req.destroy();
    });
    req.on('error', () => undefined);
    req.resume();
  }
}

/** Node's server options for these limits; Node checks the two timeouts on the last period (30 s by default, far coarser than 10 s). */
export function serverTimeouts(l: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number }): ServerOptions {
  return {
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(Math.min(l.headersTimeoutMs, l.requestTimeoutMs) / 4))),
  };
}
