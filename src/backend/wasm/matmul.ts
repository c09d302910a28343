/**
 * Batched matmul and matvec on the WebAssembly SIMD kernels: stages the operands in wasm memory (resident copies of
 * repeatedly used matrices stay there), runs gemm/gemv per batch and copies the product out.
 */
import type { TypedArray } from '../../tensor/dtype.js';
import { wasmKernels, type KernelExports } from './module.js';
import { WasmHeap } from './heap.js';
import { ResidentArrays, type Staged } from './resident.js';
import { threadedMatmul } from './threads.js';

/**
 * Size thresholds (multiply-adds per call, m·k·n summed over batches) below which the TypeScript loops run: below them
 * the copies in and out and the call overhead cost more than the SIMD kernels save. Measured crossover (2-core EPYC,
 * Node 20, CPU time per call): gemm 8³ 1.3 µs wasm vs 0.55 µs TS, 12³ 1.6 vs 1.8, 16³ 2.2 vs 4.0; matvec 32² 1.6 vs
 * 1.4 µs, 64² 3.4 vs 5.3 µs. Mutable for tuning and tests.
 */
export const wasmThresholds = { matmul: 2048, matvec: 2048 };

interface Runtime {
  k: KernelExports;
  heap: WasmHeap;
  resident: ResidentArrays;
  work: number;
  workBytes: number;
}

let runtime: Runtime | null | undefined;

/** The kernels plus their allocator and cache, created on first use; null without WebAssembly SIMD. */
export function wasmRuntime(): Runtime | null {
  if (runtime !== undefined && runtime !== null) return runtime;
  const k = wasmKernels();
  if (!k) return null; // stays undefined so an asynchronous compilation can still take over later
  const heap = new WasmHeap(k.memory);
  runtime = { k, heap, resident: new ResidentArrays(heap, k.memory), work: -1, workBytes: 0 };
  return runtime;
}

/** Make sure the packing work buffer holds `bytes`; false when memory cannot grow. */
function ensureWork(rt: Runtime, bytes: number): boolean {
  if (rt.workBytes >= bytes) return true;
  if (rt.work >= 0) rt.heap.free(rt.work);
  rt.work = rt.heap.alloc(bytes);
  rt.workBytes = rt.work >= 0 ? bytes : 0;
  return rt.work >= 0;
}

/** Bytes of the packing buffers a gemm with n columns needs (packed A block, then packed B block). */
function workBytesFor(k: KernelExports, f64: boolean, n: number): number {
  const mc = (f64 ? k.F64_MC : k.F32_MC).value as number;
  const kc = (f64 ? k.F64_KC : k.F32_KC).value as number;
  const nc = (f64 ? k.F64_NC : k.F32_NC).value as number;
  const es = f64 ? 8 : 4;
  return mc * kc * es + kc * nc * es;
}

/**
 * out[t] (m×n) = a[aOffsets[t]…] (m×k) · b[bOffsets[t]…] (k×n) on the wasm kernels. Returns false (having written
 * nothing) when the call should run on the TypeScript loops instead: no WebAssembly SIMD, mixed dtypes, a size
 * under `wasmThresholds`, the first matvec with a large (≥ 64 KiB) matrix (or first product of fewer than 4 rows with a
 * large B), or wasm memory exhausted.
 */
