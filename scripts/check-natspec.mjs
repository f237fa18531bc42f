#!/usr/bin/env node
// Checks that the Solidity interfaces are complete and fully documented (OpenZeppelin style):
//   1. every function declared in an interface has a @notice or @dev, a @param for each parameter
//      and a @return for each return value; every event and error has a @notice or @dev and a
//      @param for each field;
//   2. every public or external function (public state variables included) that a contract or
//      abstract contract declares implements a function of an interface, or overrides one of a
//      base outside the checked folders (OpenZeppelin's). A module that is only reached by
//      delegatecall declares `@custom:serves IX` on the contract: its functions may instead be
//      functions of IX. Libraries, tests (*.t.sol) and scripts (*.s.sol) are not checked.
// Exits 0 when all holds, 1 listing every gap (or compile error) otherwise.
//
// Usage: node scripts/check-natspec.mjs [folder ...]   (default: contracts)
//
// How: the sources are compiled with solcjs, the `solc` package pinned in package.json (the
// compiler forge runs through scripts/solc-shim.cjs), asking only for the AST, ABI, method
// identifiers and devdoc/userdoc: analysis without code generation, about 7 s for contracts/ on
// two cores, with or without a forge build.
// The AST says which contract declares each function and which interface function it implements
// (`baseFunctions`, set even without `override`); devdoc/userdoc are solc's own reading of the
// NatSpec, so @inheritdoc, multi-line tags and named returns are handled as solc handles them, and
// solc itself rejects a @param or @return that names no parameter. forge's out/ is not used: its
// artifacts carry no AST, may be stale, and cannot cover a folder forge does not build.
// Plain Node; the only package used is solc, which the build already needs.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const started = Date.now();
const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const solc = require('solc');

const folders = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['contracts'];

// Third-party code kept verbatim (contracts/vendor/, e.g. Chainlink VRF) is not ours to document:
// it is compiled only as an import of our contracts, and bases outside `sources` are not checked.
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'vendor' && statSync(p).isDirectory()) return [];
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.sol') && !/\.(t|s)\.sol$/.test(p) ? [p] : [];
  });
}

/** Source unit name: the path relative to the repository when inside it (as forge names it). */
function unitName(file) {
  const abs = resolve(file);
  const rel = relative(root, abs);
  return rel.startsWith('..') || isAbsolute(rel) ? abs : rel.split(sep).join('/');
}

const sources = {};
for (const folder of folders) {
  const dir = resolve(folder);
  if (!existsSync(dir)) {
    process.stderr.write(`check-natspec: no such folder: ${folder}\n`);
    process.exit(1);
  }
  for (const file of walk(dir)) sources[unitName(file)] = { content: readFileSync(file, 'utf8') };
}

// foundry.toml's remappings, so that imports resolve as they do under forge.
const toml = readFileSync(join(root, 'foundry.toml'), 'utf8');
const remappings = [...(toml.match(/remappings\s*=\s*\[([^\]]*)\]/)?.[1] ?? '').matchAll(/"([^"=]+=[^"]*)"/g)].map((m) => m[1]);

