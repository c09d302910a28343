/** gpu.js CSR product (float32): one thread per output entry, a bounded loop over the row's nonzeros. */
import type { TypedArray } from '../../tensor/dtype.js';
import { gpujsContext } from './context.js';

/** out (rows×c) = A x for CSR A; the loop bound is the longest row (gpu.js loops need a fixed maximum). */
export function gpujsCsrProduct(indptr: Int32Array, indices: Int32Array, values: TypedArray, x: TypedArray, out: TypedArray, rows: number, c: number): void {
  let maxRow = 1;
  for (let i = 0; i < rows; i++) maxRow = Math.max(maxRow, indptr[i + 1] - indptr[i]);
  const src = `function (indptr, indices, values, x) {
    const i = this.thread.y; const q = this.thread.x;
    const start = indptr[i]; const end = indptr[i + 1];
    let s = 0;
    for (let t = 0; t < this.constants.maxRow; t++) {
      const p = start + t;
      if (p >= end) { break; }
      s += values[p] * x[indices[p] * this.constants.c + q];
    }
    return s;
  }`;
  const k = gpujsContext().kernel(`csr:${rows}:${c}:${indices.length}:${maxRow}`, src, [c, rows], { maxRow, c }, maxRow);
  out.set(k(Float32Array.from(indptr), Float32Array.from(indices), values, x));
}
