/**
 * Stationary kernel-matrix products (RBF, Matérn-3/2, Matérn-5/2; every profile order the VJPs use) on the WebAssembly
 * SIMD kernels `kprod_f64` / `kprod_sym_f64` (wat/kernel.wat): stages the points and the block of vectors in wasm
 * memory (float64 arrays that come back, such as the points of a kernel matrix multiplied many times, stay resident),
 * runs the blocked kernel on one thread (the square case x1 = x2 evaluating each unordered pair once) or split by rows
 * over the worker pool, and copies the product out.
 */
import type { TypedArray } from '../../tensor/dtype.js';
import type { StationaryFamily } from '../types.js';
import { wasmRuntime } from './matmul.js';
import { threadedKernelProduct } from './kernel-threads.js';
import { callKprod, kernelWorkBytes, profileShape, releaseStaged, stageOperands } from './kernel-profile.js';

/**
 * Size thresholds below which the TypeScript loops run (mutable, for tuning and tests): `pairs` = n·m kernel
 * evaluations per call (under ~1,000 pairs the staging copies and the call cost more than the SIMD loop saves).
 */
export const kernelWasmThresholds = { pairs: 1024 };

/**
 * out[i·c + q] = Σ_j φ_order(‖x1_i − x2_j‖) v[j·c + q] on the wasm kernel (the Backend.kernelProduct contract).
 * Returns false, having written nothing, when the TypeScript loops should run instead: no WebAssembly SIMD, fewer than
 * `kernelWasmThresholds.pairs` pairs, an order the family does not have, or wasm memory exhausted. Arithmetic is
 * float64 whatever the arrays' dtypes (float32 inputs are widened, the result rounded once on the way out), as in the
 * TypeScript loops.
 */
export function wasmKernelProduct(family: StationaryFamily, order: number, x1: TypedArray, x2: TypedArray, v: TypedArray, out: TypedArray, n: number, m: number, d: number, c: number): boolean {
  if (n * m < kernelWasmThresholds.pairs || n === 0 || c === 0) return false;
  const shape = profileShape(family, order);
  if (!shape) return false;
  if (threadedKernelProduct(shape, x1, x2, v, out, n, m, d, c)) return true;
  const rt = wasmRuntime();
  if (!rt) return false;
  const { heap, resident } = rt, mem = rt.k.memory;
  const ops = stageOperands(resident, heap, mem, x1, x2, v);
  if (!ops) return false;
  const done = (ok: boolean): boolean => { releaseStaged(resident, ops.staged); return ok; };
  const outPtr = heap.alloc(n * c * 8);
  if (outPtr < 0) return done(false);
  const work = heap.alloc(kernelWorkBytes(d, c));
  if (work < 0) { heap.free(outPtr); return done(false); }
  // the square case x1 = x2 evaluates each unordered pair once (kprod_sym_f64); otherwise every pair (kprod_f64)
  if (x2 === x1 && m === n) rt.k.kprod_sym_f64(shape.mode, shape.a, shape.c0, shape.c1, shape.c2, shape.deg, ops.x1, ops.v, outPtr, n, d, c, work);
  else callKprod(rt.k, shape, ops.x1, ops.x2, ops.v, outPtr, m, d, c, work, 0, n);
  out.set(new Float64Array(mem.buffer, outPtr, n * c));
  heap.free(work);
  heap.free(outPtr);
  return done(true);
}
