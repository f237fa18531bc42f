/**
 * docs/GOVERNANCE.md's table of governance timings is what the deployment code deploys: the
 * devnet's windows (GOVERNANCE_DEVNET, the devnet's 60 s timelock) and a real chain's defaults
 * (GOVERNANCE_MAINNET, GENESIS.timelockDelay). The walkthrough's commands are run by
 * test/e2e/governance-doc.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENESIS } from '../../../src/deploy/deploy.js';
import { GOVERNANCE_DEVNET, GOVERNANCE_MAINNET } from '../../../src/deploy/governance.js';
import { parseDuration } from '../../../src/units/index.js';

const DOC = readFileSync(join(__dirname, '../../../docs/GOVERNANCE.md'), 'utf8');
const README = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
/** The devnet's timelock delay (deployProtocol with devnet: true). */
const DEVNET_TIMELOCK_DELAY = 60n;

/** The table after the `<!-- timings` marker: window -> [devnet seconds, real-chain seconds]. */
function timings(doc: string): Map<string, [bigint, bigint]> {
  const table = doc.slice(doc.indexOf('<!-- timings'));
  const rows = new Map<string, [bigint, bigint]>();
  for (const line of table.split('\n').slice(3)) {
    if (!line.startsWith('|')) break;
    const [window, devnet, real] = line.split('|').slice(1).map((c) => c.trim());
    // A cell may add a note in parentheses: "2 d (at least 1 d: ...)".
    const secs = (t: string) => BigInt(parseDuration(t.replace(/\(.*\)/, '').replace(/\s+/g, '').replace(/min$/, 'm'), window!));
    rows.set(window!, [secs(devnet!), secs(real!)]);
  }
  return rows;
}

describe('docs/GOVERNANCE.md and the README', () => {
  it.each([
    ['docs/GOVERNANCE.md', DOC],
    ['README.md', README],
  ])('the timings table of %s says what src/deploy/ deploys on the devnet and on a real chain', (_name, doc) => {
    const t = timings(doc);
    expect([...t.keys()]).toEqual(['flag window (voting delay)', 'voting period', 'timelock delay']);
    expect(t.get('flag window (voting delay)')).toEqual([GOVERNANCE_DEVNET.votingDelay, GOVERNANCE_MAINNET.votingDelay]);
    expect(t.get('voting period')).toEqual([GOVERNANCE_DEVNET.votingPeriod, GOVERNANCE_MAINNET.votingPeriod]);
    expect(t.get('timelock delay')).toEqual([DEVNET_TIMELOCK_DELAY, GENESIS.timelockDelay]);
  });

  it('the devnet timelock delay above is the one deployProtocol uses', () => {
    const src = readFileSync(join(__dirname, '../../../src/deploy/deploy.ts'), 'utf8');
    expect(src).toContain(`opts.devnet ? { timelockDelay: ${DEVNET_TIMELOCK_DELAY}n }`);
  });
});
