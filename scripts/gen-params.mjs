#!/usr/bin/env node
// Generates src/protocol/governance/params.generated.ts, the CLI's catalogue of governed
// parameters, from the contracts: the keys and their NatSpec in contracts/libraries/Params.sol,
// the deployment defaults and bounds in ProtocolConfig's constructor. One source of truth: the
// CLI never copies a parameter by hand.
//   node scripts/gen-params.mjs           write the file
//   node scripts/gen-params.mjs --check   exit 1 when the file is stale (the unit test does the same)
// A parameter's unit (how `flock propose --set` reads its value) is the first word of the last
// parenthesis of its @notice: WAD, wei, count or seconds; a value written in time units
// (`30 days`) in ProtocolConfig also makes a duration. Anything else fails, naming the key.
// Plain Node, no dependencies.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../', import.meta.url);
export const PARAMS_SOL = new URL('contracts/libraries/Params.sol', ROOT);
export const CONFIG_SOL = new URL('contracts/config/ProtocolConfig.sol', ROOT);
export const PARAMS_TS = new URL('src/protocol/governance/params.generated.ts', ROOT);

const TIME = { seconds: 1n, minutes: 60n, hours: 3600n, days: 86400n, weeks: 604800n };
const UNIT_WORDS = { WAD: 'wad', wei: 'amount', count: 'count', seconds: 'duration' };

/** `bytes32 internal constant NAME = bytes32("key");` with the `///` lines above it, in file order. */
export function parseParamsSol(text) {
  const out = [];
  let doc = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const comment = /^\/\/\/\s?(?:@notice\s+)?(.*)$/.exec(line);
    if (comment) {
      doc.push(comment[1]);
      continue;
    }
    const m = /^bytes32\s+internal\s+constant\s+(\w+)\s*=\s*bytes32\("([^"]+)"\);$/.exec(line);
    if (m) out.push({ constant: m[1], key: m[2], doc: doc.join(' ') });
    doc = [];
  }
  return out;
}

/** Every `_register(Params.NAME, value, min, max);` of ProtocolConfig, by constant name. */
export function parseConfigSol(text) {
  const out = new Map();
  for (const m of text.matchAll(/_register\(\s*Params\.(\w+)\s*,([^;]*)\);/g)) {
    const args = m[2].split(',').map((s) => s.trim());
    if (args.length !== 3) throw new Error(`ProtocolConfig: _register(Params.${m[1]}, ...) has ${args.length + 1} arguments, expected 4`);
    if (out.has(m[1])) throw new Error(`ProtocolConfig registers Params.${m[1]} twice`);
    out.set(m[1], { value: args[0], min: args[1], max: args[2] });
  }
  return out;
}

/** A Solidity literal product such as `4 * 365 days`, `0.05e18`, `1_000_000e18`, `7`. */
export function evalLiteral(expr) {
  return expr.split('*').reduce((acc, factor) => {
    const m = /^([\d_]+)(?:\.(\d+))?(?:e(\d+))?(?:\s+(seconds|minutes|hours|days|weeks))?$/.exec(factor.trim());
    if (!m) throw new Error(`cannot evaluate the Solidity literal "${expr}"`);
    const frac = m[2] ?? '';
    const exp = BigInt(m[3] ?? '0') - BigInt(frac.length);
    let v = BigInt(m[1].replace(/_/g, '') + frac);
    if (exp >= 0n) v *= 10n ** exp;
    else if (v % 10n ** -exp === 0n) v /= 10n ** -exp;
    else throw new Error(`the Solidity literal "${expr}" is not a whole number`);
    return acc * v * (m[4] ? TIME[m[4]] : 1n);
  }, 1n);
}