function findImports(path) {
  for (const candidate of [join(root, path), join(root, 'node_modules', path), path]) {
    if (existsSync(candidate)) return { contents: readFileSync(candidate, 'utf8') };
  }
  return { error: `File not found: ${path}` };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    remappings,
    outputSelection: { '*': { '': ['ast'], '*': ['abi', 'devdoc', 'userdoc', 'evm.methodIdentifiers'] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const compileErrors = (output.errors ?? []).filter((e) => e.severity === 'error');
if (compileErrors.length > 0) {
  for (const e of compileErrors) process.stderr.write(`${e.formattedMessage}\n`);
  process.stderr.write(`check-natspec: compilation failed (${compileErrors.length} error(s))\n`);
  process.exit(1);
}

// Every contract, function and state variable of the compilation by AST id.
const byId = new Map();
const unitOf = new Map(); // contract id -> source unit name
for (const [unit, { ast }] of Object.entries(output.sources)) {
  for (const c of ast.nodes.filter((n) => n.nodeType === 'ContractDefinition')) {
    byId.set(c.id, c);
    unitOf.set(c.id, unit);
    for (const n of c.nodes) byId.set(n.id, n);
  }
}

/** Canonical ABI type of an ABI parameter (tuples spelled out), as in a signature. */
const abiType = (p) => (p.type.startsWith('tuple') ? `(${p.components.map(abiType).join(',')})${p.type.slice(5)}` : p.type);

/** The ABI signature of an event or error node of contract `c`, matched by name and field names. */
function signatureOf(compiled, kind, node) {
  const names = node.parameters.parameters.map((p) => p.name).join(',');
  const entries = compiled.abi.filter((e) => e.type === kind && e.name === node.name);
  const entry = entries.length === 1 ? entries[0] : entries.find((e) => e.inputs.map((i) => i.name).join(',') === names);
  return entry ? `${entry.name}(${entry.inputs.map(abiType).join(',')})` : `${node.name}(?)`;
}

const problems = [];
const counts = { interfaces: 0, functions: 0, events: 0, errors: 0, contracts: 0, implemented: 0 };

/** What is missing from one item's docs: a notice or dev, a @param per field, a @return per value. */
function missing(doc, notice, params, returns = []) {
  const gaps = [];
  if (!notice?.notice && !doc?.details) gaps.push('@notice or @dev');
  params.forEach((p, i) => {
    if (!p.name) gaps.push(`a name for parameter ${i + 1} (so that it can have a @param)`);
    else if (!doc?.params?.[p.name]) gaps.push(`@param ${p.name}`);
  });
  returns.forEach((r, i) => {
    const key = r.name || `_${i}`;
    if (!doc?.returns?.[key]) gaps.push(r.name ? `@return ${r.name}` : `@return (value ${i + 1})`);
  });
  return gaps;
}

function report(unit, what, gaps) {
  if (gaps.length > 0) problems.push(`${unit}: ${what}: missing ${gaps.join(', ')}`);
}

function checkInterface(unit, c, compiled) {
  counts.interfaces++;
  const { devdoc = {}, userdoc = {} } = compiled;
  const signatures = Object.fromEntries(Object.entries(compiled.evm.methodIdentifiers).map(([sig, sel]) => [sel, sig]));
  for (const n of c.nodes) {
    if (n.nodeType === 'FunctionDefinition' && n.kind === 'function') {
      counts.functions++;
      const sig = signatures[n.functionSelector];
      const gaps = missing(devdoc.methods?.[sig], userdoc.methods?.[sig], n.parameters.parameters, n.returnParameters.parameters);
      report(unit, `function ${c.name}.${sig}`, gaps);
    } else if (n.nodeType === 'EventDefinition') {
      counts.events++;
      const sig = signatureOf(compiled, 'event', n);
      report(unit, `event ${c.name}.${sig}`, missing(devdoc.events?.[sig], userdoc.events?.[sig], n.parameters.parameters));
    } else if (n.nodeType === 'ErrorDefinition') {
      counts.errors++;
      const sig = signatureOf(compiled, 'error', n);
      report(unit, `error ${c.name}.${sig}`, missing(devdoc.errors?.[sig]?.[0], userdoc.errors?.[sig]?.[0], n.parameters.parameters));
    }
  }
}

/** Whether a function (or public state variable) implements an interface function or an outside base's. */
function fromInterface(node) {
  return (node.baseFunctions ?? []).some((id) => {
    const base = byId.get(id);
    const scope = base && byId.get(base.scope);
    if (!scope) return true; // declared outside the compilation's contracts: not ours to check
    return scope.contractKind === 'interface' || !(unitOf.get(scope.id) in sources) || fromInterface(base);
  });
}

/** Selectors of the interface named by a contract's `@custom:serves`, inherited functions included. */
function servedSelectors(c, compiled) {
  const name = compiled.devdoc?.['custom:serves']?.trim();
  if (!name) return new Set();
  const target = [...byId.values()].find((n) => n.nodeType === 'ContractDefinition' && n.contractKind === 'interface' && n.name === name);
  if (!target) {
    problems.push(`${unitOf.get(c.id)}: contract ${c.name}: @custom:serves names ${name}, which is no interface of the compilation`);
    return new Set();
  }
  return new Set(Object.values(output.contracts[unitOf.get(target.id)][name].evm.methodIdentifiers));
}

function checkContract(unit, c, compiled) {
  counts.contracts++;
  const served = servedSelectors(c, compiled);
  const signatures = Object.fromEntries(Object.entries(compiled.evm.methodIdentifiers).map(([sig, sel]) => [sel, sig]));
  for (const n of c.nodes) {
    const fn = n.nodeType === 'FunctionDefinition' && n.kind === 'function' && (n.visibility === 'external' || n.visibility === 'public');
    const getter = n.nodeType === 'VariableDeclaration' && n.stateVariable && n.visibility === 'public';
    if (!fn && !getter) continue;
    counts.implemented++;
    if (fromInterface(n) || served.has(n.functionSelector)) continue;
    const sig = signatures[n.functionSelector] ?? n.name;
    problems.push(`${unit}: ${c.name}.${sig} is declared in no interface ${c.name} implements`);
  }
}

for (const unit of Object.keys(sources)) {
  for (const c of output.sources[unit].ast.nodes.filter((n) => n.nodeType === 'ContractDefinition')) {
    const compiled = output.contracts[unit][c.name];
    if (c.contractKind === 'interface') checkInterface(unit, c, compiled);
    else if (c.contractKind === 'contract') checkContract(unit, c, compiled);
  }
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
const summary =
  `${counts.interfaces} interfaces (${counts.functions} functions, ${counts.events} events, ${counts.errors} errors), ` +
  `${counts.contracts} contracts (${counts.implemented} public functions)`;
if (problems.length > 0) {
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.stderr.write(`check-natspec: ${problems.length} problem(s) in ${summary} (${seconds} s)\n`);
  process.exit(1);
}
process.stdout.write(`check-natspec: ok: ${summary} (${seconds} s)\n`);
