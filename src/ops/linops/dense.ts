/** denseMatvec: A v for a dense matrix A passed as the parameter (a Tensor or {A}), differentiable in v and A. */
import { Tensor } from '../../tensor/index.js';
import { matmul } from '../index.js';
import { TracetapeError, check, describe } from '../../util/errors.js';
import { makePortable, registerPortable } from '../../util/portable.js';
import { asColumns } from './columns.js';
import type { LinearOperator, MatrixAccess } from './types.js';

/** Parameters of denseMatvec: the matrix itself or an object holding it. */
export type DenseParams = Tensor | { A: Tensor };

function matrixOf(fn: string, params: DenseParams): Tensor {
  const A = params instanceof Tensor ? params : (params as { A?: unknown } | null)?.A;
  if (!(A instanceof Tensor) || A.shape.length !== 2) throw new TracetapeError(fn, `params must be a matrix Tensor [m, n] or {A: Tensor [m, n]}, received ${describe(A ?? params)}`);
  return A;
}

/** A v (matmul on the current backend); v is [n] or [n, c]. */
function applyDense(v: Tensor, params: DenseParams): Tensor {
  const A = matrixOf('denseMatvec', params);
  const { V, restore } = asColumns('denseMatvec', v, A.shape[1]);
  return restore(matmul(A, V));
}

function denseMatvecImpl(A: Tensor): (v: Tensor) => Tensor;
function denseMatvecImpl(v: Tensor, params: DenseParams): Tensor;
/** `denseMatvec(v, A)` = A v; `denseMatvec(A)` (one matrix argument) = the matvec v ↦ A v with A fixed. */
function denseMatvecImpl(v: Tensor, params?: DenseParams): Tensor | ((v: Tensor) => Tensor) {
  if (params === undefined) {
    const A = matrixOf('denseMatvec', v);
    return (w: Tensor): Tensor => applyDense(w, A);
  }
  return applyDense(v, params);
}

function denseAccess(params: DenseParams): MatrixAccess {
  const fn = 'denseMatvec.access';
  const A = matrixOf(fn, params);
  const [m, n] = A.shape;
  const a = A._data;
  return {
    size: n,
    shift: 0,
    diag(): Float64Array {
      check(m === n, fn, () => `diag() needs a square matrix, received [${m},${n}]`);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = a[i * n + i];
      return out;
    },
    column(i: number): Float64Array {
      check(Number.isInteger(i) && i >= 0 && i < n, fn, () => `column index must be an integer in [0, ${n}), received ${describe(i)}`);
      const out = new Float64Array(m);
      for (let r = 0; r < m; r++) out[r] = a[r * n + i];
      return out;
    },
  };
}

/** A v for a dense A in params (a Tensor or {A}); gradients reach v and A. `denseMatvec(A)` binds A and returns v ↦ A v. */
export const denseMatvec: LinearOperator<DenseParams> & ((A: Tensor) => (v: Tensor) => Tensor) = makePortable(Object.assign(denseMatvecImpl, { access: denseAccess }), { kind: 'ops.denseMatvec' });
registerPortable('ops.denseMatvec', () => denseMatvec);
