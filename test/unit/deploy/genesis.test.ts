/**
 * The genesis allocation file (issue #14): every rule of src/deploy/genesis.ts refuses with
 * GENESIS_INVALID (exit 2) at the right file:line, a valid file parses to exact base units, and
 * genesis.example.yaml (read from disk) is valid and keeps its promises: the whole supply, no
 * liquid holder at 1% or more, nothing for the deployer (anvil #0).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { genesisRows, genesisTableMarkdown, GENESIS_SUPPLY, loadGenesis, parseGenesis, type GenesisPlan } from '../../../src/deploy/genesis.js';
import { AbortError, ExitCode } from '../../../src/errors/index.js';

const EXAMPLE = fileURLToPath(new URL('../../../genesis.example.yaml', import.meta.url));
const FLOCK = 10n ** 18n;
const DAY = 86_400n;
const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const TEAM = '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc';

/** A minimal valid file (every kind once); the lines matter: tests point at them. */
const VALID = `supply: 1000000000
allocations:
  - name: treasury
    kind: treasury
    amount: 999000000
  - name: emission
    kind: emission
    amount: 300000
  - name: rewards
    kind: governor
    amount: 5000
  - name: alice
    kind: account
    to: "${ALICE}"
    amount: 95000
  - name: team
    kind: vesting
    beneficiary: "${TEAM}"
    start: 2027-01-01
    cliff: 1y
    duration: 4y
    amount: 600000
`;
// Line numbers in VALID.
const L = { supply: 1, allocations: 2, treasuryAmount: 5, emissionAmount: 8, governor: 9, aliceTo: 14, aliceAmount: 15, teamStart: 19, teamCliff: 20, teamDuration: 21 };

/** VALID with one line replaced (1-based), or lines inserted after it with `insert`. */
function edit(line: number, text: string, insert = false): string {
  const lines = VALID.split('\n');
  lines.splice(insert ? line : line - 1, insert ? 0 : 1, text);
  return lines.join('\n');
}