export function wasmMatmul(a: TypedArray, b: TypedArray, out: TypedArray, m: number, k: number, n: number, aOffsets: Int32Array, bOffsets: Int32Array): boolean {
  const batches = aOffsets.length;
  const work = m * k * n * batches;
  if (work < (n === 1 ? wasmThresholds.matvec : wasmThresholds.matmul) || m === 0 || k === 0 || n === 0) return false;
  const f64 = a instanceof Float64Array;
  if (f64 ? !(b instanceof Float64Array && out instanceof Float64Array) : !(b instanceof Float32Array && out instanceof Float32Array)) return false;
  const rt = wasmRuntime();
  if (!rt) return false;
  // A single matvec reads its matrix once, so copying a large matrix in costs more than the TypeScript gemv saves:
  // the first time, let the TypeScript loops run; from the second use on (Lanczos, CG, probes) the matrix is resident.
  // Likewise a product with fewer rows than one micro-tile (m < 4) reads B once: rows of A times B run the
  // vector-matrix kernel (no packing), and a large B is copied in only from its second use.
  const rowwise = n > 1 && m < 4;
  // float64 with 2–4 right-hand sides: one gemv per column of B (see gemvColumns)
  const columnwise = f64 && !rowwise && n >= 2 && n <= 4;
  const packed = n > 1 && !rowwise && !columnwise;
  if (n === 1 && rt.resident.firstSight(a)) return false;
  if (rowwise && rt.resident.firstSight(b)) return false;
  const es = f64 ? 8 : 4;
  if (packed && threadedMatmul(a, b, out, m, k, n, aOffsets, bOffsets, workBytesFor(rt.k, f64, n))) return true;
  if (packed && !ensureWork(rt, workBytesFor(rt.k, f64, n))) return false;
  const sa = rt.resident.stage(a);
  if (!sa) return false;
  const sb = rt.resident.stage(b);
  if (!sb) { rt.resident.release(sa); return false; }
  const outPtr = rt.heap.alloc(out.byteLength);
  if (outPtr < 0) { release(rt, sa, sb); return false; }
  const scratch = columnwise ? rt.heap.alloc((k + m) * n * 8) : -1;
  if (columnwise && scratch < 0) { rt.heap.free(outPtr); release(rt, sa, sb); return false; }
  const { k: K } = rt;
  for (let t = 0; t < batches; t++) {
    const pa = sa.ptr + aOffsets[t] * es, pb = sb.ptr + bOffsets[t] * es, pc = outPtr + t * m * n * es;
    if (n === 1) {
      if (f64) K.gemv_f64(pa, pb, pc, m, k); else K.gemv_f32(pa, pb, pc, m, k);
    } else if (columnwise) {
      gemvColumns(K, pa, pb, pc, m, k, n, scratch);
    } else if (rowwise) {
      // each row of A times B is the transpose-matvec Bᵀ a_i (gemvt accumulates: out starts zeroed, fresh from the heap)
      new Uint8Array(K.memory.buffer, pc, m * n * es).fill(0);
      for (let i = 0; i < m; i++) {
        if (f64) K.gemvt_f64(pb, pa + i * k * es, pc + i * n * es, k, n); else K.gemvt_f32(pb, pa + i * k * es, pc + i * n * es, k, n);
      }
    } else if (f64) K.gemm_f64(pa, pb, pc, m, k, n, rt.work);
    else K.gemm_f32(pa, pb, pc, m, k, n, rt.work);
  }
  const mem = K.memory.buffer;
  if (f64) out.set(new Float64Array(mem, outPtr, out.length)); else out.set(new Float32Array(mem, outPtr, out.length));
  rt.heap.free(outPtr);
  if (scratch >= 0) rt.heap.free(scratch);
  release(rt, sa, sb);
  return true;
}

/**
 * C (m×n) = A (m×k) · B (k×n) for float64 and small n (2–4) as n matvecs: B's columns are copied into contiguous
 * vectors at `scratch` (k·n values, then m·n for the products), gemv_f64 runs once per column (streaming A at the read
 * bandwidth), and the products are interleaved into C. The packed gemm pads n to its 4-wide panels and copies A: on a
 * resident 2,048² A it measured 2.9×, 1.9×, 1.5× slower per CPU-second for n = 2, 3, 4, about even at n = 6 and faster
 * from n = 8 (bench/gemvt.bench.ts, batched-matvec table).
 */
function gemvColumns(K: KernelExports, pa: number, pb: number, pc: number, m: number, k: number, n: number, scratch: number): void {
  const mem = K.memory.buffer;
  const B = new Float64Array(mem, pb, k * n), cols = new Float64Array(mem, scratch, k * n);
  for (let p = 0; p < k; p++) for (let q = 0; q < n; q++) cols[q * k + p] = B[p * n + q];
  const tmp = scratch + k * n * 8;
  for (let q = 0; q < n; q++) K.gemv_f64(pa, scratch + q * k * 8, tmp + q * m * 8, m, k);
  const C = new Float64Array(mem, pc, m * n), T = new Float64Array(mem, tmp, m * n);
  for (let i = 0; i < m; i++) for (let q = 0; q < n; q++) C[i * n + q] = T[q * m + i];
}

function release(rt: Runtime, sa: Staged, sb: Staged): void {
  rt.resident.release(sa);
  rt.resident.release(sb);
}

/**
 * Σ a over all entries on the wasm kernels (float64; four vector accumulators, so the order of summation differs from a
 * sequential loop), or null without the kernels. A large array is resident from its second use on, which makes this
 * a read-bandwidth probe of wasm memory.
 */
export function wasmSum(a: Float64Array): number | null {
  const rt = wasmRuntime();
  if (!rt) return null;
  const s = rt.resident.stage(a);
  if (!s) return null;
  const total = rt.k.sum_f64(s.ptr, a.length);
  rt.resident.release(s);
  return total;
}
