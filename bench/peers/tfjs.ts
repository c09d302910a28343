/**
 * TensorFlow.js peer: one consistent tfjs instance with its gradient rules, the plain-JS `cpu` backend and the WebAssembly
 * backend (XNNPACK; thread count set explicitly), reporting what actually runs (SIMD, multithreading) or why it could not load.
 *
 * Why a bundle: tfjs-core's Node entry (a CommonJS bundle) ships without gradient rules, and its ES-module
 * `register_all_gradients` uses directory imports that Node's ESM loader rejects (the union package @tensorflow/tfjs
 * normally supplies them). So the first use bundles core + gradients + both backends with esbuild (a devDependency)
 * into node_modules/.cache/tracetape-bench/ and loads that single instance.
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The tfjs-core API plus the wasm backend's configuration functions. */
export type Tf = typeof import('@tensorflow/tfjs-core') & Pick<typeof import('@tensorflow/tfjs-backend-wasm'), 'setWasmPaths' | 'setThreadsCount' | 'getThreadsCount'>;

/** A loaded TensorFlow.js backend, or the reason it is unavailable. */
export type TfjsPeer = { tf: Tf; line: string } | { tf: null; line: string };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
let instance: Tf | null = null;

/** Bundle (once per installed version) and load the single tfjs instance. */
async function tfjsInstance(): Promise<Tf> {
  if (instance) return instance;
  const version = (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
  const wasmVersion = (require('@tensorflow/tfjs-backend-wasm/package.json') as { version: string }).version;
  const dir = path.join(root, 'node_modules', '.cache', 'tracetape-bench');
  const out = path.join(dir, `tfjs-${version}-wasm-${wasmVersion}.cjs`);
  if (!existsSync(out)) {
    mkdirSync(dir, { recursive: true });
    const entry = path.join(dir, 'tfjs-entry.mjs');
    writeFileSync(entry, [
      "export * from '@tensorflow/tfjs-core';",
      "import '@tensorflow/tfjs-core/dist/register_all_gradients';",
      "import '@tensorflow/tfjs-backend-cpu';",
      "export { setWasmPaths, setThreadsCount, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';",
    ].join('\n'));
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', mainFields: ['module', 'main'],
      external: ['node-fetch'], outfile: out, logLevel: 'error', absWorkingDir: root, nodePaths: [path.join(root, 'node_modules')],
    });
  }
  instance = require(out) as Tf;
  return instance;
}

/** Load TensorFlow.js with backend 'wasm' (threads set with setThreadsCount) or 'cpu'; never throws. */
export async function loadTfjs(backend: 'wasm' | 'cpu', threads = 1): Promise<TfjsPeer> {
  try {
    const tf = await tfjsInstance();
    const version = (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
    if (backend === 'wasm') {
      const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/';
      const files = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
      tf.setWasmPaths(Object.fromEntries(files.map((f) => [f, dir + f])));
      tf.setThreadsCount(threads);
    }
    const warn = console.warn;
    console.warn = (): void => {}; // tfjs's "install tfjs-node" banner
    const ok = await tf.setBackend(backend).finally(() => { console.warn = warn; });
    if (!ok) return { tf: null, line: `skipped: TensorFlow.js backend '${backend}' did not initialise` };
    await tf.ready();
    if (backend === 'cpu') return { tf, line: `TensorFlow.js ${version}, backend 'cpu' (plain JavaScript kernels, float32)` };
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const mt = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    return {
      tf,
      line: `TensorFlow.js ${version}, backend 'wasm' (XNNPACK, float32): SIMD ${simd ? 'on' : 'off'}, setThreadsCount(${threads}) set explicitly`
        + `${mt ? '' : ' (multithreading unsupported in this runtime, so it runs one thread whatever the setting)'}`,
    };
  } catch (e) {
    return { tf: null, line: `skipped: TensorFlow.js could not be loaded (${(e instanceof Error ? e.message : String(e)).split('\n')[0]}); it is a devDependency: npm install` };
  }
}
