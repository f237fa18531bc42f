/**
 * The genesis allocation file of `flock deploy`: who receives the fixed FLOCK supply at launch.
 *
 * FlockToken mints its whole supply once, to the deployer. Whatever the deployer keeps is liquid
 * and, once self-delegated, votes; so the deployment hands out every token according to this
 * plan, and the plan must account for the supply exactly. Locked allocations (team, investors,
 * foundation) go to one FlockVestingWallet each, whose balance cannot vote.
 *
 * The file is YAML (see genesis.example.yaml at the repository root):
 *
 *     supply: 1000000000
 *     allocations:
 *       - { name: treasury, kind: treasury, amount: 400000000 }
 *       - name: team-alice
 *         kind: vesting
 *         beneficiary: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"
 *         start: 2027-01-01
 *         cliff: 1y
 *         duration: 4y
 *         amount: 60000000
 *
 * Every scalar is read as text (the YAML failsafe schema): `0x…` addresses would otherwise become
 * hex integers and lose their checksum, `2027-01-01` could become a date, and large or fractional
 * amounts a lossy float. Amounts are whole FLOCK as decimals (parseFlock), never percentages, so
 * the sum is exact. Every refusal is one AbortError GENESIS_INVALID naming file:line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { getAddress, ZeroAddress } from 'ethers';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type YAMLMap } from 'yaml';
import { AbortError, editDistance } from '../errors/index.js';
import { formatDuration, formatTimestamp, formatUnits, parseDuration, parseFlock } from '../units/index.js';

export type GenesisAllocation =
  /** To the timelock: the DAO treasury, spent by proposal. */
  | { name: string; kind: 'treasury'; amount: bigint }
  /** The Emission contract's reserve, paid out on the emission schedule. */
  | { name: string; kind: 'emission'; amount: bigint }
  /** The Governor's proposal-reward budget. */
  | { name: string; kind: 'governor'; amount: bigint }
  /** Liquid, straight to an address. */
  | { name: string; kind: 'account'; to: string; amount: bigint }
  /** Locked in a FlockVestingWallet of its own; `start` is unix seconds, `cliff`/`duration` seconds. */
  | { name: string; kind: 'vesting'; beneficiary: string; start: bigint; cliff: bigint; duration: bigint; amount: bigint };

export interface GenesisPlan {
  /** FLOCK base units (18 decimals); always {@link GENESIS_SUPPLY}. */
  supply: bigint;
  /** In file order. Amounts in base units, addresses checksummed. */
  allocations: GenesisAllocation[];
  /** Absolute path of the file read, when loaded from one. */
  file?: string;
}

export type GenesisKind = GenesisAllocation['kind'];

/** FlockToken.MAX_SUPPLY: 1,000,000,000 FLOCK, minted once; the plan must hand out exactly this. */
export const GENESIS_SUPPLY = 1_000_000_000n * 10n ** 18n;

const ONE_FLOCK = 10n ** 18n;
const UINT64_MAX = 2n ** 64n - 1n;
const KINDS: readonly GenesisKind[] = ['treasury', 'emission', 'governor', 'account', 'vesting'];
const COMMON_KEYS = ['name', 'kind', 'amount'] as const;
/** The keys each kind takes; anything else is refused, so a typo cannot silently drop a setting. */
const KEYS: Record<GenesisKind, readonly string[]> = {
  treasury: COMMON_KEYS,
  emission: COMMON_KEYS,
  governor: COMMON_KEYS,
  account: [...COMMON_KEYS, 'to'],
  vesting: [...COMMON_KEYS, 'beneficiary', 'start', 'cliff', 'duration'],
};
const TOP_KEYS = ['supply', 'allocations'];
const WHAT: Record<GenesisKind, string> = {
  treasury: 'the timelock, i.e. the DAO treasury',
  emission: "the Emission contract's reserve",
  governor: "the Governor's proposal-reward budget",
  account: 'a liquid transfer to an address',
  vesting: 'a FlockVestingWallet for a beneficiary',
};

type YNode = { range?: [number, number, number] | null } | null | undefined;

/** File name and line lookup for messages; every error leaves through {@link Where.fail}. */
class Where {
  constructor(
    readonly shown: string,
    private readonly lines: LineCounter,
  ) {}