/** Parses `text` and returns the GENESIS_INVALID error it must raise. */
function refusal(text: string): AbortError {
  let err: unknown;
  try {
    parseGenesis(text, 'genesis.yaml');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(AbortError);
  const e = err as AbortError;
  expect(e.code).toBe('GENESIS_INVALID');
  expect(e.exitCode).toBe(ExitCode.USAGE);
  // One line, with a next step.
  expect(e.message).not.toContain('\n');
  expect(e.hint).toBeTruthy();
  return e;
}

function expectRefused(text: string, line: number, ...parts: Array<string | RegExp>): void {
  const e = refusal(text);
  expect(e.message.startsWith(`genesis.yaml:${line}: `), e.message).toBe(true);
  for (const p of parts) expect(e.message).toMatch(p);
}

describe('parseGenesis: a valid file', () => {
  it('parses amounts to base units, addresses checksummed and the vesting schedule to seconds', () => {
    const plan = parseGenesis(VALID, 'genesis.yaml');
    expect(plan.supply).toBe(GENESIS_SUPPLY);
    expect(plan.file).toBe(join(process.cwd(), 'genesis.yaml'));
    expect(plan.allocations).toEqual([
      { name: 'treasury', kind: 'treasury', amount: 999_000_000n * FLOCK },
      { name: 'emission', kind: 'emission', amount: 300_000n * FLOCK },
      { name: 'rewards', kind: 'governor', amount: 5_000n * FLOCK },
      { name: 'alice', kind: 'account', to: ALICE, amount: 95_000n * FLOCK },
      { name: 'team', kind: 'vesting', beneficiary: TEAM, start: 1_798_761_600n, cliff: 365n * DAY, duration: 4n * 365n * DAY, amount: 600_000n * FLOCK },
    ]);
  });

  it('without a file name, messages say <genesis> and the plan has no file', () => {
    expect(parseGenesis(VALID).file).toBeUndefined();
    expect(() => parseGenesis(edit(L.supply, 'supply: 5'))).toThrow(/^<genesis>:1: supply must be 1000000000/);
  });

  it('takes fractional and underscored amounts exactly, no governor entry, and a lowercase (unchecksummed) address', () => {
    const text = VALID.replace('amount: 999000000', 'amount: 999_004_999.5')
      .replace(/  - name: rewards\n    kind: governor\n    amount: 5000\n/, '')
      .replace('amount: 95000', 'amount: "95000.5"')
      .replace(ALICE, ALICE.toLowerCase());
    const plan = parseGenesis(text);
    expect(plan.allocations.map((a) => a.kind)).toEqual(['treasury', 'emission', 'account', 'vesting']);
    expect(plan.allocations[0]!.amount).toBe(999_004_999n * FLOCK + FLOCK / 2n);
    expect(plan.allocations[2]).toMatchObject({ to: ALICE, amount: 95_000n * FLOCK + FLOCK / 2n });
  });

  it('reads start as a date, a UTC time with or without Z, or unix seconds; cliff 0 and cliff = duration', () => {
    const start = (s: string) => (parseGenesis(edit(L.teamStart, `    start: ${s}`)).allocations[4] as { start: bigint }).start;
    expect(start('2027-01-01')).toBe(1_798_761_600n);
    expect(start('2027-01-01T12:30:00Z')).toBe(1_798_761_600n + 12n * 3600n + 1800n);
    expect(start('"2027-01-01T12:30"')).toBe(1_798_761_600n + 12n * 3600n + 1800n);
    expect(start('1798761600')).toBe(1_798_761_600n);
    const cliff0 = parseGenesis(edit(L.teamCliff, '    cliff: 0')).allocations[4];
    expect(cliff0).toMatchObject({ cliff: 0n });
    const equal = parseGenesis(edit(L.teamCliff, '    cliff: 48mo').replace('duration: 4y', 'duration: 1440d')).allocations[4];
    expect(equal).toMatchObject({ cliff: 1440n * DAY, duration: 1440n * DAY });
  });

  it('resolves YAML anchors and aliases (a shared schedule)', () => {
    const text = VALID.replace('    cliff: 1y', '    cliff: &cliff 1y').replace('    duration: 4y', '    duration: *cliff');
    expect(parseGenesis(text).allocations[4]).toMatchObject({ cliff: 365n * DAY, duration: 365n * DAY });
  });
});

describe('parseGenesis: every rule refuses with file:line', () => {
  it('YAML syntax errors, an empty file, and a file that is not a mapping', () => {
    expectRefused(edit(L.aliceAmount, '\tamount: 95000'), L.aliceAmount, /YAML syntax error: tabs are not allowed/);
    expectRefused('', 1, /the file is empty/);
    expectRefused('# only a comment\n', 1, /the file is empty/);
    expectRefused('- a\n- b\n', 1, /must be a mapping/);
    expectRefused(edit(L.treasuryAmount, '    amount: 1\n    amount: 2'), L.treasuryAmount + 1, /YAML syntax error.*unique/i);
  });

  it('supply: missing, wrong, or not a number', () => {
    expectRefused(VALID.replace('supply: 1000000000\n', ''), 1, '`supply` is missing');
    expectRefused(edit(L.supply, 'supply: 999999999'), L.supply, 'supply must be 1000000000', 'not 999999999');
    expectRefused(edit(L.supply, 'supply: 1e9'), L.supply, /invalid supply "1e9"/);
    expectRefused(edit(L.supply, 'supply: [1]'), L.supply, 'supply must be a single value');
  });

  it('allocations: missing, not a list, empty, or an entry that is not a mapping', () => {
    expectRefused('supply: 1000000000\n', 1, '`allocations` is missing');
    expectRefused('supply: 1000000000\nallocations: none\n', 2, 'must be a non-empty list');
    expectRefused('supply: 1000000000\nallocations: []\n', 2, 'must be a non-empty list');
    expectRefused(edit(L.allocations, '  - just text', true), 3, 'each allocation must be a mapping');
  });

  it('the amounts must sum to the supply exactly, with the difference reported', () => {
    expectRefused(VALID.replace('amount: 999000000', 'amount: 998999000'), L.allocations, 'sum to 999,999,000 FLOCK, 1,000 FLOCK less than the supply of 1,000,000,000');
    expectRefused(VALID.replace('amount: 95000', 'amount: 95000.000000000000000001'), L.allocations, '0.000000000000000001 FLOCK more than the supply');
  });

  it('exactly one treasury and one emission, at most one governor', () => {
    const noTreasury = VALID.replace('kind: treasury\n    amount: 999000000', 'kind: account\n    to: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"\n    amount: 999000000');
    expectRefused(noTreasury, L.allocations, 'no treasury entry');
    const noEmission = VALID.replace('kind: emission', 'kind: governor').replace('kind: governor\n    amount: 5000', 'kind: treasury\n    amount: 5000');
    expectRefused(noEmission, 9, 'a second treasury entry "rewards" (the first is on line 3)');
    const noEmissionOnly = VALID.replace('kind: emission\n    amount: 300000', 'kind: account\n    to: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"\n    amount: 300000');
    expectRefused(noEmissionOnly, L.allocations, 'no emission entry');
    const twoEmission = edit(L.emissionAmount, '  - name: emission-2\n    kind: emission\n    amount: 1', true).replace('amount: 999000000', 'amount: 998999999');
    expectRefused(twoEmission, L.emissionAmount + 1, 'a second emission entry "emission-2" (the first is on line 6)');
    const twoGovernor = edit(L.governor + 2, '  - name: rewards-2\n    kind: governor\n    amount: 1', true).replace('amount: 999000000', 'amount: 998999999');
    expectRefused(twoGovernor, L.governor + 3, 'a second governor entry "rewards-2" (the first is on line 9)');
  });

  it('names: unique and non-empty, and present', () => {
    expectRefused(VALID.replace('name: rewards', 'name: treasury'), 9, 'name "treasury" is used twice (first on line 3)');
    expectRefused(VALID.replace('name: rewards', 'name: "  "'), 9, 'an allocation has an empty name');
    expectRefused(VALID.replace('name: rewards', 'name: ""'), 9, 'an allocation has an empty name');
    expectRefused(VALID.replace('  - name: rewards\n    kind: governor', '  - kind: governor'), 9, 'governor entry has no `name`');
  });

  it('kind: present and known, with a suggestion for a typo', () => {
    expectRefused(VALID.replace('    kind: governor\n', ''), 9, 'an allocation has no `kind`');
    expectRefused(VALID.replace('kind: governor', 'kind: govenor'), 10, 'unknown kind "govenor" (did you mean "governor"?)');
    expectRefused(VALID.replace('kind: governor', 'kind: airdrop'), 10, /unknown kind "airdrop"; kinds: treasury, emission, governor, account, vesting/);
  });

  it('unknown keys are refused: top level, a typo in an entry, and a key of another kind', () => {
    expectRefused(edit(L.supply, 'suply: 1000000000'), 1, 'unknown top-level key "suply" (did you mean "supply"?)');
    expectRefused(`notes: hi\n${VALID}`, 1, 'unknown top-level key "notes"; allowed: supply, allocations');
    expectRefused(VALID.replace('amount: 5000', 'amout: 5000'), 11, 'unknown key "amout" in a governor entry (did you mean "amount"?)');
    expectRefused(VALID.replace('    amount: 5000', `    amount: 5000\n    to: "${ALICE}"`), 12, 'unknown key "to" in a governor entry (only kind account takes it)');
    expectRefused(VALID.replace('    amount: 600000', '    amount: 600000\n    cliff_months: 12'), 23, 'unknown key "cliff_months" in a vesting entry; allowed: name, kind, amount, beneficiary, start, cliff, duration');
  });

  it('amounts: required, decimal FLOCK, not zero, not a percentage; the emission reserve at least 1 FLOCK', () => {
    expectRefused(VALID.replace('    amount: 5000\n', ''), 9, 'governor entry "rewards" has no `amount`');
    expectRefused(VALID.replace('amount: 5000', 'amount: 0.5%'), 11, 'amount of "rewards" is a percentage');
    expectRefused(VALID.replace('amount: 5000', 'amount: lots'), 11, 'invalid amount of "rewards" "lots"');
    expectRefused(VALID.replace('amount: 5000', 'amount: -5'), 11, 'must not be negative');
    expectRefused(VALID.replace('amount: 5000', 'amount: 0'), 11, 'amount of "rewards" is zero');
    expectRefused(VALID.replace('amount: 5000', 'amount:'), 11, 'amount of "rewards" is empty');
    expectRefused(VALID.replace('amount: 300000', 'amount: 0.999999999999999999'), L.emissionAmount, 'the emission reserve "emission" must be at least 1 FLOCK');
  });

  it('addresses: valid, checksum respected, not zero', () => {
    const bad = ALICE.replace('C51812dc', 'c51812dc'); // one letter's case changed: a broken checksum
    expectRefused(VALID.replace(ALICE, bad), L.aliceTo, `to of "alice" "${bad}" is not a valid address`);
    expectRefused(VALID.replace(ALICE, '0x1234'), L.aliceTo, 'is not a valid address');
    expectRefused(VALID.replace(`"${ALICE}"`, 'alice.eth'), L.aliceTo, 'is not a valid address');
    expectRefused(VALID.replace(ALICE, '0x0000000000000000000000000000000000000000'), L.aliceTo, 'to of "alice" is the zero address');
    expectRefused(VALID.replace(TEAM, '0x0000000000000000000000000000000000000000'), 18, 'beneficiary of "team" is the zero address');
    // Unquoted, a YAML 1.2 reader would make 0x... a hex integer; read as text it stays an address.
    expect(parseGenesis(VALID.replace(`"${ALICE}"`, ALICE)).allocations[3]).toMatchObject({ to: ALICE });
    expectRefused(VALID.replace(`    to: "${ALICE}"\n`, ''), 12, 'account entry "alice" has no `to`');
  });

  it('vesting start: a real UTC date or time, or unix seconds', () => {
    expectRefused(edit(L.teamStart, '    start: 2027-02-30'), L.teamStart, 'start of "team" ("2027-02-30") is not a UTC date');
    expectRefused(edit(L.teamStart, '    start: 01/01/2027'), L.teamStart, 'is not a UTC date');
    expectRefused(edit(L.teamStart, '    start: "2027-01-01T00:00:00+02:00"'), L.teamStart, 'has a UTC offset');
    expectRefused(edit(L.teamStart, '    start: 1969-12-31'), L.teamStart, 'is not a UTC date');
    expectRefused(edit(L.teamStart, '    start: 18446744073709551616'), L.teamStart, 'too large for a unix time');
    expectRefused(VALID.replace('    start: 2027-01-01\n', ''), 16, 'vesting entry "team" has no `start`');
  });

  it('vesting cliff and duration: durations, cliff <= duration, duration > 0', () => {
    expectRefused(edit(L.teamCliff, '    cliff: 1 year'), L.teamCliff, 'invalid cliff of "team" "1 year"');
    expectRefused(edit(L.teamDuration, '    duration: 4.5y'), L.teamDuration, 'invalid duration of "team" "4.5y"');
    expectRefused(edit(L.teamCliff, '    cliff: 5y'), L.teamCliff, 'cliff of "team" (5 y) is longer than its duration (4 y)');
    expectRefused(edit(L.teamDuration, '    duration: 0').replace('cliff: 1y', 'cliff: 0'), L.teamDuration, 'duration of "team" is 0');
    expectRefused(edit(L.teamStart, '    start: 18446744073709551615'), L.teamStart, 'does not fit');
    expectRefused(VALID.replace('    cliff: 1y\n', ''), 16, 'vesting entry "team" has no `cliff`');
    expectRefused(VALID.replace('    duration: 4y\n', ''), 16, 'vesting entry "team" has no `duration`');
  });
});

describe('loadGenesis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flock-genesis-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing file or a folder is a USAGE error (exit 2)', () => {
    for (const path of [join(dir, 'nope.yaml'), dir]) {
      let err: unknown;
      try {
        loadGenesis(path);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AbortError);
      expect((err as AbortError).code).toBe('USAGE');
      expect((err as AbortError).exitCode).toBe(ExitCode.USAGE);
      expect((err as AbortError).message).toContain(path);
    }
  });

  it('names the file it read in its errors', () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, VALID.replace('cliff: 1y', 'cliff: 5y'));
    expect(() => loadGenesis(path)).toThrow(`${path}:${L.teamCliff}: cliff of "team" (5 y) is longer`);
  });
});

