/**
 * optim.adam: Adam (Kingma & Ba 2015) with bias correction, per Tensor leaf, after the update count t = count + 1:
 *   m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  m̂ = m / (1 − β1^t);  v̂ = v / (1 − β2^t);
 *   p ← p − (lr·m̂) / (√v̂ + ε).
 * Written with differentiable ops, so an unrolled optimisation can itself be differentiated.
 */
import { zerosLike } from '../tensor/index.js';
import { add, div, mul, sqrt, square, sub } from '../ops/index.js';
import { type PyTree, unflatten } from '../tape/index.js';
import { check, checkOptions, describe } from '../util/errors.js';
import type { LearningRate, Optimizer, OptimizerState } from './types.js';
import { checkLearningRate, checkLike, checkNumberIn, checkState, leavesOf, learningRateAt } from './checks.js';

/** Options of optim.adam. */
export interface AdamOptions {
  /** Learning rate (default 1e-3): a positive number, or a schedule `(count) => number`. */
  lr?: LearningRate;
  /** Decay of the first-moment average, in [0, 1) (default 0.9). */
  beta1?: number;
  /** Decay of the second-moment average, in [0, 1) (default 0.999). */
  beta2?: number;
  /** Added to √v̂ in the denominator, ≥ 0 (default 1e-8). */
  eps?: number;
}

/** State of optim.adam: the update count and the first/second moment pytrees (shaped like the params). */
export interface AdamState extends OptimizerState {
  readonly kind: 'adam';
  readonly mu: PyTree;
  readonly nu: PyTree;
}

/** The Adam optimizer over pytrees (defaults lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-8). */
export function adam(options: AdamOptions = {}): Optimizer<AdamState> {
  const name = 'optim.adam';
  check(options !== null && typeof options === 'object', name, () => `options must be an object, received ${describe(options)}`);
  checkOptions(name, options, ['lr', 'beta1', 'beta2', 'eps']);
  const lr = checkLearningRate(name, options.lr ?? 1e-3);
  const beta1 = checkNumberIn(name, 'beta1', options.beta1 ?? 0.9, 0, 1, true, false);
  const beta2 = checkNumberIn(name, 'beta2', options.beta2 ?? 0.999, 0, 1, true, false);
  const eps = checkNumberIn(name, 'eps', options.eps ?? 1e-8, 0, Infinity, true, false);

  return {
    name,
    init(params: PyTree): AdamState {
      const [leaves, def] = leavesOf(`${name}.init`, 'params', params);
      return { kind: 'adam', count: 0, mu: unflatten(def, leaves.map((p) => zerosLike(p))), nu: unflatten(def, leaves.map((p) => zerosLike(p))) };
    },
    update(grads: PyTree, state: AdamState, params: PyTree): [PyTree, AdamState] {
      const fn = `${name}.update`;
      checkState(fn, 'adam', state);
      const [ps, def] = leavesOf(fn, 'params', params);
      const [gs] = leavesOf(fn, 'grads', grads);
      checkLike(fn, 'grads', gs, 'params', ps);
      const [ms, mdef] = leavesOf(fn, 'state.mu', state.mu);
      const [vs, vdef] = leavesOf(fn, 'state.nu', state.nu);
      checkLike(fn, 'state.mu', ms, 'params', ps);
      checkLike(fn, 'state.nu', vs, 'params', ps);
      const rate = learningRateAt(fn, lr, state.count);
      const t = state.count + 1;
      const c1 = 1 - beta1 ** t, c2 = 1 - beta2 ** t;
      const newM = ms.map((m, i) => add(mul(beta1, m), mul(1 - beta1, gs[i])));
      const newV = vs.map((v, i) => add(mul(beta2, v), mul(1 - beta2, square(gs[i]))));
      const next = ps.map((p, i) => sub(p, div(mul(rate, div(newM[i], c1)), add(sqrt(div(newV[i], c2)), eps))));
      return [unflatten(def, next), { kind: 'adam', count: t, mu: unflatten(mdef, newM), nu: unflatten(vdef, newV) }];
    },
  };
}
