import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCli, tempHome, type TempHome } from '../harness/index.js';
import { ensureBuilt } from './helpers.js';

let t: TempHome;
beforeAll(() => {
  ensureBuilt();
  t = tempHome();
});
afterAll(() => t.cleanup());

describe('RPC failures', () => {
  it('nothing listening: exit 3, one error line plus the hint, quickly', async () => {
    const port = await freePort();
    const r = await runCli(['wallet', 'balance', '0x000000000000000000000000000000000000dEaD', '--rpc-url', `http://127.0.0.1:${port}`], { home: t.home });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `error: RPC endpoint http://127.0.0.1:${port} is unreachable (connection refused)\n` +
        'hint: start a local chain with `flock devnet up`, or pass --rpc-url <url> (or set ETH_RPC_URL)\n',
    );
    expect(r.ms).toBeLessThan(5000);
  });

  it('ETH_RPC_URL is honoured, with --json', async () => {
    const port = await freePort();
    const r = await runCli(['wallet', 'balance', '0x000000000000000000000000000000000000dEaD', '--json'], {
      home: t.home,
      env: { ETH_RPC_URL: `http://127.0.0.1:${port}` },
    });
    expect(r.code).toBe(3);
    expect(r.json().error).toMatchObject({ code: 'RPC_UNREACHABLE', exitCode: 3 });
  });

  describe('a server that accepts but never answers', () => {
    let server: Server;
    let port: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      port = await freePort();
      // Hold every connection open and say nothing.
      server = createServer((s) => sockets.add(s));
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    });
    afterAll(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    });

    it('times out with exit 3 instead of hanging', async () => {
      const r = await runCli(['wallet', 'balance', '0x000000000000000000000000000000000000dEaD', '--rpc-url', `http://127.0.0.1:${port}`], {
        home: t.home,
        env: { FLOCK_RPC_TIMEOUT: '1' },
      });
      expect(r.code).toBe(3);
      expect(r.stderr.split('\n')[0]).toBe(`error: RPC endpoint http://127.0.0.1:${port} did not answer within 1 s`);
      expect(r.ms).toBeLessThan(5000);
    });
  });
});