  line(node: YNode): number {
    return node?.range ? this.lines.linePos(node.range[0]).line : 1;
  }

  fail(at: YNode | number, message: string, hint?: string): never {
    const line = typeof at === 'number' ? at : this.line(at);
    throw new AbortError(`${this.shown}:${line}: ${message}`, {
      code: 'GENESIS_INVALID',
      hint: hint ?? `fix ${this.shown}; genesis.example.yaml describes every key`,
    });
  }
}

/**
 * Parses and validates a genesis file's text. `file` is only for messages (and {@link GenesisPlan.file}).
 * Throws AbortError GENESIS_INVALID (exit 2), `genesis.yaml:12: ...`, on the first broken rule.
 *
 * @example
 * const plan = parseGenesis(readFileSync('genesis.yaml', 'utf8'), 'genesis.yaml');
 */
export function parseGenesis(text: string, file?: string): GenesisPlan {
  const lines = new LineCounter();
  const doc = parseDocument(text, { schema: 'failsafe', lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const w: Where = new Where(file ? displayPath(file) : '<genesis>', lines);
  const [syntax] = doc.errors;
  if (syntax) w.fail(lines.linePos(syntax.pos[0]).line, `YAML syntax error: ${lowerFirst(firstLine(syntax.message))}`);

  const top = deref(doc, doc.contents);
  if (top === null || top === undefined || (isScalar(top) && top.value === '')) {
    w.fail(1, 'the file is empty: expected `supply: 1000000000` and an `allocations:` list');
  }
  if (!isMap(top)) w.fail(top as YNode, 'the file must be a mapping with `supply:` and `allocations:`');
  const fields = entries(doc, top, w, TOP_KEYS, 'top-level key');

  const supplyPair = fields.get('supply');
  if (!supplyPair) w.fail(1, "`supply` is missing: add `supply: 1000000000` (FlockToken's fixed supply, in FLOCK)");
  const supplyText = scalar(doc, supplyPair.value, w, supplyPair.key, 'supply');
  const supply = wrap(w, supplyPair.value, () => parseFlock(supplyText, { what: 'supply' }));
  if (supply !== GENESIS_SUPPLY) {
    w.fail(supplyPair.value, `supply must be ${formatUnits(GENESIS_SUPPLY, { group: false })} (FlockToken's fixed supply, in FLOCK), not ${supplyText}`, 'set `supply: 1000000000`; the token cannot mint more or less');
  }

  const listPair = fields.get('allocations');
  if (!listPair) w.fail(1, '`allocations` is missing: add a list of entries with name, kind and amount');
  const list = deref(doc, listPair.value);
  if (!isSeq(list) || list.items.length === 0) {
    w.fail(listPair.value ?? listPair.key, '`allocations` must be a non-empty list of entries (`- name: ..., kind: ..., amount: ...`)');
  }

  const allocations: GenesisAllocation[] = [];
  const nameLines = new Map<string, number>();
  const kindLines = new Map<GenesisKind, number>();
  for (const raw of list.items) {
    const a = allocation(doc, deref(doc, raw as YNode) as YNode, w);
    const line = w.line(raw as YNode);
    const seen = nameLines.get(a.name);
    if (seen !== undefined) w.fail(line, `name "${a.name}" is used twice (first on line ${seen}); names must be unique`);
    nameLines.set(a.name, line);
    const once = a.kind === 'treasury' || a.kind === 'emission' || a.kind === 'governor';
    const first = kindLines.get(a.kind);
    if (once && first !== undefined) {
      w.fail(line, `a second ${a.kind} entry "${a.name}" (the first is on line ${first}); only one is allowed: ${WHAT[a.kind]}`, `keep one ${a.kind} entry: merge the amounts, or correct the other's kind`);
    }
    if (first === undefined) kindLines.set(a.kind, line);
    allocations.push(a);
  }
  for (const kind of ['treasury', 'emission'] as const) {
    if (!kindLines.has(kind)) {
      w.fail(listPair.key as YNode, `no ${kind} entry: exactly one \`kind: ${kind}\` entry (${WHAT[kind]}) is required`);
    }
  }

  const total = allocations.reduce((sum, a) => sum + a.amount, 0n);
  if (total !== supply) {
    const diff = total > supply ? total - supply : supply - total;
    const side = total > supply ? 'more than' : 'less than';
    w.fail(
      listPair.key as YNode,
      `the allocations sum to ${formatUnits(total)} FLOCK, ${formatUnits(diff)} FLOCK ${side} the supply of ${formatUnits(supply)}`,
      total > supply ? `take ${formatUnits(diff)} FLOCK off one or more entries` : `give the missing ${formatUnits(diff)} FLOCK to an entry (e.g. the treasury)`,
    );
  }
  return { supply, allocations, ...(file ? { file: resolve(file) } : {}) };
}

/**
 * Reads and parses a genesis file. A missing or unreadable file is a USAGE error (exit 2); a
 * broken rule is GENESIS_INVALID (exit 2), see {@link parseGenesis}.
 */
export function loadGenesis(path: string): GenesisPlan {
  if (!existsSync(path)) {
    throw new AbortError(`genesis file not found: ${path}`, { code: 'USAGE', hint: 'check the path; genesis.example.yaml shows the format' });
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new AbortError(`cannot read genesis file ${path}: ${(e as Error).message}`, {
      code: 'USAGE',
      hint: 'pass a readable YAML file; genesis.example.yaml shows the format',
      cause: e,
    });
  }
  return parseGenesis(text, path);
}

/** One row per allocation, in file order, as text for a table (CLI output, docs). */
export function genesisRows(plan: GenesisPlan): Array<{ name: string; kind: string; to: string; amount: string; share: string; vesting: string }> {
  return plan.allocations.map((a) => ({
    name: a.name,
    kind: a.kind,
    to: a.kind === 'account' ? a.to : a.kind === 'vesting' ? a.beneficiary : { treasury: 'timelock', emission: 'Emission', governor: 'Governor' }[a.kind],
    amount: formatUnits(a.amount),
    share: share(a.amount, plan.supply),
    vesting: a.kind === 'vesting' ? vestingText(a.start, a.cliff, a.duration) : '',
  }));
}

/** {@link genesisRows} as a markdown table, with a total row. */
export function genesisTableMarkdown(plan: GenesisPlan): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const total = plan.allocations.reduce((sum, a) => sum + a.amount, 0n);
  const out = ['| Name | Kind | To | Amount (FLOCK) | Share | Vesting |', '| --- | --- | --- | ---: | ---: | --- |'];
  for (const r of genesisRows(plan)) {
    out.push(`| ${[r.name, r.kind, r.to, r.amount, r.share, r.vesting].map(cell).join(' | ')} |`);
  }
  out.push(`| **total** | | | **${formatUnits(total)}** | **${share(total, plan.supply)}** | |`);
  return `${out.join('\n')}\n`;
}

// ------------------------------------------------------------------ one entry

function allocation(doc: Document, node: YNode, w: Where): GenesisAllocation {
  if (!isMap(node)) w.fail(node, 'each allocation must be a mapping with name, kind and amount');
  const kindPair = pairOf(doc, node, 'kind');
  if (!kindPair) w.fail(node, `an allocation has no \`kind\` (one of ${KINDS.join(', ')})`);
  const kindText = scalar(doc, kindPair.value, w, kindPair.key, 'kind');
  const kind = KINDS.find((k) => k === kindText);
  if (!kind) {
    const guess = closest(kindText, KINDS);
    w.fail(kindPair.value, `unknown kind "${kindText}"${guess ? ` (did you mean "${guess}"?)` : ''}; kinds: ${KINDS.join(', ')}`);
  }
  const f = entries(doc, node, w, KEYS[kind], 'key', ` in a ${kind} entry`);
  const need = (key: string) => {
    const p = f.get(key);
    if (!p) w.fail(node, `${kind} entry${f.has('name') ? ` "${scalar(doc, f.get('name')!.value, w, node, 'name')}"` : ''} has no \`${key}\` (a ${kind} entry takes ${KEYS[kind].join(', ')})`);
    return p;
  };

  const namePair = need('name');
  const name = scalar(doc, namePair.value, w, namePair.key, 'name').trim();
  if (name === '') w.fail(namePair.key, 'an allocation has an empty name');

  const amountPair = need('amount');
  const amountText = scalar(doc, amountPair.value, w, amountPair.key, `amount of "${name}"`);
  if (/%\s*$/.test(amountText)) w.fail(amountPair.value, `amount of "${name}" is a percentage; give FLOCK (e.g. 10000000 for 1%) so the sum is exact`);
  const amount = wrap(w, amountPair.value, () => parseFlock(amountText, { what: `amount of "${name}"` }));
  if (amount === 0n) w.fail(amountPair.value, `amount of "${name}" is zero; drop the entry or give it FLOCK`);
  if (kind === 'emission' && amount < ONE_FLOCK) {
    w.fail(amountPair.value, `the emission reserve "${name}" must be at least 1 FLOCK (got ${formatUnits(amount)})`, 'fund the emission reserve (the reference schedule sums to about 322,200 FLOCK)');
  }

  switch (kind) {
    case 'treasury':
    case 'emission':
    case 'governor':
      return { name, kind, amount };
    case 'account': {
      const p = need('to');
      return { name, kind, to: address(doc, p.value, w, p.key, `to of "${name}"`), amount };
    }
    case 'vesting': {
      const b = need('beneficiary');
      const beneficiary = address(doc, b.value, w, b.key, `beneficiary of "${name}"`);
      const s = need('start');
      const start = startTime(scalar(doc, s.value, w, s.key, `start of "${name}"`), s.value, w, name);
      const c = need('cliff');
      const cliff = span(scalar(doc, c.value, w, c.key, `cliff of "${name}"`), c.value, w, `cliff of "${name}"`);
      const d = need('duration');
      const duration = span(scalar(doc, d.value, w, d.key, `duration of "${name}"`), d.value, w, `duration of "${name}"`);
      if (duration === 0n) w.fail(d.value, `duration of "${name}" is 0; a vesting wallet needs a duration longer than 0 (e.g. 4y)`);
      if (cliff > duration) {
        w.fail(c.value, `cliff of "${name}" (${formatSpan(cliff)}) is longer than its duration (${formatSpan(duration)})`, 'shorten the cliff or lengthen the duration: the cliff counts from the start, within the duration');
      }
      if (start + duration > UINT64_MAX) w.fail(s.value, `start plus duration of "${name}" does not fit the wallet's uint64 timestamps`);
      return { name, kind, beneficiary, start, cliff, duration, amount };
    }
  }
}

// ------------------------------------------------------------------ values

/** `2027-01-01`, `2027-01-01T12:00`, `2027-01-01T12:00:00Z` (all UTC) or unix seconds. */
function startTime(text: string, node: YNode, w: Where, name: string): bigint {
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const s = BigInt(t);
    if (s > UINT64_MAX) w.fail(node, `start of "${name}" (${t}) is too large for a unix time`);
    return s;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(t);
  if (m && m[7] && m[7] !== 'Z') {
    w.fail(node, `start of "${name}" ("${t}") has a UTC offset; write the time in UTC (e.g. 2027-01-01T00:00:00Z)`);
  }
  const [y, mo, d, h, mi, s] = (m ?? []).slice(1, 7).map((v) => Number(v ?? 0));
  const ms = m ? Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) : NaN;
  const back = new Date(ms);
  // Date.UTC rolls 2027-02-30 over to March: a date that does not come back unchanged is not real.
  const real = m && back.getUTCFullYear() === y && back.getUTCMonth() === mo! - 1 && back.getUTCDate() === d && back.getUTCHours() === h && back.getUTCMinutes() === mi && back.getUTCSeconds() === s;
  if (!real || ms < 0) {
    w.fail(node, `start of "${name}" ("${t}") is not a UTC date like 2027-01-01 or 2027-01-01T12:00:00Z, nor unix seconds`);
  }
  return BigInt(ms / 1000);
}

