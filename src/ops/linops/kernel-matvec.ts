/**
 * kernelMatvec: (K + σ²I) v for a stationary kernel matrix K_ij = s·k(‖(x_i − x_j)/ℓ‖) on points X (n × d), evaluated
 * on the fly in the backend (KeOps-style: memory O(n·(d + c)), never the n × n matrix), differentiable w.r.t. v, X,
 * the lengthscale(s) ℓ (a scalar or one per dimension, ARD), the signal variance s and the noise variance σ².
 */
import { Tensor } from '../../tensor/index.js';
import { type StationaryFamily } from '../../backend/index.js';
import { profile } from '../../backend/cpu/index.js';
import { add, mul } from '../index.js';
import { TracetapeError, check, checkOptions, describe, fmtShape } from '../../util/errors.js';
import { makePortable, registerPortable } from '../../util/portable.js';
import { stationaryProduct } from './stationary-product.js';
import { scaledPoints } from './scaled-points.js';
import { asColumns, checkPositive, scalarParam } from './columns.js';
import type { LinearOperator, MatrixAccess } from './types.js';

/** Parameters of kernelMatvec (a pytree: tensors are differentiable, `kernel` is a static string). */
export interface KernelParams {
  /** Points, shape [n, d]. */
  X: Tensor;
  /** Optional second point set Y [m, d]: then the operator is the cross-covariance K(X, Y) (v has m rows; no noise). */
  Y?: Tensor;
  /** Lengthscale: a number, a scalar tensor, or one per dimension ([d], ARD); positive (default 1). */
  lengthscale?: Tensor | number;
  /** Signal variance s multiplying the kernel (default 1). */
  variance?: Tensor | number;
  /** Noise variance σ² added on the diagonal (default 0). */
  noise?: Tensor | number;
  /** Kernel family: 'rbf' e^{−r²/2}, 'matern32' (1+√3r)e^{−√3r}, 'matern52' (1+√5r+5r²/3)e^{−√5r} (default 'rbf'). */
  kernel?: StationaryFamily;
}

const KEYS = ['X', 'Y', 'lengthscale', 'variance', 'noise', 'kernel'];
const FAMILIES: readonly StationaryFamily[] = ['rbf', 'matern32', 'matern52'];

interface Resolved { X: Tensor; Y: Tensor | null; ls: Tensor; variance: Tensor; noise: Tensor | null; family: StationaryFamily; n: number; m: number; d: number }

function resolve(fn: string, params: KernelParams): Resolved {
  check(params !== null && typeof params === 'object' && !(params instanceof Tensor), fn, () => `params must be an object {X, lengthscale?, variance?, noise?, kernel?}, received ${describe(params)}`);
  checkOptions(fn, params, KEYS);
  const X = params.X;
  if (!(X instanceof Tensor) || X.shape.length !== 2) throw new TracetapeError(fn, `params.X must be a Tensor of shape [n, d], received ${describe(X)}`);
  const [n, d] = X.shape;
  let Y: Tensor | null = null;
  if (params.Y !== undefined) {
    if (!(params.Y instanceof Tensor) || params.Y.shape.length !== 2 || params.Y.shape[1] !== d) {
      throw new TracetapeError(fn, `params.Y must be a Tensor of shape [m, ${d}], received ${describe(params.Y)}`);
    }
    Y = params.Y;
  }
  const family = params.kernel ?? 'rbf';
  check(FAMILIES.includes(family), fn, () => `params.kernel must be one of ${FAMILIES.join(', ')}, received ${describe(family)}`);
  const ls = scalarParam(fn, 'params.lengthscale', params.lengthscale, 1)!;
  check(ls.size === 1 || (ls.shape.length === 1 && ls.shape[0] === d), fn, () => `params.lengthscale must be a scalar or have shape [${d}], received shape ${fmtShape(ls.shape)}`);
  checkPositive(fn, 'params.lengthscale', ls);
  const variance = scalarParam(fn, 'params.variance', params.variance, 1)!;
  check(variance.size === 1, fn, () => `params.variance must be a scalar, received shape ${fmtShape(variance.shape)}`);
  const noise = scalarParam(fn, 'params.noise', params.noise, null);
  check(noise === null || noise.size === 1, fn, () => `params.noise must be a scalar, received shape ${fmtShape(noise!.shape)}`);
  check(noise === null || Y === null, fn, 'params.noise applies to the square operator K(X, X) only; do not pass it together with params.Y');
  return { X, Y, ls: ls.size === 1 && ls.shape.length > 0 ? ls.reshape([]) : ls, variance: variance.shape.length > 0 ? variance.reshape([]) : variance, noise: noise && noise.shape.length > 0 ? noise.reshape([]) : noise, family, n, m: Y ? Y.shape[0] : n, d };
}

/** (s·K(X, X) + σ²I) v, or s·K(X, Y) v when params.Y is given; v is [n] or [n, c] (see KernelParams). */
function kernelMatvecImpl(v: Tensor, params: KernelParams): Tensor {
  const fn = 'kernelMatvec';
  const r = resolve(fn, params);
  const { V, restore } = asColumns(fn, v, r.m);
  // X / ℓ memoised across calls when not differentiated (the wasm backend then keeps the same array resident)
  const Xs = scaledPoints(r.X, r.ls);
  const Ys = r.Y === null ? Xs : scaledPoints(r.Y, r.ls);
  let out = mul(stationaryProduct(r.family, 0, Xs, Ys, V), r.variance);
  if (r.noise !== null) out = add(out, mul(V, r.noise));
  return restore(out);
}

/** Entry access to s·K (noise-free: k(0) = 1 so the diagonal is s), columns evaluated directly in float64; shift = σ². */
function kernelAccess(params: KernelParams): MatrixAccess {
  const fn = 'kernelMatvec.access';
  const r = resolve(fn, params);
  const { n, m, d, family } = r;
  const X = r.X._data, Y = r.Y ? r.Y._data : X;
  const ls = r.ls._data;
  const s = r.variance._data[0], noise = r.noise ? r.noise._data[0] : 0;
  const inv = new Float64Array(d);
  for (let k = 0; k < d; k++) inv[k] = 1 / (ls.length === 1 ? ls[0] : ls[k]);
  return {
    size: n,
    shift: noise,
    diag(): Float64Array {
      check(r.Y === null, fn, 'diag() needs a square operator (no params.Y)');
      return new Float64Array(n).fill(s);
    },
    column(i: number): Float64Array {
      check(Number.isInteger(i) && i >= 0 && i < m, fn, () => `column index must be an integer in [0, ${m}), received ${describe(i)}`);
      const col = new Float64Array(n);
      for (let a = 0; a < n; a++) {
        let r2 = 0;
        for (let k = 0; k < d; k++) { const t = (X[a * d + k] - Y[i * d + k]) * inv[k]; r2 += t * t; }
        col[a] = s * profile(family, 0, r2);
      }
      return col;
    },
  };
}

/** (s·K + σ²I) v for RBF / Matérn kernels on points params.X, evaluated on the fly; differentiable in v and every parameter. */
export const kernelMatvec: LinearOperator<KernelParams> = makePortable(Object.assign(kernelMatvecImpl, { access: kernelAccess }), { kind: 'ops.kernelMatvec' });
registerPortable('ops.kernelMatvec', () => kernelMatvec);
