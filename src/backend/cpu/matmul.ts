/** Float64/float32 TypeScript matmul and matvec kernels (row-major, unrolled inner loops, no allocation). */
import type { TypedArray } from '../../tensor/dtype.js';

/**
 * out (m×n) = a (m×k, at aOff) · b (k×n, at bOff), written at outOff. i-p-j order (rows of b stream contiguously), two
 * rows of out per pass and four values of p per sweep, so each load of b feeds two multiply-adds and each row of out is
 * read and written k/4 times instead of k.
 */
export function gemm(a: TypedArray, aOff: number, b: TypedArray, bOff: number, out: TypedArray, outOff: number, m: number, k: number, n: number): void {
  if (n === 1) { gemv(a, aOff, b, bOff, out, outOff, m, k); return; }
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const o0 = outOff + i * n, o1 = o0 + n;
    for (let j = 0; j < n; j++) { out[o0 + j] = 0; out[o1 + j] = 0; }
    const r0 = aOff + i * k, r1 = r0 + k;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const a00 = a[r0 + p], a01 = a[r0 + p + 1], a02 = a[r0 + p + 2], a03 = a[r0 + p + 3];
      const a10 = a[r1 + p], a11 = a[r1 + p + 1], a12 = a[r1 + p + 2], a13 = a[r1 + p + 3];
      const b0 = bOff + p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = 0; j < n; j++) {
        const x0 = b[b0 + j], x1 = b[b1 + j], x2 = b[b2 + j], x3 = b[b3 + j];
        out[o0 + j] += a00 * x0 + a01 * x1 + a02 * x2 + a03 * x3;
        out[o1 + j] += a10 * x0 + a11 * x1 + a12 * x2 + a13 * x3;
      }
    }
    for (; p < k; p++) {
      const a0p = a[r0 + p], a1p = a[r1 + p];
      const bp = bOff + p * n;
      for (let j = 0; j < n; j++) { const x = b[bp + j]; out[o0 + j] += a0p * x; out[o1 + j] += a1p * x; }
    }
  }
  for (; i < m; i++) {
    const oRow = outOff + i * n;
    for (let j = 0; j < n; j++) out[oRow + j] = 0;
    const aRow = aOff + i * k;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const a0 = a[aRow + p], a1 = a[aRow + p + 1], a2 = a[aRow + p + 2], a3 = a[aRow + p + 3];
      const b0 = bOff + p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = 0; j < n; j++) out[oRow + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
    }
    for (; p < k; p++) {
      const ap = a[aRow + p];
      const bp = bOff + p * n;
      for (let j = 0; j < n; j++) out[oRow + j] += ap * b[bp + j];
    }
  }
}

/**
 * out (m) = a (m×k) · x (k). Four rows at a time share each load of x (five loads per four multiply-adds instead of
 * eight), with one accumulator per row; leftover rows use a four-accumulator dot product.
 */
export function gemv(a: TypedArray, aOff: number, x: TypedArray, xOff: number, out: TypedArray, outOff: number, m: number, k: number): void {
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const r0 = aOff + i * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let p = 0; p < k; p++) {
      const xp = x[xOff + p];
      s0 += a[r0 + p] * xp;
      s1 += a[r1 + p] * xp;
      s2 += a[r2 + p] * xp;
      s3 += a[r3 + p] * xp;
    }
    out[outOff + i] = s0; out[outOff + i + 1] = s1; out[outOff + i + 2] = s2; out[outOff + i + 3] = s3;
  }
  for (; i < m; i++) {
    const r = aOff + i * k;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      s0 += a[r + p] * x[xOff + p];
      s1 += a[r + p + 1] * x[xOff + p + 1];
      s2 += a[r + p + 2] * x[xOff + p + 2];
      s3 += a[r + p + 3] * x[xOff + p + 3];
    }
    for (; p < k; p++) s0 += a[r + p] * x[xOff + p];
    out[outOff + i] = (s0 + s1) + (s2 + s3);
  }
}