describe('genesis.example.yaml', () => {
  const plan: GenesisPlan = loadGenesis(EXAMPLE);
  const text = readFileSync(EXAMPLE, 'utf8');

  it('is valid and hands out exactly the supply', () => {
    expect(plan.file).toBe(EXAMPLE);
    expect(plan.allocations.reduce((s, a) => s + a.amount, 0n)).toBe(GENESIS_SUPPLY);
  });

  it('says at the top that it is illustrative and uses test accounts to replace', () => {
    const head = text.split('\n').slice(0, 10).join('\n');
    expect(head).toMatch(/ILLUSTRATIVE/);
    expect(head).toMatch(/NOT a recommendation/);
    expect(head).toMatch(/anvil's well-known test accounts/);
    expect(head).toMatch(/MUST replace every address/);
  });

  it('has the allocation the issue describes', () => {
    const sum = (pred: (a: GenesisPlan['allocations'][number]) => boolean) => plan.allocations.filter(pred).reduce((s, a) => s + a.amount, 0n);
    expect(sum((a) => a.kind === 'treasury')).toBe(400_000_000n * FLOCK);
    expect(sum((a) => a.kind === 'emission')).toBe(300_000n * FLOCK);
    expect(sum((a) => a.kind === 'governor')).toBe(5_000n * FLOCK);
    const team = plan.allocations.filter((a) => a.name.startsWith('team-'));
    expect(team).toHaveLength(3);
    for (const a of team) expect(a).toMatchObject({ kind: 'vesting', cliff: 365n * DAY, duration: 4n * 365n * DAY, amount: 60_000_000n * FLOCK });
    const investors = plan.allocations.filter((a) => a.name.startsWith('investor-'));
    expect(investors).toHaveLength(4);
    for (const a of investors) expect(a).toMatchObject({ kind: 'vesting', cliff: 180n * DAY, duration: 2n * 365n * DAY, amount: 50_000_000n * FLOCK });
  });

  it('gives no liquid account 1% of the supply or more, and nothing to anvil #0 (the deployer in tests)', () => {
    const liquid = plan.allocations.filter((a) => a.kind === 'account');
    expect(liquid.length).toBeGreaterThanOrEqual(5);
    for (const a of liquid) expect(a.amount * 100n).toBeLessThan(GENESIS_SUPPLY);
    const deployer = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
    const recipients = plan.allocations.map((a) => (a.kind === 'account' ? a.to : a.kind === 'vesting' ? a.beneficiary : ''));
    expect(recipients).not.toContain(deployer);
    expect(text.toLowerCase()).not.toContain(deployer.toLowerCase());
  });

  it('renders as rows and a markdown table with a total', () => {
    const rows = genesisRows(plan);
    expect(rows[0]).toEqual({ name: 'treasury', kind: 'treasury', to: 'timelock', amount: '400,000,000', share: '40%', vesting: '' });
    expect(rows.find((r) => r.name === 'governor-rewards')).toMatchObject({ to: 'Governor', share: '0.0005%' });
    expect(rows.find((r) => r.name === 'team-1')).toEqual({
      name: 'team-1',
      kind: 'vesting',
      to: '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc',
      amount: '60,000,000',
      share: '6%',
      vesting: 'from 2027-01-01, 1 y cliff, vests over 4 y',
    });
    expect(rows.find((r) => r.name === 'investor-1')!.vesting).toBe('from 2027-01-01, 6 mo cliff, vests over 2 y');
    const md = genesisTableMarkdown(plan).trimEnd().split('\n');
    expect(md[0]).toBe('| Name | Kind | To | Amount (FLOCK) | Share | Vesting |');
    expect(md).toHaveLength(2 + plan.allocations.length + 1);
    expect(md.at(-1)).toBe('| **total** | | | **1,000,000,000** | **100%** | |');
    expect(md[2]).toBe('| treasury | treasury | timelock | 400,000,000 | 40% |  |');
  });
});

describe('genesisRows formatting', () => {
  it('shows a tiny share as <0.0001%, no cliff, an odd duration, a start time, and escapes | in markdown', () => {
    const text = VALID.replace('amount: 95000', 'amount: 94999.999')
      .replace('amount: 5000', 'amount: 5000.001')
      .replace('name: rewards', 'name: "a|b"')
      .replace('start: 2027-01-01', 'start: 2027-01-01T06:00:00Z')
      .replace('cliff: 1y', 'cliff: 0')
      .replace('duration: 4y', 'duration: 90m');
    const plan = parseGenesis(text);
    const rows = genesisRows(plan);
    expect(rows[4]!.vesting).toBe('from 2027-01-01T06:00:00Z, no cliff, vests over 1 h 30 m');
    const tiny = { ...plan, allocations: [{ name: 'dust', kind: 'treasury' as const, amount: 1n }] };
    expect(genesisRows(tiny)[0]!.share).toBe('<0.0001%');
    expect(genesisTableMarkdown(plan)).toContain('| a\\|b | governor | Governor | 5,000.001 |');
  });
});
