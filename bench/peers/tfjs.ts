/**
 * TensorFlow.js peer: loads @tensorflow/tfjs-core with the WebAssembly backend (XNNPACK; thread count set explicitly)
 * or the plain-JS cpu backend, and reports what actually runs (SIMD, multithreading) or why it could not load.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

/** The tfjs-core module type. */
export type Tf = typeof import('@tensorflow/tfjs-core');

/** A loaded TensorFlow.js backend, or the reason it is unavailable. */
export type TfjsPeer = { tf: Tf; line: string } | { tf: null; line: string };

/** Load tfjs-core with backend 'wasm' (threads set with setThreadsCount) or 'cpu'; never throws. */
export async function loadTfjs(backend: 'wasm' | 'cpu', threads = 1): Promise<TfjsPeer> {
  try {
    const tf: Tf = await import('@tensorflow/tfjs-core');
    const require = createRequire(import.meta.url);
    if (backend === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/';
      const files = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
      wasm.setWasmPaths(Object.fromEntries(files.map((f) => [f, dir + f])));
      wasm.setThreadsCount(threads);
    } else {
      await import('@tensorflow/tfjs-backend-cpu');
    }
    if (!(await tf.setBackend(backend))) return { tf: null, line: `skipped: TensorFlow.js backend '${backend}' did not initialise` };
    await tf.ready();
    const version = (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
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
