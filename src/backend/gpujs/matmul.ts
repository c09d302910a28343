/** gpu.js batched matmul and matvec kernels (float32): one thread per output entry, inner products over k. */
import type { TypedArray } from '../../tensor/dtype.js';
import { gpujsContext } from './context.js';

/** out[t] (m×n) = a[t] (m×k) · b[t] (k×n) for every batch t, with per-batch start offsets. */
export function gpujsMatmul(a: TypedArray, b: TypedArray, out: TypedArray, m: number, k: number, n: number, aOffsets: Int32Array, bOffsets: Int32Array): void {
  const batch = aOffsets.length;
  const ctx = gpujsContext();
  if (n === 1 && batch === 1) {
    // Matvec: one thread per row, lanes over rows.
    const src = `function (a, x, ao, xo) {
      const r = ao + this.thread.x * this.constants.k;
      let s0 = 0; let s1 = 0;
      for (let p = 0; p < this.constants.k2; p++) { s0 += a[r + 2 * p] * x[xo + 2 * p]; s1 += a[r + 2 * p + 1] * x[xo + 2 * p + 1]; }
      if (this.constants.odd > 0) { s0 += a[r + this.constants.k - 1] * x[xo + this.constants.k - 1]; }
      return s0 + s1;
    }`;
    const kern = ctx.kernel(`gemv:${m}:${k}`, src, [m], { k, k2: k >> 1, odd: k & 1 }, k);
    out.set(kern(a, b, aOffsets[0], bOffsets[0]));
    return;
  }
  const src = `function (a, b, ao, bo) {
    const t = this.thread.z; const i = this.thread.y; const j = this.thread.x;
    const ar = ao[t] + i * this.constants.k;
    const bc = bo[t] + j;
    let s = 0;
    for (let p = 0; p < this.constants.k; p++) { s += a[ar + p] * b[bc + p * this.constants.n]; }
    return s;
  }`;
  const kern = ctx.kernel(`gemm:${batch}:${m}:${k}:${n}`, src, [n, m, batch], { k, n }, k);
  out.set(kern(a, b, Float32Array.from(aOffsets), Float32Array.from(bOffsets)));
}
