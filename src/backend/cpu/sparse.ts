/** Float64 TypeScript CSR sparse-matrix product over c interleaved columns. */
import type { TypedArray } from '../../tensor/dtype.js';

/** out (rows×c) = A x for A in CSR form (indptr, indices, values); x is (cols×c), row-major. */
export function csrProduct(indptr: Int32Array, indices: Int32Array, values: TypedArray, x: TypedArray, out: TypedArray, rows: number, c: number): void {
  if (c === 1) {
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let p = indptr[i], e = indptr[i + 1]; p < e; p++) s += values[p] * x[indices[p]];
      out[i] = s;
    }
    return;
  }
  for (let i = 0; i < rows; i++) {
    const o = i * c;
    for (let q = 0; q < c; q++) out[o + q] = 0;
    for (let p = indptr[i], e = indptr[i + 1]; p < e; p++) {
      const a = values[p], xr = indices[p] * c;
      for (let q = 0; q < c; q++) out[o + q] += a * x[xr + q];
    }
  }
}
