/**
 * stationaryProduct: the differentiable kernel-matrix product Φ_p(X1, X2) V for stationary kernels, evaluated blockwise
 * by the backend (never forming the n×m matrix). Its VJP is written in the same primitive at order p + 1, so gradients
 * w.r.t. points (and, through them, lengthscales) also run matrix-free, and second derivatives work wherever the kernel
 * is smooth enough (RBF: any order; Matérn-5/2: second order; Matérn-3/2: first order).
 */
import { Tensor, allocate, promote, ones, tensor } from '../../tensor/index.js';
import { record } from '../../tape/index.js';
import { kernels, MAX_ORDER, type StationaryFamily } from '../../backend/index.js';
import { mul, sub, sum, reshape, matmul, concat } from '../index.js';
import { TracetapeError } from '../../util/errors.js';

/** out[i, q] = Σ_j φ_order(‖X1_i − X2_j‖) V[j, q] with X1 [n, d], X2 [m, d], V [m, c] (shapes checked by callers). */
export function stationaryProduct(family: StationaryFamily, order: number, X1: Tensor, X2: Tensor, V: Tensor): Tensor {
  const n = X1.shape[0], d = X1.shape[1], m = X2.shape[0], c = V.shape[1];
  const out = allocate(promote(promote(X1.dtype, X2.dtype), V.dtype), n * c);
  kernels().kernelProduct(family, order, X1._data, X2._data, V._data, out, n, m, d, c);
  const res = new Tensor(out, [n, c]);
  record('kernelProduct', [res], [X1, X2, V], ([g]) => {
    const G = g!;
    const needX = X1._tracked || X2._tracked;
    if (needX && order + 1 > MAX_ORDER[family]) {
      throw new TracetapeError('kernelMatvec', `derivative of order ${order + 1} w.r.t. the points does not exist for the ${family} kernel at coincident points (it supports ${MAX_ORDER[family]})`);
    }
    return [
      X1._tracked ? pointGradient(family, order + 1, X1, X2, G, V) : null,
      X2._tracked ? pointGradient(family, order + 1, X2, X1, V, G) : null,
      V._tracked ? stationaryProduct(family, order, X2, X1, G) : null,
    ];
  });
  return res;
}

/**
 * grad_A[i, k] = Σ_j Σ_q G[i, q] φ_p(‖A_i − B_j‖) (A[i, k] − B[j, k]) V[j, q], computed as one product of Φ_p with the
 * augmented block W = [V, B_1∘V, …, B_d∘V] (m × (d+1)c): grad = A ∘ S₀ − S_{1..d} with S = Σ_q G ∘ Φ_p W.
 */
function pointGradient(family: StationaryFamily, p: number, A: Tensor, B: Tensor, G: Tensor, V: Tensor): Tensor {
  const n = A.shape[0], d = A.shape[1], m = B.shape[0], c = V.shape[1];
  const Baug = concat([ones([m, 1], { dtype: B.dtype }), B], 1);
  const W = reshape(mul(reshape(Baug, [m, d + 1, 1]), reshape(V, [m, 1, c])), [m, (d + 1) * c]);
  const R = reshape(stationaryProduct(family, p, A, B, W), [n, d + 1, c]);
  const S = sum(mul(reshape(G, [n, 1, c]), R), 2);
  const first = matmul(S, selector(d, 0, 1));
  const rest = matmul(S, selector(d, 1, d));
  return sub(mul(A, first), rest);
}

/** The (d+1) × len matrix selecting columns start … start+len−1 of a (d+1)-column matrix. */
function selector(d: number, start: number, len: number): Tensor {
  const e = new Float64Array((d + 1) * len);
  for (let j = 0; j < len; j++) e[(start + j) * len + j] = 1;
  return tensor(e, { shape: [d + 1, len] });
}
