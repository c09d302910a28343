/** Diagonals: diagonal (matrix → vector, batched), diag (vector → matrix, NumPy semantics) and trace, differentiable. */
import { Tensor } from '../tensor/index.js';
import { TracetapeError, check, describe, fmtShape } from '../util/errors.js';
import { stridesOf } from './broadcast.js';
import { gatherMap, scatterAddMap, stridedMap } from './gather-map.js';
import { sum } from './reduce.js';

function checkOffset(fn: string, k: unknown): number {
  check(typeof k === 'number' && Number.isInteger(k), fn, () => `k (the diagonal offset) must be an integer, received ${describe(k)}`);
  return k as number;
}

/**
 * The k-th diagonal of the last two axes of `x` (rank ≥ 2): out[..., i] = x[..., i, i + k] (k > 0 above the main
 * diagonal, k < 0 below). The result has shape x.shape[:-2] ++ [length of that diagonal].
 */
export function diagonal(x: Tensor, k = 0): Tensor {
  const fn = 'diagonal';
  if (!(x instanceof Tensor)) throw new TracetapeError(fn, `x must be a Tensor, received ${describe(x)}`);
  const r = x.shape.length;
  check(r >= 2, fn, () => `x must have rank ≥ 2 (a matrix or a batch of matrices), received shape ${fmtShape(x.shape)}`);
  checkOffset(fn, k);
  const m = x.shape[r - 2], n = x.shape[r - 1];
  const len = Math.max(0, k >= 0 ? Math.min(m, n - k) : Math.min(m + k, n));
  const st = stridesOf(x.shape);
  const outShape = [...x.shape.slice(0, r - 2), len];
  const strides = [...st.slice(0, r - 2), n + 1];
  const base = len === 0 ? 0 : k >= 0 ? k : -k * n;
  return gatherMap(x, stridedMap(outShape, base, strides), outShape);
}

/**
 * NumPy `diag`: for a 1-D `v` of length L, the square matrix of size L + |k| with `v` on its k-th diagonal and zeros
 * elsewhere; for a 2-D `v`, its k-th diagonal (as `diagonal`).
 */
export function diag(v: Tensor, k = 0): Tensor {
  const fn = 'diag';
  if (!(v instanceof Tensor)) throw new TracetapeError(fn, `v must be a Tensor, received ${describe(v)}`);
  checkOffset(fn, k);
  if (v.shape.length === 2) return diagonal(v, k);
  check(v.shape.length === 1, fn, () => `v must be 1-D (to build a matrix) or 2-D (to extract a diagonal), received shape ${fmtShape(v.shape)}`);
  const len = v.shape[0];
  const size = len + Math.abs(k);
  const rowOff = k >= 0 ? 0 : -k, colOff = k >= 0 ? k : 0;
  const map = new Int32Array(len);
  for (let i = 0; i < len; i++) map[i] = (i + rowOff) * size + i + colOff;
  return scatterAddMap(v, map, [size, size]);
}

/** Sum of the main diagonal of the last two axes of `x` (a scalar for a matrix; one value per matrix of a batch). */
export function trace(x: Tensor): Tensor {
  const fn = 'trace';
  if (!(x instanceof Tensor)) throw new TracetapeError(fn, `x must be a Tensor, received ${describe(x)}`);
  check(x.shape.length >= 2, fn, () => `x must have rank ≥ 2 (a matrix or a batch of matrices), received shape ${fmtShape(x.shape)}`);
  return sum(diagonal(x), -1);
}
