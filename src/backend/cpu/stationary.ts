/** Float64 TypeScript kernel-matrix products for stationary kernels (RBF, Matérn-3/2, Matérn-5/2), evaluated on the fly. */
import type { TypedArray } from '../../tensor/dtype.js';
import type { StationaryFamily } from '../types.js';
import { expNonPositive } from './exp.js';
import { wasmKernelProduct } from '../wasm/index.js';

const SQRT3 = Math.sqrt(3);
const SQRT5 = Math.sqrt(5);

/** The highest profile order φ_p that is finite at r = 0 for each family (RBF: every order; we cap at 16). */
export const MAX_ORDER: Record<StationaryFamily, number> = { rbf: 16, matern32: 1, matern52: 2 };

/**
 * φ_p(r) from r² for one family and order: φ_0 = k, φ_{p+1} = φ_p'(r)/r.
 * rbf: (−1)^p e^{−r²/2}; matern32: (1+s)e^{−s}, −3e^{−s} (s = √3 r); matern52: (1+s+s²/3)e^{−s}, −(5/3)(1+s)e^{−s}, (25/3)e^{−s} (s = √5 r).
 */
export function profile(family: StationaryFamily, order: number, r2: number): number {
  if (family === 'rbf') { const e = expNonPositive(-0.5 * r2); return (order & 1) === 1 ? -e : e; }
  if (family === 'matern32') {
    const s = SQRT3 * Math.sqrt(r2), e = expNonPositive(-s);
    return order === 0 ? (1 + s) * e : -3 * e;
  }
  const s = SQRT5 * Math.sqrt(r2), e = expNonPositive(-s);
  return order === 0 ? (1 + s + s * s / 3) * e : order === 1 ? (-5 / 3) * (1 + s) * e : (25 / 3) * e;
}

/**
 * out[i·c + q] = Σ_j φ_order(‖x1_i − x2_j‖) v[j·c + q]: on the WebAssembly SIMD kernel (src/backend/wasm/kernel-product.ts)
 * from kernelWasmThresholds.pairs pairs on, else with the TypeScript loops below.
 */
export function kernelProduct(family: StationaryFamily, order: number, x1: TypedArray, x2: TypedArray, v: TypedArray, out: TypedArray, n: number, m: number, d: number, c: number): void {
  if (wasmKernelProduct(family, order, x1, x2, v, out, n, m, d, c)) return;
  kernelProductTS(family, order, x1, x2, v, out, n, m, d, c);
}

/**
 * The TypeScript kernel product (reference and fallback). Row by row: each kernel value is computed once and used for
 * all c columns; memory is O(1) beyond the inputs (the n×m matrix never exists).
 */
export function kernelProductTS(family: StationaryFamily, order: number, x1: TypedArray, x2: TypedArray, v: TypedArray, out: TypedArray, n: number, m: number, d: number, c: number): void {
  if (x1 === x2 && n === m) { symmetricProduct(family, order, x1, v, out, n, d, c); return; }
  const rbf = family === 'rbf';
  const sign = (order & 1) === 1 ? -1 : 1;
  for (let i = 0; i < n; i++) {
    const xi = i * d;
    const oi = i * c;
    if (c === 1) {
      let acc0 = 0, acc1 = 0;
      let j = 0;
      for (; j + 1 < m; j += 2) {
        const xa = j * d, xb = xa + d;
        let ra = 0, rb = 0;
        for (let k = 0; k < d; k++) {
          const p = x1[xi + k];
          const da = p - x2[xa + k], db = p - x2[xb + k];
          ra += da * da; rb += db * db;
        }
        if (rbf) { acc0 += expNonPositive(-0.5 * ra) * v[j]; acc1 += expNonPositive(-0.5 * rb) * v[j + 1]; }
        else { acc0 += profile(family, order, ra) * v[j]; acc1 += profile(family, order, rb) * v[j + 1]; }
      }
      for (; j < m; j++) {
        const xa = j * d;
        let ra = 0;
        for (let k = 0; k < d; k++) { const da = x1[xi + k] - x2[xa + k]; ra += da * da; }
        acc0 += (rbf ? expNonPositive(-0.5 * ra) : profile(family, order, ra)) * v[j];
      }
      out[oi] = rbf ? sign * (acc0 + acc1) : acc0 + acc1;
      continue;
    }
    for (let q = 0; q < c; q++) out[oi + q] = 0;
    for (let j = 0; j < m; j++) {
      const xj = j * d;
      let r2 = 0;
      for (let k = 0; k < d; k++) { const dd = x1[xi + k] - x2[xj + k]; r2 += dd * dd; }
      const w = profile(family, order, r2);
      const vj = j * c;
      for (let q = 0; q < c; q++) out[oi + q] += w * v[vj + q];
    }
  }
}

/**
 * The square case x1 = x2: each unordered pair {i, j} is evaluated once and used for both out_i and out_j (half the
 * kernel evaluations of the general loop); φ_p(0) contributes the diagonal.
 */
function symmetricProduct(family: StationaryFamily, order: number, x: TypedArray, v: TypedArray, out: TypedArray, n: number, d: number, c: number): void {
  const w0 = profile(family, order, 0);
  for (let i = 0; i < n * c; i++) out[i] = w0 * v[i];
  const rbf = family === 'rbf';
  const sign = (order & 1) === 1 ? -1 : 1;
  for (let i = 0; i < n; i++) {
    const xi = i * d;
    if (c === 1) {
      let acc = 0;
      const vi = v[i];
      for (let j = i + 1; j < n; j++) {
        const xj = j * d;
        let r2 = 0;
        for (let k = 0; k < d; k++) { const t = x[xi + k] - x[xj + k]; r2 += t * t; }
        const w = rbf ? sign * expNonPositive(-0.5 * r2) : profile(family, order, r2);
        acc += w * v[j];
        out[j] += w * vi;
      }
      out[i] += acc;
      continue;
    }
    const oi = i * c;
    for (let j = i + 1; j < n; j++) {
      const xj = j * d;
      let r2 = 0;
      for (let k = 0; k < d; k++) { const t = x[xi + k] - x[xj + k]; r2 += t * t; }
      const w = profile(family, order, r2);
      const oj = j * c;
      for (let q = 0; q < c; q++) { out[oi + q] += w * v[oj + q]; out[oj + q] += w * v[oi + q]; }
    }
  }
}
