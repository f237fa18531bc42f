/**
 * tfjs backend selection. Preference: tfjs-node-gpu, tfjs-node, wasm, cpu. The two native
 * packages are optional dependencies whose install script downloads libtensorflow, so on most
 * machines here they are absent; they are only ever imported dynamically.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { EngineError } from './errors.js';
import { installTrainingKernels } from './kernels.js';

const require = createRequire(import.meta.url);

/** Backends in order of preference. */
export const BACKENDS = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
export type BackendChoice = BackendName | 'auto';

const PACKAGES: Record<BackendName, string> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** The name tfjs registers each backend under (tfjs-node and -gpu both register 'tensorflow'). */
const TF_NAMES: Record<BackendName, string> = {
  'node-gpu': 'tensorflow',
  node: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

export interface BackendStatus {
  name: BackendName;
  package: string;
  available: boolean;
  /** Why it is not available (or not used); absent when it is the one in use. */
  reason?: string;
}

export interface BackendInfo {
  /** Our name for the backend in use. */
  name: BackendName;
  /** The name tfjs knows it by (`tf.getBackend()`). */
  tfBackend: string;
  package: string;
  /** For every backend preferred over the one in use: why it was not used. */
  skipped: BackendStatus[];
}

export interface BackendReport {
  /** What `initBackend` picks (or picked) for the given choice. */
  selected: BackendInfo | null;
  backends: BackendStatus[];
  onnxruntime: { available: boolean; version?: string; reason?: string };
}

let active: BackendInfo | null = null;
let wasmPathsSet = false;
const probes = new Map<BackendName, Promise<BackendStatus>>();

/** Directory holding the backend's .wasm binaries, resolved from node_modules (never fetched). */
export function wasmDirectory(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
}

function isNotInstalled(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}

async function probeNative(name: 'node-gpu' | 'node'): Promise<BackendStatus> {
  const pkg = PACKAGES[name];
  try {
    require.resolve(pkg);
  } catch (err) {
    if (isNotInstalled(err)) {
      return {
        name,
        package: pkg,
        available: false,
        reason: 'not installed (its install script downloads libtensorflow, which needs network access beyond npm)',
      };
    }
    return { name, package: pkg, available: false, reason: `cannot be resolved: ${firstLine(err)}` };
  }
  // Both native packages register the same tfjs backend name; loading one makes the other moot.
  const other = name === 'node' ? 'node-gpu' : 'node';
  const otherStatus = probes.get(other);
  if (otherStatus && (await otherStatus).available) {
    return { name, package: pkg, available: false, reason: `${PACKAGES[other]} is already loaded` };
  }
  try {
    // A variable specifier keeps TypeScript from requiring the (usually absent) package's types.
    const specifier: string = pkg;
    await import(specifier);
    return { name, package: pkg, available: true };
  } catch (err) {
    return { name, package: pkg, available: false, reason: `installed but failed to load: ${firstLine(err)}` };
  }
}

async function probeWasm(): Promise<BackendStatus> {
  const pkg = PACKAGES.wasm;
  try {
    const dir = wasmDirectory();
    const missing = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'].filter(
      (f) => !existsSync(path.join(dir, f)),
    );
    if (missing.length > 0) {
      return { name: 'wasm', package: pkg, available: false, reason: `missing ${missing.join(', ')} in ${dir}` };
    }
    return { name: 'wasm', package: pkg, available: true };
  } catch (err) {
    return { name: 'wasm', package: pkg, available: false, reason: `not installed: ${firstLine(err)}` };
  }
}

/** Status of a backend from a package lookup alone (nothing is loaded). */
function installedStatus(name: BackendName, requested: BackendName): BackendStatus {
  const pkg = PACKAGES[name];
  try {
    require.resolve(pkg);
    return { name, package: pkg, available: true, reason: `installed, but --backend ${requested} was requested` };
  } catch (err) {
    const reason = isNotInstalled(err)
      ? name === 'wasm' || name === 'cpu'
        ? 'not installed'
        : 'not installed (its install script downloads libtensorflow, which needs network access beyond npm)'
      : `cannot be resolved: ${firstLine(err)}`;
    return { name, package: pkg, available: false, reason };
  }
}

