/**
 * optim.sgd: stochastic gradient descent with optional (Nesterov) momentum, PyTorch/optax convention:
 *   velocity v ← momentum·v + g;  update d = g + momentum·v (Nesterov) or d = v (heavy ball) or d = g (momentum 0);
 *   p ← p − lr·d.
 */
import { type Tensor, zerosLike } from '../tensor/index.js';
import { add, mul, sub } from '../ops/index.js';
import { type PyTree, unflatten } from '../tape/index.js';
import { check, checkOptions, describe } from '../util/errors.js';
import type { LearningRate, Optimizer, OptimizerState } from './types.js';
import { checkLearningRate, checkLike, checkNumberIn, checkState, leavesOf, learningRateAt } from './checks.js';

/** Options of optim.sgd. */
export interface SgdOptions {
  /** Learning rate (required): a positive number, or a schedule `(count) => number`. */
  lr: LearningRate;
  /** Momentum coefficient in [0, 1) (default 0: plain gradient descent). */
  momentum?: number;
  /** Use Nesterov momentum (default false; needs momentum > 0). */
  nesterov?: boolean;
}

/** State of optim.sgd: the update count and, with momentum, a velocity pytree shaped like the params. */
export interface SgdState extends OptimizerState {
  readonly kind: 'sgd';
  readonly velocity: PyTree | null;
}

/** Stochastic gradient descent with optional (Nesterov) momentum over pytrees. */
export function sgd(options: SgdOptions): Optimizer<SgdState> {
  const name = 'optim.sgd';
  check(options !== null && typeof options === 'object', name, () => `options must be an object with at least lr, received ${describe(options)}`);
  checkOptions(name, options, ['lr', 'momentum', 'nesterov']);
  const lr = checkLearningRate(name, options.lr);
  const momentum = options.momentum === undefined ? 0 : checkNumberIn(name, 'momentum', options.momentum, 0, 1, true, false);
  const nesterov = options.nesterov ?? false;
  check(typeof nesterov === 'boolean', name, () => `nesterov must be a boolean, received ${describe(nesterov)}`);
  check(!nesterov || momentum > 0, name, 'nesterov: true needs momentum > 0, received momentum 0');

  return {
    name,
    init(params: PyTree): SgdState {
      const [leaves, def] = leavesOf(`${name}.init`, 'params', params);
      return { kind: 'sgd', count: 0, velocity: momentum > 0 ? unflatten(def, leaves.map((p) => zerosLike(p))) : null };
    },
    update(grads: PyTree, state: SgdState, params: PyTree): [PyTree, SgdState] {
      const fn = `${name}.update`;
      checkState(fn, 'sgd', state);
      const [ps, def] = leavesOf(fn, 'params', params);
      const [gs] = leavesOf(fn, 'grads', grads);
      checkLike(fn, 'grads', gs, 'params', ps);
      const rate = learningRateAt(fn, lr, state.count);
      if (momentum === 0) {
        const next = ps.map((p, i) => sub(p, mul(rate, gs[i])));
        return [unflatten(def, next), { kind: 'sgd', count: state.count + 1, velocity: null }];
      }
      const [vs, vdef] = leavesOf(fn, 'state.velocity', state.velocity);
      checkLike(fn, 'state.velocity', vs, 'params', ps);
      const newV: Tensor[] = vs.map((v, i) => add(mul(momentum, v), gs[i]));
      const next = ps.map((p, i) => sub(p, mul(rate, nesterov ? add(gs[i], mul(momentum, newV[i])) : newV[i])));
      return [unflatten(def, next), { kind: 'sgd', count: state.count + 1, velocity: unflatten(vdef, newV) }];
    },
  };
}
