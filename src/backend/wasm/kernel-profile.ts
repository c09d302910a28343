/** The two profile shapes of the wasm kernel product (wat/kernel.wat) and the host helpers its callers share. */
import type { TypedArray } from '../../tensor/dtype.js';
import type { StationaryFamily } from '../types.js';
import type { KernelExports } from './module.js';
import type { ResidentArrays, Staged } from './resident.js';
import type { WasmHeap } from './heap.js';

/** The profile of one family and order in the kernel's two shapes (see wat/kernel.wat). */
export interface ProfileShape {
  /** 0: RBF, w = c0·e^{−r²/2}; 1: Matérn, w = (c0 + c1·s + c2·s²)·e^{−s} with s = a·r (deg 0: c0·e^{−s}). */
  mode: number;
  /** Matérn scale of r: √3 or √5 (unused for RBF). */
  a: number;
  /** Constant coefficient (RBF: the sign (−1)^order). */
  c0: number;
  /** Coefficient of s (Matérn). */
  c1: number;
  /** Coefficient of s² (Matérn). */
  c2: number;
  /** 0 when the factor is the constant c0 alone (then s = ∞ gives 0 like the TypeScript profile, not 0·∞ = NaN). */
  deg: number;
}

const SQRT3 = Math.sqrt(3), SQRT5 = Math.sqrt(5);

/**
 * φ_order of a family as a ProfileShape (φ_0 = k, φ_{p+1} = φ_p'(r)/r), or null for an order that does not exist at
 * r = 0 (Matérn-3/2 above 1, Matérn-5/2 above 2: the TypeScript path raises the error for those).
 */
export function profileShape(family: StationaryFamily, order: number): ProfileShape | null {
  if (family === 'rbf') return { mode: 0, a: 0, c0: (order & 1) === 1 ? -1 : 1, c1: 0, c2: 0, deg: 0 };
  if (family === 'matern32') {
    if (order === 0) return { mode: 1, a: SQRT3, c0: 1, c1: 1, c2: 0, deg: 1 };
    if (order === 1) return { mode: 1, a: SQRT3, c0: -3, c1: 0, c2: 0, deg: 0 };
    return null;
  }
  if (order === 0) return { mode: 1, a: SQRT5, c0: 1, c1: 1, c2: 1 / 3, deg: 2 };
  if (order === 1) return { mode: 1, a: SQRT5, c0: -5 / 3, c1: -5 / 3, c2: 0, deg: 1 };
  if (order === 2) return { mode: 1, a: SQRT5, c0: 25 / 3, c1: 0, c2: 0, deg: 0 };
  return null;
}

/** Bytes of the per-thread work area of kprod_f64 / kprod_sym_f64: transposed point block, tile, junk row, zero row. */
export function kernelWorkBytes(d: number, c: number): number {
  return d * 1024 + 4096 + 16 * c;
}

/** An operand in wasm memory as float64: resident/cached for Float64Array, a converted transient copy otherwise. */
export function stageF64(resident: ResidentArrays, heap: WasmHeap, memory: WebAssembly.Memory, arr: TypedArray): Staged | null {
  if (arr instanceof Float64Array) return resident.stage(arr);
  const ptr = heap.alloc(arr.length * 8);
  if (ptr < 0) return null;
  new Float64Array(memory.buffer, ptr, arr.length).set(arr);
  return { ptr, entry: null };
}

/** The three operands of a kernel product staged in wasm memory (x2 shares x1's staging when x2 === x1). */
export interface StagedOperands { x1: number; x2: number; v: number; staged: Staged[] }

/**
 * Stage x1, x2 (once when x2 === x1) and v as float64 in wasm memory, or null (with everything staged so far released)
 * when memory cannot grow; release the result with `releaseStaged`.
 */
export function stageOperands(resident: ResidentArrays, heap: WasmHeap, memory: WebAssembly.Memory, x1: TypedArray, x2: TypedArray, v: TypedArray): StagedOperands | null {
  const staged: Staged[] = [];
  for (const arr of x2 === x1 ? [x1, v] : [x1, x2, v]) {
    const s = stageF64(resident, heap, memory, arr);
    if (!s) { releaseStaged(resident, staged); return null; }
    staged.push(s);
  }
  const [s1, s2, sv] = x2 === x1 ? [staged[0], staged[0], staged[1]] : staged;
  return { x1: s1.ptr, x2: s2.ptr, v: sv.ptr, staged };
}

/** Release what stageOperands staged. */
export function releaseStaged(resident: ResidentArrays, staged: readonly Staged[]): void {
  for (const s of staged) resident.release(s);
}

/** Run kprod_f64 on rows [i0, i1) with the given addresses. */
export function callKprod(ex: KernelExports, s: ProfileShape, x1: number, x2: number, v: number, out: number, m: number, d: number, c: number, work: number, i0: number, i1: number): void {
  ex.kprod_f64(s.mode, s.a, s.c0, s.c1, s.c2, s.deg, x1, x2, v, out, m, d, c, work, i0, i1);
}