/** A duration (parseDuration: 90d, 6mo, 1y, seconds) as seconds. */
function span(text: string, node: YNode, w: Where, what: string): bigint {
  const s = wrap(w, node, () => parseDuration(text, what));
  if (!Number.isSafeInteger(s)) w.fail(node, `${what} ("${text}") is too long`);
  return BigInt(s);
}

function address(doc: Document, node: YNode, w: Where, keyNode: YNode, what: string): string {
  const text = scalar(doc, node, w, keyNode, what).trim();
  let a: string;
  try {
    a = getAddress(text);
  } catch {
    w.fail(node, `${what} "${text}" is not a valid address (0x and 40 hex digits; a mixed-case address must have a correct EIP-55 checksum)`, 'copy the address exactly from its wallet: a bad checksum usually means a typo');
  }
  if (a === ZeroAddress) w.fail(node, `${what} is the zero address; tokens sent there are lost`);
  return a;
}

// ------------------------------------------------------------------ YAML helpers

type Pair = { key: YNode; value: YNode };

/** A mapping's keys, refusing unknown ones (with a "did you mean") and non-scalar keys. */
function entries(doc: Document, map: YAMLMap, w: Where, allowed: readonly string[], what: string, context = ''): Map<string, Pair> {
  const out = new Map<string, Pair>();
  for (const item of map.items) {
    const key = deref(doc, item.key as YNode);
    if (!isScalar(key)) w.fail(map as YNode, `a ${what} must be plain text`);
    const k = String(key.value);
    if (!allowed.includes(k)) {
      const guess = closest(k, allowed);
      const other = KINDS.filter((kind) => KEYS[kind].includes(k) && !allowed.includes(k));
      const why = guess ? ` (did you mean "${guess}"?)` : other.length ? ` (only kind ${other.join(', ')} takes it)` : '';
      w.fail(key, `unknown ${what} "${k}"${context}${why}; allowed: ${allowed.join(', ')}`);
    }
    out.set(k, { key, value: deref(doc, item.value as YNode) as YNode });
  }
  return out;
}