function kindOf(p, reg) {
  const unit = /\(([^()]*)\)\.?\s*$/.exec(p.doc)?.[1].split(/[\s,;]/)[0];
  if (unit && UNIT_WORDS[unit]) return UNIT_WORDS[unit];
  if ([reg.value, reg.min, reg.max].some((e) => /\b(seconds|minutes|hours|days|weeks)\b/.test(e))) return 'duration';
  throw new Error(`Params.${p.constant} ("${p.key}"): say its unit in its @notice, ending with "(WAD…)", "(wei…)", "(count…)" or "(seconds…)"`);
}

/** The NatSpec in one line, less its closing unit note: `Share of ... treasury (WAD, 0.05e18).` -> `Share of ... treasury`. */
export function meaningOf(doc) {
  return doc.replace(/\s+/g, ' ').trim().replace(/\s*\([^()]*\)\.?$/, '').replace(/\.$/, '');
}

/** The catalogue of the two sources; throws when they disagree (a key one of them lacks). */
export function catalogue(paramsSol, configSol) {
  const params = parseParamsSol(paramsSol);
  const regs = parseConfigSol(configSol);
  const missing = params.filter((p) => !regs.has(p.constant)).map((p) => p.constant);
  if (missing.length) throw new Error(`ProtocolConfig's constructor does not register Params.${missing.join(', Params.')}`);
  const extra = [...regs.keys()].filter((c) => !params.some((p) => p.constant === c));
  if (extra.length) throw new Error(`ProtocolConfig registers Params.${extra.join(', Params.')}, which Params.sol does not declare`);
  return params.map((p) => {
    const reg = regs.get(p.constant);
    const [value, min, max] = [reg.value, reg.min, reg.max].map(evalLiteral);
    if (value < min || value > max) throw new Error(`Params.${p.constant}: default ${value} outside [${min}, ${max}]`);
    return { key: p.key, constant: p.constant, kind: kindOf(p, reg), default: value, min, max, meaning: meaningOf(p.doc) };
  });
}

/** The text of params.generated.ts for these sources. */
export function renderParams(paramsSol, configSol) {
  const rows = catalogue(paramsSol, configSol).map(
    (p) =>
      `  '${p.key}': { constant: '${p.constant}', kind: '${p.kind}', default: ${p.default}n, min: ${p.min}n, max: ${p.max}n, meaning: '${p.meaning.replace(/[\\']/g, '\\$&')}' },`,
  );
  return `// Generated by scripts/gen-params.mjs from contracts/libraries/Params.sol and the defaults and
// bounds of contracts/config/ProtocolConfig.sol. Do not edit: run \`node scripts/gen-params.mjs\`.
// test/unit/protocol/params.test.ts fails when this file and the contracts disagree.

/** How a parameter's value is written on the command line: WAD fraction, seconds, token amount, count. */
export type ParamKind = 'wad' | 'duration' | 'amount' | 'count';

export interface ParamSpec {
  /** The constant of Params.sol. */
  constant: string;
  kind: ParamKind;
  /** The value and bounds ProtocolConfig is deployed with (governance may move them). */
  default: bigint;
  min: bigint;
  max: bigint;
  /** What it governs, in one line: its NatSpec in Params.sol. */
  meaning: string;
}

/** The governed parameters, in Params.sol's order. */
export const PARAMS = {
${rows.join('\n')}
} as const satisfies Record<string, ParamSpec>;

export type ParamName = keyof typeof PARAMS;
`;
}

function current() {
  return renderParams(readFileSync(PARAMS_SOL, 'utf8'), readFileSync(CONFIG_SOL, 'utf8'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = current();
  if (process.argv.includes('--check')) {
    let onDisk = '';
    try {
      onDisk = readFileSync(PARAMS_TS, 'utf8');
    } catch {}
    if (onDisk !== text) {
      process.stderr.write('gen-params: src/protocol/governance/params.generated.ts is stale; run `node scripts/gen-params.mjs`\n');
      process.exit(1);
    }
    process.stdout.write('gen-params: up to date\n');
  } else {
    writeFileSync(PARAMS_TS, text);
    process.stdout.write('wrote src/protocol/governance/params.generated.ts\n');
  }
}
