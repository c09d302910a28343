/** gpu.js kernel-matrix products for stationary kernels (float32), evaluated on the fly: one thread per output entry. */
import type { TypedArray } from '../../tensor/dtype.js';
import type { StationaryFamily } from '../types.js';
import { gpujsContext } from './context.js';

/** Kernel-language statements computing `w` = φ_order from `r2` (same formulas as the cpu loops in cpu/stationary.ts). */
function profileSource(family: StationaryFamily, order: number): string {
  if (family === 'rbf') return `const w = ${(order & 1) === 1 ? '-' : ''}Math.exp(-0.5 * r2);`;
  if (family === 'matern32') {
    return `const s = 1.7320508075688772 * Math.sqrt(r2); const e = Math.exp(-s); const w = ${order === 0 ? '(1 + s) * e' : '-3 * e'};`;
  }
  const w = order === 0 ? '(1 + s + s * s / 3) * e' : order === 1 ? '-1.6666666666666667 * (1 + s) * e' : '8.333333333333334 * e';
  return `const s = 2.23606797749979 * Math.sqrt(r2); const e = Math.exp(-s); const w = ${w};`;
}

/** out[i·c + q] = Σ_j φ_order(‖x1_i − x2_j‖) v[j·c + q]; the n×m matrix is never formed (each thread loops over j). */
export function gpujsKernelProduct(family: StationaryFamily, order: number, x1: TypedArray, x2: TypedArray, v: TypedArray, out: TypedArray, n: number, m: number, d: number, c: number): void {
  const ctx = gpujsContext();
  const prof = profileSource(family, order);
  if (c === 1) {
    const src = `function (x1, x2, v) {
      const xi = this.thread.x * this.constants.d;
      let acc = 0;
      for (let j = 0; j < this.constants.m; j++) {
        let r2 = 0;
        for (let k = 0; k < this.constants.d; k++) { const t = x1[xi + k] - x2[j * this.constants.d + k]; r2 += t * t; }
        ${prof}
        acc += w * v[j];
      }
      return acc;
    }`;
    const k = ctx.kernel(`kp:${family}:${order}:${n}:${m}:${d}:1`, src, [n], { m, d }, Math.max(m, d));
    out.set(k(x1, x2, v));
    return;
  }
  const src = `function (x1, x2, v) {
    const xi = this.thread.y * this.constants.d;
    const q = this.thread.x;
    let acc = 0;
    for (let j = 0; j < this.constants.m; j++) {
      let r2 = 0;
      for (let k = 0; k < this.constants.d; k++) { const t = x1[xi + k] - x2[j * this.constants.d + k]; r2 += t * t; }
      ${prof}
      acc += w * v[j * this.constants.c + q];
    }
    return acc;
  }`;
  const k = ctx.kernel(`kp:${family}:${order}:${n}:${m}:${d}:${c}`, src, [c, n], { m, d, c }, Math.max(m, d));
  out.set(k(x1, x2, v));
}
