/**
 * Elementwise and reduction loops on the WebAssembly SIMD kernels (wat/elementwise.wat), float64. The operands are
 * streamed through one small staging buffer in wasm memory, CHUNK elements at a time (it stays in the L2 cache, so
 * the copies in and out cost a few cache-resident memcpys per chunk instead of growing wasm memory by the array size).
 *
 * Only `exp` is wired into the cpu backend (above `wasmElementwiseThresholds.exp`): bench/wasm.bench.ts measures the
 * TypeScript loops against these kernels, copies included, and the binary ops and reductions do not win there (their
 * TypeScript loops already run near the memory or load-port limit; see the bench section "elementwise and reductions").
 * The other entry points stay for that measurement.
 */
import { wasmRuntime } from './matmul.js';

/** Elements per chunk (64 KiB per staged operand). */
const CHUNK = 8192;

/**
 * Sizes (elements) from which the cpu backend runs exp on the wasm kernel; below them the call and copy overhead
 * (about 1 µs) outweigh the SIMD polynomial. Measured crossover (2-core EPYC, Node 20, under load): 64 elements
 * 1.8 µs wasm vs 2.0 µs Math.exp loop, 32 elements 1.6 vs 1.3 µs. Mutable for tuning and tests.
 */
export const wasmElementwiseThresholds = { exp: 128 };

let staging = -1;

/** Byte address of the staging buffer (three operands of CHUNK elements plus one element of slack), or -1. */
function stagingBuffer(): number {
  if (staging >= 0) return staging;
  const rt = wasmRuntime();
  if (!rt) return -1;
  staging = rt.heap.alloc((3 * CHUNK + 2) * 8);
  return staging;
}

/** out[i] = e^a[i] on the SIMD kernel (relative error ≤ 4·2⁻⁵³ against Math.exp, see the tests); false when unavailable. */
export function wasmExp(a: Float64Array, out: Float64Array): boolean {
  const base = stagingBuffer();
  if (base < 0) return false;
  const k = wasmRuntime()!.k;
  const heap = new Float64Array(k.memory.buffer);
  const at = base >> 3;
  const n = out.length;
  for (let s = 0; s < n; s += CHUNK) {
    const len = Math.min(CHUNK, n - s);
    heap.set(a.subarray(s, s + len), at);
    k.exp_f64(base, base, len);
    out.set(heap.subarray(at, at + len), s);
  }
  return true;
}

/** out = a + b or a · b (same lengths) on the SIMD kernels; false when unavailable. For the benchmark. */
export function wasmBinary(op: 'add' | 'mul', a: Float64Array, b: Float64Array, out: Float64Array): boolean {
  const base = stagingBuffer();
  if (base < 0) return false;
  const k = wasmRuntime()!.k;
  const heap = new Float64Array(k.memory.buffer);
  const at = base >> 3, bt = at + CHUNK, pb = base + CHUNK * 8;
  const fn = op === 'add' ? k.add_f64 : k.mul_f64;
  const n = out.length;
  for (let s = 0; s < n; s += CHUNK) {
    const len = Math.min(CHUNK, n - s);
    heap.set(a.subarray(s, s + len), at);
    heap.set(b.subarray(s, s + len), bt);
    fn(base, pb, base, len);
    out.set(heap.subarray(at, at + len), s);
  }
  return true;
}

/** Σ a[i]·b[i] on the SIMD kernel (four vector accumulators per chunk), or null when unavailable. For the benchmark. */
export function wasmDot(a: Float64Array, b: Float64Array): number | null {
  const base = stagingBuffer();
  if (base < 0) return null;
  const k = wasmRuntime()!.k;
  const heap = new Float64Array(k.memory.buffer);
  const at = base >> 3, bt = at + CHUNK, pb = base + CHUNK * 8;
  let total = 0;
  for (let s = 0; s < a.length; s += CHUNK) {
    const len = Math.min(CHUNK, a.length - s);
    heap.set(a.subarray(s, s + len), at);
    heap.set(b.subarray(s, s + len), bt);
    total += k.dot_f64(base, pb, len);
  }
  return total;
}

/** Σ a[i] on the SIMD kernel, copying chunk by chunk (not resident), or null when unavailable. For the benchmark. */
export function wasmSumChunked(a: Float64Array): number | null {
  const base = stagingBuffer();
  if (base < 0) return null;
  const k = wasmRuntime()!.k;
  const heap = new Float64Array(k.memory.buffer);
  const at = base >> 3;
  let total = 0;
  for (let s = 0; s < a.length; s += CHUNK) {
    const len = Math.min(CHUNK, a.length - s);
    heap.set(a.subarray(s, s + len), at);
    total += k.sum_f64(base, len);
  }
  return total;
}
