// Step 4 of scripts/build.mjs: dist/cli/main.js bundled into dist/bundle/ by esbuild, which is
// what bin/flock runs. Lazy imports stay lazy (code splitting).
//
// EXTERNAL packages stay in node_modules: those that load native code, wasm or worker files by
// path, and those loaded only for a terminal view or the IPFS store. A CommonJS package that is
// bundled gets a `require` for the built-ins (the banner), and must be imported statically: a
// dynamic import() of it yields only a default export in the bundle, not its named ones
// (test/unit/architecture/bundle.test.ts checks src/ for that).
const EXTERNAL = [
  ...['onnxruntime-node', '@tensorflow/*', 'solc', '@foundry-rs/*'], // native code, wasm, binaries
  ...['pino', 'pino-*', 'thread-stream', 'sonic-boom'], // worker files by path
  ...['ink', 'ink-*', 'react', 'react/*', 'yoga-*'], // the views, loaded only for a terminal
  ...['libp2p', '@libp2p/*', '@helia/*', '@chainsafe/*', '@multiformats/*', 'protobufjs', 'ipfs-*', 'blockstore-*', 'datastore-*'], // the IPFS store, loaded only for it
];

/** Bundles `entry` into `outdir` (ES modules, split at every dynamic import). */
export async function bundle(entry, outdir) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [entry],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    external: EXTERNAL,
    banner: { js: "import { createRequire as __flockRequire } from 'node:module'; const require = __flockRequire(import.meta.url);" },
  });
}
