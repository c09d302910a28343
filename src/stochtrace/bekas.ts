/**
 * Bekas–Kokiopoulou–Saad (2007) diagonal estimator: diag(A) ≈ (Σ_k v_k ⊙ A v_k) ⊘ (Σ_k v_k ⊙ v_k). With Rademacher
 * probes the denominator is exactly `num` (the plain `diagonal()` integrand); with Gaussian probes the ratio is the
 * normalised, lower-variance form. Streams probes like `estimator` (chunkSize, checkpoint, onProgress) and is differentiable.
 */
import type { Tensor } from '../tensor/index.js';
import type { PyTree } from '../tape/index.js';
import { div, mul } from '../ops/index.js';
import type * as random from '../random/index.js';
import { applyMatvec, type Matvec } from './integrands.js';
import type { Sampler } from './samplers.js';
import { estimator, type EstimatorOptions } from './estimator.js';

/** Bekas et al. diagonal estimate: `(matvec, key, params)` ⇒ Tensor shaped like one probe. */
export function bekasDiagonal<P = PyTree>(sampler: Sampler | ((key: random.PRNGKey) => Tensor), options?: EstimatorOptions): <Q extends P>(matvec: Matvec<Q>, key: random.PRNGKey, params?: Q) => Tensor {
  const est = estimator<P, { num: Tensor; den: Tensor }>((matvec, v, params) => ({
    num: mul(v, applyMatvec('stochtrace.bekasDiagonal', matvec, v, params)),
    den: mul(v, v),
  }), sampler, options);
  return (matvec, key, params) => {
    const { num, den } = est(matvec, key, params);
    return div(num, den);
  };
}