function pairOf(doc: Document, map: YAMLMap, key: string): Pair | undefined {
  const item = map.items.find((it) => isScalar(it.key) && it.key.value === key);
  return item ? { key: item.key as YNode, value: deref(doc, item.value as YNode) as YNode } : undefined;
}

/** A scalar's text; a list, mapping or missing value is refused naming `what`. */
function scalar(doc: Document, node: YNode, w: Where, keyNode: YNode, what: string): string {
  const n = deref(doc, node);
  if (n === null || n === undefined) w.fail(keyNode, `${what} has no value`);
  if (!isScalar(n)) w.fail(n as YNode, `${what} must be a single value, not a list or mapping`);
  const text = String(n.value);
  if (text.trim() === '' && what !== 'name') w.fail(n as YNode, `${what} is empty`);
  return text;
}

function deref(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/** Turns a units error (INVALID_AMOUNT, INVALID_DURATION) into GENESIS_INVALID at the value's line. */
function wrap<T>(w: Where, node: YNode, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof AbortError) w.fail(node, e.message, e.hint);
    throw e;
  }
}

function closest(word: string, known: readonly string[]): string | undefined {
  const l = word.toLowerCase();
  return known.find((k) => k.toLowerCase() === l) ?? known.find((k) => editDistance(k.toLowerCase(), l) <= 2);
}

