/** Float64/float32 TypeScript reduction kernel: sum over the middle axis of an (outer × len × inner) array. */
import type { TypedArray } from '../../tensor/dtype.js';

/** out[o·inner + i] = Σ_l a[(o·len + l)·inner + i]; `out` must be zero-filled. */
export function sumAxis(a: TypedArray, out: TypedArray, outer: number, len: number, inner: number): void {
  if (inner === 1) {
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
