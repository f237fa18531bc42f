#!/usr/bin/env node
// The architecture check (README "Architecture"): src/ is a stack of layers, and a module may
// import only from its own folder or from a lower layer; no import cycles between modules.
//   node scripts/check-layers.mjs [srcDir]     exit 0, or 1 listing every violation
// Static imports, `export ... from` and dynamic import() all count, type-only ones too: a type
// import upward still ties a lower layer to a higher one. Generated bindings (chain/types) are
// skipped. Plain Node, no dependencies, so it also runs before anything is built.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bottom to top. A folder (or top-level file) imports only from its own entry or lower rows. */
export const LAYERS = [
  ['errors'],
  ['units', 'log', 'files'],
  ['config'],
  ['chain', 'storage', 'engine'],
  ['wallet', 'devnet', 'deploy', 'tasks', 'fl'],
  ['protocol'],
  ['daemons'],
  ['ui'],
  ['cli'],
];

const IMPORT = /(?:^|[^.\w])(?:import|export)\s*(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/gm;

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'types' && p.endsWith(join('chain', 'types')) ? [] : files(p);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** `src/protocol/arena/x.ts` -> `protocol`; `src/log.ts` -> `log`. */
function unitOf(src, file) {
  const rel = relative(src, file).split('\\').join('/');
  const top = rel.split('/')[0];
  return rel.includes('/') ? top : top.replace(/\.tsx?$/, '');
}

function resolveImport(from, spec) {
  const base = resolve(dirname(from), spec).replace(/\.js$/, '');
  for (const cand of [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    try {
      if (statSync(cand).isFile()) return cand;
    } catch {}
  }
  return undefined;
}

export function check(src) {
  const rank = new Map(LAYERS.flatMap((row, i) => row.map((u) => [u, i])));
  const all = files(src);
  const graph = new Map();
  const problems = [];
  for (const file of all) {
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|(^|[^:'"`])\/\/.*$/gm, '$1');
    const deps = new Set();
    const unit = unitOf(src, file);
    if (!rank.has(unit)) problems.push(`${relative(src, file)}: folder "${unit}" is in no layer (add it to LAYERS in scripts/check-layers.mjs)`);
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      const target = resolveImport(file, spec);
      if (!target) continue; // generated bindings, json, or a typo tsc reports anyway
      if (target.includes(`${join('chain', 'types')}`)) continue;
      deps.add(target);
      const to = unitOf(src, target);
      if (to === unit || !rank.has(unit) || !rank.has(to)) continue;
      if (rank.get(to) >= rank.get(unit)) {
        problems.push(`${relative(src, file)} imports ${relative(src, target)}: ${unit} (layer ${rank.get(unit)}) may not import ${to} (layer ${rank.get(to)})`);
      }
    }
    graph.set(file, deps);
  }
  for (const cycle of cycles(graph)) problems.push(`import cycle: ${cycle.map((f) => relative(src, f)).join(' -> ')}`);
  return problems;
}

/** Strongly connected components of more than one module (Tarjan), each as a path. */
function cycles(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.get(v)?.has(v)) out.push([...scc.reverse(), scc[0]]);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const src = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'src'));
  const problems = check(src);
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.stdout.write(problems.length ? `check-layers: ${problems.length} problem(s)\n` : 'check-layers: no upward imports, no cycles\n');
  process.exit(problems.length ? 1 : 0);
}
