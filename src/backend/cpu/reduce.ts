/** Float64/float32 reduction kernel: sum over the middle axis of an (outer × len × inner) array (TypeScript; wasm SIMD for long float64 rows). */
import type { TypedArray } from '../../tensor/dtype.js';
import { wasmSumChunked, wasmElementwiseThresholds } from '../wasm/elementwise.js';

/** out[o·inner + i] = Σ_l a[(o·len + l)·inner + i]; `out` must be zero-filled. */
export function sumAxis(a: TypedArray, out: TypedArray, outer: number, len: number, inner: number): void {
  if (inner === 1) {
    // float64 rows from wasmElementwiseThresholds.sum elements: the wasm SIMD sum (bench/wasm.bench.ts); another
    // summation order, within the same 2(len+2)·2⁻⁵³·Σ|a| bound as the loop below
    if (len >= wasmElementwiseThresholds.sum && a instanceof Float64Array) {
      let o = 0;
      for (; o < outer; o++) {
        const s = wasmSumChunked(a, o * len, len);
        if (s === null) break;
        out[o] = s;
      }
      if (o === outer) return;
    }
    for (let o = 0; o < outer; o++) {
      const base = o * len;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let l = 0;
      for (; l + 3 < len; l += 4) { s0 += a[base + l]; s1 += a[base + l + 1]; s2 += a[base + l + 2]; s3 += a[base + l + 3]; }
      for (; l < len; l++) s0 += a[base + l];
      out[o] = (s0 + s1) + (s2 + s3);
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const base = o * len * inner, ob = o * inner;
    for (let l = 0; l < len; l++) {
      const row = base + l * inner;
      for (let i = 0; i < inner; i++) out[ob + i] += a[row + i];
    }
  }
}
