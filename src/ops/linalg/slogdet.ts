/** slogdet and det: sign and log |det A| by LU with partial pivoting, with VJPs. */
import { Tensor, allocate } from '../../tensor/index.js';
import { record } from '../../tape/index.js';
import { exp, mul, transpose } from '../index.js';
import { checkSquare, copyF64 } from './validate.js';
import { luFactor } from './lu.js';
import { inv } from './inv.js';

/** Sign and log-magnitude of a determinant. */
export interface SlogdetResult {
  /** +1, −1, or 0 for an exactly singular matrix (shape [], not differentiable). */
  sign: Tensor;
  /** log |det A| (shape []); −Infinity for an exactly singular matrix. */
  logabsdet: Tensor;
}

/**
 * Sign and natural log of |det A| for a square A ([n, n]) by LU with partial pivoting in float64 (no overflow for large
 * or tiny determinants). An exactly singular A gives sign 0 and logabsdet −Infinity (as NumPy); its gradient then throws.
 * Float32 inputs are computed in float64. logabsdet is differentiable to any order: Ā = ḡ · A⁻ᵀ.
 */
export function slogdet(A: Tensor): SlogdetResult {
  return slogdetNamed('slogdet', A);
}

function slogdetNamed(fn: string, A: Tensor): SlogdetResult {
  const n = checkSquare(fn, 'A', A);
  const lu = copyF64(A);
  const info = luFactor(lu, n, new Int32Array(n));
  let sign = info.parity, lad = 0;
  for (let i = 0; i < n; i++) {
    const u = lu[i * n + i];
    if (u === 0) { sign = 0; lad = -Infinity; break; }
    if (u < 0) sign = -sign;
    lad += Math.log(Math.abs(u));
  }
  const s = allocate(A.dtype, 1), l = allocate(A.dtype, 1);
  s[0] = sign;
  l[0] = lad;
  const signT = new Tensor(s, []), logabsdet = new Tensor(l, []);
  record('slogdet', [logabsdet], [A], ([g]) => [mul(g!, transpose(inv(A)))]);
  return { sign: signT, logabsdet };
}

/**
 * The determinant of a square A ([n, n]), computed as sign · exp(logabsdet) from `slogdet` (so it may overflow to
 * ±Infinity where slogdet does not). Differentiable to any order where A is non-singular: Ā = ḡ · det(A) · A⁻ᵀ.
 */
export function det(A: Tensor): Tensor {
  const { sign, logabsdet } = slogdetNamed('det', A);
  return mul(sign, exp(logabsdet));
}
