/**
 * Elementwise and reduction loops on the WebAssembly SIMD kernels (wat/elementwise.wat), float64. The operands are
 * streamed through one small staging buffer in wasm memory, CHUNK elements at a time (it stays in the L2 cache, so
 * the copies in and out are cache-resident memcpys per chunk, and wasm memory does not grow with the array size).
 *
 * The cpu backend uses them above `wasmElementwiseThresholds` (bench/wasm.bench.ts, section "elementwise and
 * reductions", measures each against the TypeScript loop it replaces, copies included): exp (SIMD polynomial vs
 * Math.exp), same-length add/sub/mul/div (bitwise identical results; V8's scalar typed-array loop costs more per
 * element than three memcpys and a SIMD pass) and row sums (four f64x2 accumulators). wasmDot is measured only: the
 * cpu backend's dot is a 1×n·n×1 matmul, which already runs the wasm matvec kernel with resident operands.
 */
import { wasmRuntime } from './matmul.js';

/** Elements per chunk (64 KiB per staged operand). */
const CHUNK = 8192;

/**
 * Sizes (elements) from which the cpu backend runs these kernels; below them the call and copy overhead (about 1 µs)
 * outweighs the SIMD loop. Measured crossovers (2-core EPYC, Node 20, CPU time, machine shared with other jobs): exp
 * 64 elements 1.8 µs wasm vs 2.0 µs Math.exp, 32 elements 1.6 vs 1.3 µs; add 300 elements 2.9 vs 4.7 ns/element,
 * 100 elements 6.4 vs 5.1; sum 300 elements 1.3 vs 1.5 ns/element, 100 elements 3.0 vs 1.3. Mutable for tuning and tests.
 */
export const wasmElementwiseThresholds = { exp: 128, binary: 512, sum: 1024 };

let staging = -1;

/**
 * Byte address of the staging buffer, allocated once and kept (128 KiB: two operands of CHUNK elements, plus slack for
 * exp_f64's write one past an odd count), or -1 without the kernels or when wasm memory cannot grow.
 */
function stagingBuffer(): number {
  if (staging >= 0) return staging;
  const rt = wasmRuntime();
  if (!rt) return -1;
  staging = rt.heap.alloc((2 * CHUNK + 2) * 8);
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

/** Binary ops with a wasm kernel (IEEE operations, so the results are bitwise those of the TypeScript loops). */
export type WasmBinaryOp = 'add' | 'sub' | 'mul' | 'div';

/** out = a ∘ b elementwise (same lengths; out may alias a or b) on the SIMD kernels; false when unavailable. */
export function wasmBinary(op: WasmBinaryOp, a: Float64Array, b: Float64Array, out: Float64Array): boolean {
  const base = stagingBuffer();
  if (base < 0) return false;
  const k = wasmRuntime()!.k;
  const heap = new Float64Array(k.memory.buffer);
  const at = base >> 3, bt = at + CHUNK, pb = base + CHUNK * 8;
  const fn = op === 'add' ? k.add_f64 : op === 'sub' ? k.sub_f64 : op === 'mul' ? k.mul_f64 : k.div_f64;
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

/** Σ a[i]·b[i] on the SIMD kernel (four vector accumulators per chunk), or null when unavailable (measured in the bench only). */
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

/**
 * Σ a[off … off+len) on the SIMD kernel (four f64x2 accumulators per chunk, chunk totals added in order), copying chunk
 * by chunk; null when unavailable. The order of summation differs from a sequential loop: both are within
 * 2(len+2)·2⁻⁵³·Σ|a| of the exact sum.
 */
export function wasmSumChunked(a: Float64Array, off = 0, len = a.length - off): number | null {
  const base = stagingBuffer();
  if (base < 0) return null;
  const k = wasmRuntime()!.k;
  const heap = new Float64Array(k.memory.buffer);
  const at = base >> 3, end = off + len;
  let total = 0;
  for (let s = off; s < end; s += CHUNK) {
    const m = Math.min(CHUNK, end - s);
    heap.set(a.subarray(s, s + m), at);
    total += k.sum_f64(base, m);
  }
  return total;
}
