#!/usr/bin/env node
// Builds the example tasks' data files, deterministically. (For a task of your own data, use
// `flock task init <data.csv> --label <column>`: it splits one CSV, stratified by class.)
//
//   node examples/tasks/make-splits.mjs                    # re-split each task's data.csv.gz
//   node examples/tasks/make-splits.mjs --source <dir>     # first rebuild data.csv.gz from the
//                                                          # scikit-learn copies of the UCI datasets
//
// For every task directory with a task.yaml, data.csv.gz (full dataset, with a header) is split
// into train.csv.gz and the hidden validation.csv.gz by `data.split` in task.yaml: a row goes to
// validation when hash(row index, seed) < validationFraction, the engine's split hash (a unit
// test checks the committed files against it). Output is byte-for-byte reproducible: rows keep
// their source text and gzip headers carry no timestamp.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parse } from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));

// The split hash is the engine's (src/engine/data/split.ts), built into dist/ by `npm run build`.
const splitModule = path.join(here, '../../dist/engine/data/split.js');
if (!existsSync(splitModule)) {
  console.error(`make-splits: ${splitModule} is missing: run \`npm run build\` first`);
  process.exit(1);
}
const { rowHash } = await import(pathToFileURL(splitModule).href);

const readText = (file) => {
  const buf = readFileSync(file);
  return (buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf) : buf).toString('utf8');
};
const lines = (text) => text.split(/\r?\n/).filter((l) => l.trim() !== '');
const writeGz = (file, text) => writeFileSync(file, gzipSync(Buffer.from(text, 'utf8'), { level: 9 }));

// --- rebuilding data.csv.gz from scikit-learn's files (header-less, as shipped by sklearn) ---
const BREAST_CANCER_FEATURES = ['radius', 'texture', 'perimeter', 'area', 'smoothness', 'compactness', 'concavity', 'concave_points', 'symmetry', 'fractal_dimension'];

const builders = {
  digits(src) {
    // 1797 rows: 64 pixel counts (0..16) of an 8x8 image, row-major, then the digit.
    const header = [...Array.from({ length: 64 }, (_, i) => `px${Math.floor(i / 8)}_${i % 8}`), 'digit'];
    return [header.join(','), ...lines(readText(path.join(src, 'digits.csv.gz')))];
  },
  'breast-cancer'(src) {
    // First line of sklearn's copy is "569,30,malignant,benign" (counts and class names), not data.
    const rows = lines(readText(path.join(src, 'breast_cancer.csv'))).slice(1);
    const header = [
      ...BREAST_CANCER_FEATURES.map((f) => `mean_${f}`),
      ...BREAST_CANCER_FEATURES.map((f) => `${f}_error`),
      ...BREAST_CANCER_FEATURES.map((f) => `worst_${f}`),
      'diagnosis', // 0 = malignant, 1 = benign
    ];
    return [header.join(','), ...rows];
  },
  diabetes(src) {
    // Raw (unscaled) features, space separated, and the target in a separate file.
    const data = lines(readText(path.join(src, 'diabetes_data_raw.csv.gz')));
    const target = lines(readText(path.join(src, 'diabetes_target.csv.gz')));
    if (data.length !== target.length) throw new Error(`diabetes: ${data.length} rows but ${target.length} targets`);
    const header = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6', 'progression'];
    return [header.join(','), ...data.map((row, i) => [...row.trim().split(/\s+/), String(Number(target[i]))].join(','))];
  },
};

const args = process.argv.slice(2);
const sourceAt = args.indexOf('--source');
const source = sourceAt >= 0 ? path.resolve(args[sourceAt + 1] ?? '') : undefined;

for (const name of readdirSync(here).sort()) {
  const dir = path.join(here, name);
  const taskFile = path.join(dir, 'task.yaml');
  if (!existsSync(taskFile)) continue;
  const task = parse(readFileSync(taskFile, 'utf8'));
  const dataFile = path.join(dir, task.data.source);

  if (source) {
    const build = builders[name];
    if (!build) throw new Error(`no builder for task '${name}'`);
    writeGz(dataFile, build(source).join('\n') + '\n');
  }

  const [header, ...rows] = lines(readText(dataFile));
  const { seed, validationFraction } = task.data.split;
  const train = [header];
  const validation = [header];
  rows.forEach((row, i) => (rowHash(i, seed) < validationFraction ? validation : train).push(row));
  writeGz(path.join(dir, task.data.train), train.join('\n') + '\n');
  writeGz(path.join(dir, task.data.validation), validation.join('\n') + '\n');
  console.log(`${name}: ${rows.length} rows -> ${train.length - 1} train, ${validation.length - 1} validation`);
}
