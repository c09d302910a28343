/** Input validation and float64 staging shared by the dense linear-algebra ops (square/finite/symmetric checks, dtype round trip). */
import { Tensor, allocate, type DType, type TypedArray } from '../../tensor/index.js';
import { TracetapeError, check, describe, fmtShape } from '../../util/index.js';

/**
 * Relative tolerance of the symmetry check: max |A_ij − A_ji| ≤ SYMMETRY_RTOL · max |A_ij|.
 * Loose enough for matrices assembled in floating point (A = B·Bᵀ, kernel matrices), tight enough to catch a
 * matrix that is genuinely not symmetric.
 */
export const SYMMETRY_RTOL = 1e-8;

/** Check that `x` is a Tensor of rank 2 with equal sides ≥ 1 and finite entries; returns n. */
export function checkSquare(fn: string, name: string, x: unknown): number {
  if (!(x instanceof Tensor)) throw new TracetapeError(fn, `${name} must be a Tensor, received ${describe(x)}`);
  check(x.shape.length === 2, fn, () => `${name} must be a square matrix (rank 2), received ${name}.shape ${fmtShape(x.shape)}`);
  check(x.shape[0] === x.shape[1], fn, () => `${name} must be square, received ${name}.shape ${fmtShape(x.shape)}`);
  check(x.shape[0] >= 1, fn, () => `${name} must have at least one row, received ${name}.shape ${fmtShape(x.shape)}`);
  checkFinite(fn, name, x);
  return x.shape[0];
}

/** Check that every entry of `x` is finite; the message names the first offending index. */
export function checkFinite(fn: string, name: string, x: Tensor): void {
  const d = x._data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      throw new TracetapeError(fn, `${name} must contain only finite values, received ${d[i]} at ${fmtIndex(x.shape, i)}`);
    }
  }
}

function fmtIndex(shape: readonly number[], flat: number): string {
  const idx = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) { idx[k] = flat % shape[k]; flat = Math.floor(flat / shape[k]); }
  return `index [${idx.join(',')}]`;
}

/** Check that the n×n row-major `a` is symmetric to SYMMETRY_RTOL; the message names the worst pair. */
export function checkSymmetric(fn: string, name: string, a: TypedArray, n: number): void {
  let scale = 0, worst = 0, wi = 0, wj = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(a[i]));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = Math.abs(a[i * n + j] - a[j * n + i]);
      if (d > worst) { worst = d; wi = i; wj = j; }
    }
  }
  check(worst <= SYMMETRY_RTOL * scale, fn, () =>
    `${name} must be symmetric, received |${name}[${wi},${wj}] − ${name}[${wj},${wi}]| = ${worst.toExponential(3)} > ${(SYMMETRY_RTOL * scale).toExponential(3)} (tolerance ${SYMMETRY_RTOL} · max|${name}|); if the asymmetry is roundoff or a finite-difference perturbation, pass ½(${name} + ${name}ᵀ)`);
}

/** A fresh float64 copy of a tensor's values (inputs are never mutated). */
export function copyF64(x: Tensor): Float64Array {
  return Float64Array.from(x._data);
}

/** A fresh float64 copy of the symmetric part ½(A + Aᵀ) of the n×n row-major `a`. */
export function symmetricPartF64(a: TypedArray, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    out[i * n + i] = a[i * n + i];
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (a[i * n + j] + a[j * n + i]);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}

/** Wrap float64 results as a tensor of `dtype` (float32 results are rounded from the float64 computation). */
export function wrap(data: Float64Array, shape: readonly number[], dtype: DType): Tensor {
  if (dtype === 'float64') return new Tensor(data, shape);
  const out = allocate('float32', data.length);
  out.set(data);
  return new Tensor(out, shape);
}

/** Throw unless `v` is undefined or a boolean; returns the value or `dflt`. */
export function boolOption(fn: string, name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  check(typeof v === 'boolean', fn, () => `option ${name} must be a boolean, received ${describe(v)}`);
  return v;
}

/** Check a right-hand side `b` of shape [n] or [n, m] against a system of size n; returns m (1 for a vector). */
export function checkRhs(fn: string, aName: string, n: number, b: unknown): number {
  if (!(b instanceof Tensor)) throw new TracetapeError(fn, `b must be a Tensor, received ${describe(b)}`);
  check(b.shape.length === 1 || b.shape.length === 2, fn, () => `b must be a vector [n] or a matrix [n, m], received b.shape ${fmtShape(b.shape)}`);
  check(b.shape[0] === n, fn, () => `b.shape ${fmtShape(b.shape)} does not match ${aName}.shape [${n},${n}] (${n} vs ${b.shape[0]})`);
  checkFinite(fn, 'b', b);
  return b.shape.length === 1 ? 1 : b.shape[1];
}

/** Throw if a computed result overflowed to a non-finite value (ill-conditioned input). */
export function checkResultFinite(fn: string, what: string, x: Float64Array): void {
  for (let i = 0; i < x.length; i++) {
    check(Number.isFinite(x[i]), fn, () => `${what} overflowed to ${x[i]} (the matrix is too ill-conditioned for float64)`);
  }
}

/** A power of two close to max|x| (1 for a zero array): dividing by it is exact and keeps squares away from under/overflow. */
export function powerOfTwoScale(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) { const v = Math.abs(x[i]); if (v > m) m = v; }
  if (m === 0 || !Number.isFinite(m)) return 1;
  return 2 ** Math.round(Math.log2(m));
}
