/**
 * Philox streams on the WebAssembly SIMD kernels (wat/philox.wat): bulk uniform and Rademacher fills that reproduce the
 * TypeScript streams of src/random bit for bit, and the fused bootstrap kernel (uniform → index → gather → sum, no
 * uniform array) on one thread or split over the worker pool of threads.ts. Every function returns false, having
 * written nothing, when the kernels are unavailable (no WebAssembly SIMD, TRACETAPE_WASM=0) so callers fall back to
 * their TypeScript loops.
 */
import { wasmRuntime } from './matmul.js';
import { threadedBootstrapMeans, threadsInEffect } from './threads.js';

/**
 * Fills of at least `fill` elements run on the wasm kernels; smaller ones stay on the TypeScript loop, whose cost (about
 * 0.3 µs a block) is then below the call and copy overhead. Bootstrap samples of at least `bootstrapCounts` values use
 * the byte-counter kernel (random accesses to n bytes instead of 8n: in cache for millions of values), smaller ones the
 * direct gather. Both give the same sums up to rounding; the choice depends on n only, never on the thread count.
 * Mutable for tuning and tests.
 */
export const philoxThresholds = { fill: 64, bootstrapCounts: 16384 };

/** Blocks generated per kernel call (the staging buffer holds CHUNK_BLOCKS · 32 bytes: 4 float64 values a block). */
const CHUNK_BLOCKS = 8192;
/** Per-thread scratch of the Philox kernels: 4 KiB of words, then 2 KiB of indices (the byte-counter kernel). */
const SCRATCH_BYTES = 8192;
const TWO32 = 4294967296;

interface FillArea { dst: number; scratch: number }
let area: FillArea | null = null;

/** The staging buffer and Philox scratch in the single-threaded kernels' memory, allocated once. */
function fillArea(): FillArea | null {
  if (area) return area;
  const rt = wasmRuntime();
  if (!rt) return null;
  const dst = rt.heap.alloc(CHUNK_BLOCKS * 32 + 64);
  const scratch = dst >= 0 ? rt.heap.alloc(SCRATCH_BYTES) : -1;
  if (scratch < 0) {
    if (dst >= 0) rt.heap.free(dst);
    return null;
  }
  area = { dst, scratch };
  return area;
}

/** Which stream a fill produces. */
export type PhiloxFillKind = 'uniform' | 'rademacher';

/**
 * Stream elements start .. start+out.length-1 of key (k0, k1) into `out`: 'uniform' uses the float64 (53-bit) recipe
 * for a Float64Array and the float32 (24-bit) recipe for a Float32Array, 'rademacher' gives ±1. False (nothing
 * written) below `philoxThresholds.fill` elements or without the kernels.
 */
export function wasmPhiloxFill(kind: PhiloxFillKind, k0: number, k1: number, out: Float64Array | Float32Array, start: number): boolean {
  const n = out.length;
  if (n < philoxThresholds.fill) return false;
  const rt = wasmRuntime();
  const a = rt ? fillArea() : null;
  if (!rt || !a) return false;
  const f64 = out instanceof Float64Array;
  const per = kind === 'uniform' ? 2 : 4;
  const kernel = kind === 'uniform' ? (f64 ? rt.k.philox_uniform_f64 : rt.k.philox_uniform_f32)
    : (f64 ? rt.k.philox_rademacher_f64 : rt.k.philox_rademacher_f32);
  let block = Math.floor(start / per);
  let skip = start - block * per;
  let done = 0;
  while (done < n) {
    const nb = Math.min(CHUNK_BLOCKS, Math.ceil((n - done + skip) / per));
    const lo = block % TWO32;
    kernel(k0, k1, lo, (block - lo) / TWO32, nb, a.dst, a.scratch);
    const m = Math.min(nb * per - skip, n - done);
    const buf = rt.k.memory.buffer;
    if (f64) (out as Float64Array).set(new Float64Array(buf, a.dst + 8 * skip, m), done);
    else (out as Float32Array).set(new Float32Array(buf, a.dst + 4 * skip, m), done);
    done += m;
    block += nb;
    skip = 0;
  }
  return true;
}

/**
 * Raw Philox words of stream blocks block .. block+nb-1 (nb ≤ 8192, counter (b mod 2^32, floor(b / 2^32), 0, 0)), as a
 * view of wasm memory in the SoA quad layout: word w of block block+j is at index 16·(j >> 2) + 4·w + (j & 3). The
 * view is valid until the next call. Null without the kernels.
 */
export function wasmPhiloxBlocks(k0: number, k1: number, block: number, nb: number): Uint32Array | null {
  const rt = wasmRuntime();
  const a = rt ? fillArea() : null;
  if (!rt || !a || nb > CHUNK_BLOCKS) return null;
  const nq = Math.ceil(nb / 4);
  const lo = block % TWO32;
  rt.k.philox_words(k0, k1, lo, (block - lo) / TWO32, 0, 0, nq, a.dst);
  return new Uint32Array(rt.k.memory.buffer, a.dst, 16 * nq);
}

/** Most blocks one wasmPhiloxBlocks call returns. */
export const PHILOX_BLOCKS_MAX = CHUNK_BLOCKS;

/**
 * out[j] = the mean of bootstrap resample start + j of `data`: n = data.length values data[floor(u_i·n)], with u the
 * float64 uniform stream of key foldIn((k0, k1), start + j), on `threads` threads (1: the single-threaded kernels; more:
 * the worker pool, results identical). False (nothing written) without the kernels or when wasm memory cannot hold the
 * data (then the caller's TypeScript loop computes the same values up to summation order).
 */
export function wasmBootstrapMeans(data: Float64Array, k0: number, k1: number, start: number, out: Float64Array, threads: number): boolean {
  const n = data.length, count = out.length;
  if (n === 0 || count === 0 || n >= 2 ** 29) return count === 0;
  const rt = wasmRuntime(); // null also under TRACETAPE_WASM=0, which must switch the worker pool's kernels off too
  if (!rt) return false;
  const useCounts = n >= philoxThresholds.bootstrapCounts;
  if (threads > 1 && threadedBootstrapMeans(data, k0, k1, start, out, threads, useCounts)) return true;
  const sd = rt.resident.stage(data);
  if (!sd) return false;
  const outPtr = rt.heap.alloc(8 * count);
  const scratchBytes = SCRATCH_BYTES + (useCounts ? Math.ceil(n / 64) * 64 : 0);
  const scratch = outPtr >= 0 ? rt.heap.alloc(scratchBytes) : -1;
  if (scratch < 0) {
    if (outPtr >= 0) rt.heap.free(outPtr);
    rt.resident.release(sd);
    return false;
  }
  if (useCounts) new Uint8Array(rt.k.memory.buffer, scratch, scratchBytes).fill(0);
  const rlo = start % TWO32;
  rt.k.bootstrap_means_f64(sd.ptr, n, k0, k1, rlo, (start - rlo) / TWO32, count, outPtr, scratch, useCounts ? scratch + SCRATCH_BYTES : 0);
  out.set(new Float64Array(rt.k.memory.buffer, outPtr, count));
  rt.heap.free(scratch);
  rt.heap.free(outPtr);
  rt.resident.release(sd);
  return true;
}

/** Threads the bootstrap kernel uses by default: those of the wasm thread setting (setWasmThreads / TRACETAPE_WASM_THREADS). */
export function defaultPhiloxThreads(): number {
  return threadsInEffect();
}
