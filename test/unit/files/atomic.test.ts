/**
 * Every file a crash must not lose goes through files/atomic.ts: fsync of the data and of its
 * folder before the call returns. Found in review: the creator's task secrets were written
 * without fsync, so a power cut after `task create` could lose the salt (and the creator is
 * slashed 50% for not revealing).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

const synced: string[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const paths = new Map<number, string>();
  return {
    ...fs,
    openSync: (p: string, ...rest: unknown[]) => {
      const fd = (fs.openSync as (...a: unknown[]) => number)(p, ...rest);
      paths.set(fd, String(p));
      return fd;
    },
    fsyncSync: (fd: number) => {
      synced.push(paths.get(fd) ?? '?');
      fs.fsyncSync(fd);
    },
  };
});

const { writeFileAtomic } = await import('../../../src/files/atomic.js');
const { writeSecrets } = await import('../../../src/tasks/secrets.js');
const { writeDeployment } = await import('../../../src/chain/deployment.js');

const dir = mkdtempSync(join(tmpdir(), 'flock-atomic-'));
afterEach(() => {
  synced.length = 0;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('files/atomic', () => {
  it('fsyncs the data and its folder, replaces the file whole, mode 0600', () => {
    const path = join(dir, 'a', 'x.json');
    writeFileAtomic(path, 'one');
    writeFileAtomic(path, 'two');
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(synced.filter((p) => p.startsWith(`${path}.`))).toHaveLength(2);
    expect(synced.filter((p) => p === join(dir, 'a'))).toHaveLength(2);
  });

  it('the creator’s task secrets are durable before task create sends its transaction', () => {
    const path = join(dir, 'secrets', 'task-1.json');
    writeSecrets(path, { taskId: '1' } as never);
    expect(synced.some((p) => p.startsWith(`${path}.`))).toBe(true);
    expect(synced).toContain(join(dir, 'secrets'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('deployment records are durable', () => {
    const record = { chainId: 31337, deployer: '0x0000000000000000000000000000000000000001', devnet: true, deployedAt: new Date().toISOString(), block: 1, contracts: {} };
    const path = writeDeployment(dir, record);
    expect(synced.some((p) => p.startsWith(`${path}.`))).toBe(true);
    expect(JSON.parse(readFileSync(path, 'utf8')).chainId).toBe(31337);
  });

});