// ------------------------------------------------------------------ formatting

/** Percent of the supply, 4 decimals, rounded down; a non-zero sliver shows as <0.0001%. */
function share(amount: bigint, supply: bigint): string {
  const scaled = (amount * 1_000_000n) / supply;
  if (scaled === 0n && amount > 0n) return '<0.0001%';
  return `${formatUnits(scaled, { decimals: 4 })}%`;
}

function vestingText(start: bigint, cliff: bigint, duration: bigint): string {
  const from = formatTimestamp(start).replace('T00:00:00Z', '');
  return `from ${from}, ${cliff === 0n ? 'no cliff' : `${formatSpan(cliff)} cliff`}, vests over ${formatSpan(duration)}`;
}

/** Seconds in the units a genesis file is written in: `4 y`, `6 mo`, `90 d`, else `2 h 3 m`. */
function formatSpan(seconds: bigint): string {
  const day = 86_400n;
  if (seconds > 0n && seconds % (365n * day) === 0n) return `${seconds / (365n * day)} y`;
  if (seconds > 0n && seconds % (30n * day) === 0n) return `${seconds / (30n * day)} mo`;
  if (seconds > 0n && seconds % day === 0n) return `${seconds / day} d`;
  return formatDuration(Number(seconds));
}

function displayPath(p: string): string {
  const rel = relative(process.cwd(), resolve(p));
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