/** Whether a backend can be used here; each probe runs once per process. */
export function probeBackend(name: BackendName): Promise<BackendStatus> {
  let p = probes.get(name);
  if (!p) {
    p =
      name === 'cpu'
        ? Promise.resolve({ name, package: PACKAGES.cpu, available: true })
        : name === 'wasm'
          ? probeWasm()
          : probeNative(name);
    probes.set(name, p);
  }
  return p;
}

async function activate(name: BackendName): Promise<boolean> {
  if (name === 'wasm' && !wasmPathsSet) {
    // Point the backend at the .wasm files shipped in node_modules; by default it would try a CDN.
    setWasmPaths(wasmDirectory());
    wasmPathsSet = true;
  }
  if (name === 'wasm' || name === 'cpu') installTrainingKernels(name);
  // PROD silences tfjs' console nag about installing tfjs-node and skips debug-only checks.
  tf.env().set('PROD', true);
  try {
    return (await tf.setBackend(TF_NAMES[name])) && tf.getBackend() === TF_NAMES[name];
  } catch {
    return false;
  }
}

export interface InitBackendOptions {
  /** `auto` (default) takes the best available; a name forces that backend or fails. */
  backend?: BackendChoice;
}

/**
 * Selects and initialises the tfjs backend. Idempotent: a second call with the same (or `auto`)
 * choice returns the active backend.
 *
 * @example
 * const info = await initBackend({ backend: 'auto' });
 * console.log(info.name, info.skipped.map((s) => `${s.package}: ${s.reason}`));
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const choice = options.backend ?? 'auto';
  if (active && (choice === 'auto' || choice === active.name)) return active;

  const skipped: BackendStatus[] = [];
  const order = choice === 'auto' ? BACKENDS : [choice];
  for (const name of order) {
    const status = await probeBackend(name);
    if (status.available && (await activate(name))) {
      if (choice !== 'auto') {
        // Preferred backends are only looked up, not loaded: the user asked for this one.
        for (const better of BACKENDS.slice(0, BACKENDS.indexOf(name))) skipped.push(installedStatus(better, choice));
      }
      active = { name, tfBackend: tf.getBackend(), package: PACKAGES[name], skipped };
      return active;
    }
    skipped.push(status.available ? { ...status, available: false, reason: 'failed to initialise' } : status);
  }
  const why = skipped.map((s) => `${s.package}: ${s.reason}`).join('; ');
  throw new EngineError('backend-unavailable', `tfjs backend '${choice}' is not usable (${why})`, {
    hint: choice === 'auto' ? undefined : 'drop --backend to fall back to the best available backend',
  });
}

/** The active backend, or null before `initBackend`. */
export function activeBackend(): BackendInfo | null {
  return active;
}

/**
 * Reports every backend (and onnxruntime-node) without changing the active one unless nothing is
 * active yet, in which case it initialises the best one, as training would. Used by `flock doctor`.
 */
export async function describeBackends(options: InitBackendOptions = {}): Promise<BackendReport> {
  let selected: BackendInfo | null = null;
  try {
    selected = await initBackend(options);
  } catch {
    selected = null;
  }
  const backends: BackendStatus[] = [];
  for (const name of BACKENDS) {
    const s = await probeBackend(name);
    const skip = selected?.skipped.find((k) => k.name === name);
    backends.push(skip ?? (selected?.name === name ? { name, package: s.package, available: true } : s));
  }
  let onnxruntime: BackendReport['onnxruntime'];
  try {
    const ort = await import('onnxruntime-node');
    onnxruntime = { available: true, version: ort.env.versions.node ?? ort.env.versions.common };
  } catch (err) {
    onnxruntime = { available: false, reason: firstLine(err) };
  }
  return { selected, backends, onnxruntime };
}
