/** The content-addressed store from outside: what a folder store holds, and a `flock store serve` process. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SpawnCliOptions } from './cli.js';
import { startCli, type CliProcess } from './daemon.js';

/** Every object name (CID) in a directory store: what anyone with read access to the folder sees. */
export function listStore(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const shard of readdirSync(dir)) {
    const p = join(dir, shard);
    if (shard.startsWith('.') || !statSync(p).isDirectory()) continue;
    out.push(...readdirSync(p).filter((n) => !n.startsWith('.')));
  }
  return out;
}

export interface StoreServer {
  url: string;
  process: CliProcess;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
}

/** Starts `flock store serve --port <port> --dir <dir>` (any signer may upload) and waits until it listens. */
export async function startStoreServer(opts: SpawnCliOptions & { port: number; dir: string }): Promise<StoreServer> {
  const proc = startCli(['store', 'serve', '--port', String(opts.port), '--dir', opts.dir], opts);
  const listening = await proc.waitFor('store server listening', (r) => r.msg === 'store server listening', 30_000);
  return {
    url: listening.url as string,
    process: proc,
    kill: async () => {
      if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
      await proc.exited;
    },
  };
}
