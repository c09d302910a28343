/**
 * Integrands for stochastic trace estimation: functions (matvec, v, params) → value whose expectation over probes v with
 * E[v vᵀ] = I is the quantity sought (tr A, diag A, ‖A‖_F²). Written in differentiable ops, so estimates have gradients.
 */
import type { Tensor } from '../tensor/index.js';
import type { PyTree } from '../tape/index.js';
import { mul, sum } from '../ops/index.js';
import { TracetapeError, describe, fmtShape } from '../util/errors.js';
import { makePortable, registerPortable } from '../util/portable.js';

/** A matrix-free linear operator: `matvec(v, params)` = A(params) v, with v shaped like one probe. */
export type Matvec<P = PyTree> = (v: Tensor, params: P) => Tensor;

/** An integrand: the value for ONE probe v (a pytree of Tensors); its mean over probes is the estimate. */
export type Integrand<P = PyTree, R extends PyTree = PyTree> = (matvec: Matvec<P>, v: Tensor, params: P) => R;

/** @internal Apply the matvec and check that it returns a Tensor shaped like the probe. */
export function applyMatvec<P>(fn: string, matvec: Matvec<P>, v: Tensor, params: P): Tensor {
  const av = matvec(v, params);
  if (!av || typeof av !== 'object' || !Array.isArray((av as Tensor).shape)) {
    throw new TracetapeError(fn, `matvec must return a Tensor, received ${describe(av)}`);
  }
  const s = av.shape;
  if (s.length !== v.shape.length || s.some((d, i) => d !== v.shape[i])) {
    throw new TracetapeError(fn, `matvec must return a Tensor shaped like the probe ${fmtShape(v.shape)}, received ${fmtShape(s)}`);
  }
  return av;
}

/** Inner product of two tensors of the same shape as sum(a ⊙ b): elementwise kernels, no matmul staging copies. */
function inner(a: Tensor, b: Tensor): Tensor {
  return sum(mul(a, b));
}

/** Hutchinson's integrand vᵀ A v (a scalar Tensor): its mean estimates tr(A). */
export function trace<P = PyTree>(): Integrand<P, Tensor> {
  const f: Integrand<P, Tensor> = (matvec, v, params) => inner(v, applyMatvec('stochtrace.trace', matvec, v, params));
  return makePortable(f, { kind: 'stochtrace.trace' });
}

/** The integrand v ⊙ A v (shaped like v): its mean estimates diag(A) (Bekas et al. 2007 with unit-norm-entry probes). */
export function diagonal<P = PyTree>(): Integrand<P, Tensor> {
  const f: Integrand<P, Tensor> = (matvec, v, params) => mul(v, applyMatvec('stochtrace.diagonal', matvec, v, params));
  return makePortable(f, { kind: 'stochtrace.diagonal' });
}

/** Both at the cost of one matvec: `{trace: vᵀAv, diagonal: v ⊙ Av}`. */
export function traceAndDiagonal<P = PyTree>(): Integrand<P, { trace: Tensor; diagonal: Tensor }> {
  const f: Integrand<P, { trace: Tensor; diagonal: Tensor }> = (matvec, v, params) => {
    const d = mul(v, applyMatvec('stochtrace.traceAndDiagonal', matvec, v, params));
    return { trace: sum(d), diagonal: d };
  };
  return makePortable(f, { kind: 'stochtrace.traceAndDiagonal' });
}

/** ‖A v‖² (a scalar Tensor): its mean estimates ‖A‖_F² = tr(AᵀA). */
export function frobeniusSquared<P = PyTree>(): Integrand<P, Tensor> {
  const f: Integrand<P, Tensor> = (matvec, v, params) => {
    const av = applyMatvec('stochtrace.frobeniusSquared', matvec, v, params);
    return inner(av, av);
  };
  return makePortable(f, { kind: 'stochtrace.frobeniusSquared' });
}

// Worker threads rebuild the built-in integrands from their descriptions (estimator option `workers`).
registerPortable('stochtrace.trace', () => trace());
registerPortable('stochtrace.diagonal', () => diagonal());
registerPortable('stochtrace.traceAndDiagonal', () => traceAndDiagonal());
registerPortable('stochtrace.frobeniusSquared', () => frobeniusSquared());
