/**
 * random.fillBootstrapMeans: means of with-replacement (bootstrap) resamples of a sample, drawn from the counter stream,
 * one fused kernel per resample (uniform → index → gather → sum; no index or uniform array is ever materialised).
 */
import { Tensor } from '../tensor/index.js';
import { TracetapeError, check, checkOptions, describe } from '../util/errors.js';
import { type PRNGKey, checkKey, foldIn } from './key.js';
import { fillUniformRaw } from './streams.js';
import { defaultPhiloxThreads, wasmBootstrapMeans } from '../backend/wasm/index.js';

/** Options of random.fillBootstrapMeans. */
export interface BootstrapMeansOptions {
  /** Index of the first resample (default 0): out[j] is resample start + j, so chunks of resamples can be filled separately. */
  start?: number;
  /**
   * Threads (the main one included) sharing the resamples (default: the wasm thread setting, `TRACETAPE_WASM_THREADS`,
   * normally 1), on the wasm worker pool: in Node, or in a cross-origin isolated browser page, where only workers that have
   * already started take part (see `wasmThreadsReady`). The results are identical for every thread count.
   */
  threads?: number;
}

/** Uniforms per block of the TypeScript fallback's scratch. */
const FALLBACK_BLOCK = 4096;

/**
 * Fill `out` with bootstrap resample means of `data` (n values, a 1-D float64/float32 Tensor or typed array):
 * out[j] = (1/n) Σ_{i<n} data[floor(u_i · n)], with u the float64 uniform stream (53-bit recipe, elements 0 .. n-1) of
 * `foldIn(key, start + j)`, i.e. exactly `uniform(foldIn(key, start + j), [n])`. Constant memory whatever the number
 * of resamples. On the WebAssembly SIMD kernels (float64 data) the indices never leave registers; elsewhere (float32
 * data, TRACETAPE_WASM=0, a browser without SIMD) a TypeScript loop computes the same sums, which may differ in the
 * last bits (summation order, ≤ 1e-12 relative in the tests). Not differentiable (it returns plain numbers).
 */
export function fillBootstrapMeans(key: PRNGKey, data: Tensor | Float64Array | Float32Array, out: Float64Array, options: BootstrapMeansOptions = {}): void {
  const fn = 'random.fillBootstrapMeans';
  checkKey(fn, key);
  let x: Float64Array | Float32Array;
  if (data instanceof Tensor) {
    check(data.shape.length === 1, fn, () => `data must be 1-D, received shape [${data.shape.join(',')}]`);
    x = data._data as Float64Array | Float32Array;
  } else if (data instanceof Float64Array || data instanceof Float32Array) {
    x = data;
  } else {
    throw new TracetapeError(fn, `data must be a 1-D Tensor, Float64Array or Float32Array, received ${describe(data)}`);
  }
  check(x.length >= 1, fn, () => 'data must hold at least one value, received an empty sample');
  check(out instanceof Float64Array, fn, () => `out must be a Float64Array, received ${describe(out)}`);
  check(typeof options === 'object' && options !== null && !Array.isArray(options), fn, () => `options must be an object, received ${describe(options)}`);
  checkOptions(fn, options, ['start', 'threads']);
  const start = options.start ?? 0;
  check(typeof start === 'number' && Number.isInteger(start) && start >= 0 && start + out.length <= 2 ** 53, fn,
    () => `options.start must be an integer with 0 <= start and start + out.length <= 2^53, received ${describe(start)}`);
  const threads = options.threads ?? defaultPhiloxThreads();
  check(typeof threads === 'number' && Number.isInteger(threads) && threads >= 1, fn,
    () => `options.threads must be a positive integer, received ${describe(threads)}`);
  if (out.length === 0) return;
  if (x instanceof Float64Array && wasmBootstrapMeans(x, key.k0, key.k1, start, out, threads)) return;
  bootstrapMeansTs(key, x, out, start);
}

/** The TypeScript reference: resample by resample, uniforms in blocks, sequential sum. */
function bootstrapMeansTs(key: PRNGKey, x: Float64Array | Float32Array, out: Float64Array, start: number): void {
  const n = x.length;
  const u = new Float64Array(Math.min(FALLBACK_BLOCK, n));
  for (let j = 0; j < out.length; j++) {
    const k = foldIn(key, start + j);
    let sum = 0;
    for (let b = 0; b < n; b += u.length) {
      const m = Math.min(u.length, n - b);
      const ub = m === u.length ? u : u.subarray(0, m);
      fillUniformRaw(k, ub, b, 53);
      for (let i = 0; i < m; i++) sum += x[Math.floor(ub[i] * n)];
    }
    out[j] = sum / n;
  }
}
