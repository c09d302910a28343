/**
 * Matrix functions of the small dense Krylov matrices, in differentiable ops: f(T)e₁ for symmetric tridiagonal T (by its
 * eigendecomposition) and f(H)e₁ for Hessenberg H (expm, solve, Denman–Beavers square root, inverse scaling-and-squaring
 * logarithm). Used by funmLanczos, funmArnoldi and slqIntegrand.
 */
import { Tensor, eye, type DType } from '../tensor/index.js';
import { add, sub, mul, div, exp, log, sqrt, reciprocal, matmul, reshape, slice, sum, square, diag } from '../ops/index.js';
import * as linalg from '../ops/linalg/index.js';
import { TracetapeError, check, describe, fmtShape } from '../util/index.js';

/** A matrix function: one of the named scalar functions, or a differentiable function of a small dense matrix. */
export type MatrixFunction = 'exp' | 'log' | 'sqrt' | 'inv' | ((M: Tensor) => Tensor);

const NAMED = ['exp', 'log', 'sqrt', 'inv'] as const;

/** Check that `f` is a named function or a callable. */
export function checkMatrixFunction(fn: string, f: unknown): MatrixFunction {
  check(typeof f === 'function' || (NAMED as readonly unknown[]).includes(f), fn,
    () => `f must be one of 'exp', 'log', 'sqrt', 'inv' or a function of a dense matrix (Tensor) => Tensor, received ${typeof f === 'string' ? `'${f}'` : describe(f)}`);
  return f as MatrixFunction;
}

function applyScalar(fn: string, f: 'exp' | 'log' | 'sqrt' | 'inv', lam: Tensor): Tensor {
  const d = lam._data;
  for (let i = 0; i < d.length; i++) {
    const x = d[i];
    if ((f === 'log' && !(x > 0)) || (f === 'sqrt' && !(x >= 0)) || (f === 'inv' && x === 0)) {
      const need = f === 'log' ? 'a positive definite' : f === 'sqrt' ? 'a positive semi-definite' : 'an invertible';
      throw new TracetapeError(fn, `f = '${f}' needs ${need} operator, but the Krylov matrix has eigenvalue ${x}`);
    }
  }
  switch (f) {
    case 'exp': return exp(lam);
    case 'log': return log(lam);
    case 'sqrt': return sqrt(lam);
    case 'inv': return reciprocal(lam);
  }
}

function checkDense(fn: string, F: unknown, m: number): Tensor {
  if (!(F instanceof Tensor)) throw new TracetapeError(fn, `f must return a Tensor, received ${describe(F)}`);
  check(F.shape.length === 2 && F.shape[0] === m && F.shape[1] === m, fn, () => `f must return a matrix of shape [${m},${m}], received shape ${fmtShape(F.shape)}`);
  return F;
}

function firstColumn(F: Tensor, m: number): Tensor {
  return reshape(slice(F, [0, 0], [m, 1]), [m]);
}

/** Dense symmetric tridiagonal matrix from its diagonal (length m) and off-diagonal (length m−1), differentiable. */
export function tridiagonalMatrix(alphas: Tensor, betas: Tensor): Tensor {
  const m = alphas.shape[0];
  if (m === 1) return reshape(alphas, [1, 1]);
  return add(diag(alphas), add(diag(betas, 1), diag(betas, -1)));
}

/** f(T)e₁ and e₁ᵀf(T)e₁ for the symmetric tridiagonal T = tridiag(betas, alphas, betas). */
export function tridiagonalFunm(fn: string, f: MatrixFunction, alphas: Tensor, betas: Tensor): { column: Tensor; quadratic: Tensor } {
  const m = alphas.shape[0];
  if (typeof f === 'function') {
    const F = checkDense(fn, f(tridiagonalMatrix(alphas, betas)), m);
    const column = firstColumn(F, m);
    return { column, quadratic: reshape(slice(F, [0, 0], [1, 1]), []) };
  }
  const { values, vectors } = linalg.eighTridiagonal(alphas, betas);
  const w = reshape(slice(vectors, [0, 0], [1, m]), [m]);
  const fw = mul(applyScalar(fn, f, values), w);
  return { column: matmul(vectors, fw), quadratic: sum(mul(fw, w)) };
}

function frobenius(x: Tensor): number {
  let s = 0;
  for (let i = 0; i < x._data.length; i++) s += x._data[i] * x._data[i];
  return Math.sqrt(s);
}

/** Principal square root of a small dense matrix by the Denman–Beavers iteration (taped, so differentiable). */
export function sqrtmDense(fn: string, A: Tensor): Tensor {
  const m = A.shape[0];
  let Y = A;
  let Z: Tensor = eye(m, m, { dtype: A.dtype });
  for (let it = 0; it < 100; it++) {
    const Yn = mul(add(Y, linalg.inv(Z)), 0.5);
    const Zn = mul(add(Z, linalg.inv(Y)), 0.5);
    const change = frobenius(sub(Yn, Y)) / Math.max(frobenius(Yn), 1e-300);
    Y = Yn; Z = Zn;
    if (change < 1e-15) return Y;
  }
  throw new TracetapeError(fn, 'the Denman–Beavers square-root iteration did not converge in 100 steps (the Krylov matrix may have eigenvalues on the closed negative real axis)');
}

/** Principal logarithm of a small dense matrix: inverse scaling and squaring with the atanh (Gregory) series, differentiable. */
export function logmDense(fn: string, A: Tensor): Tensor {
  const m = A.shape[0];
  const I = eye(m, m, { dtype: A.dtype });
  let X = A;
  let s = 0;
  while (frobenius(sub(X, I)) > 0.25) {
    check(s < 60, fn, 'the inverse scaling-and-squaring logarithm needed more than 60 square roots');
    X = sqrtmDense(fn, X);
    s++;
  }
  // log X = 2 Σ_j Z^{2j+1}/(2j+1), Z = (X − I)(X + I)⁻¹ with ‖Z‖ ≲ 0.15: 12 terms reach ~1e-20.
  const Z = matmul(sub(X, I), linalg.inv(add(X, I)));
  const Z2 = matmul(Z, Z);
  let term = Z;
  let acc = Z;
  for (let j = 1; j < 12; j++) {
    term = matmul(term, Z2);
    acc = add(acc, div(term, 2 * j + 1));
  }
  return mul(acc, 2 ** (s + 1));
}

/** f(H)e₁ for a small dense (Hessenberg) matrix H. */
export function denseFunmColumn(fn: string, f: MatrixFunction, H: Tensor): Tensor {
  const m = H.shape[0];
  if (typeof f === 'function') return firstColumn(checkDense(fn, f(H), m), m);
  const e1 = unitVector(m, H.dtype);
  switch (f) {
    case 'exp': return firstColumn(linalg.expm(H), m);
    case 'inv': return linalg.solve(H, e1);
    case 'sqrt': return firstColumn(sqrtmDense(fn, H), m);
    case 'log': return firstColumn(logmDense(fn, H), m);
  }
}

function unitVector(m: number, dtype: DType): Tensor {
  const e = eye(1, m, { dtype });
  return reshape(e, [m]);
}

/** ‖x‖² of a vector (differentiable helper). */
export function squaredNorm(x: Tensor): Tensor {
  return sum(square(x));
}
