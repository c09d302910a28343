/** optim.minimize: the optimisation loop (valueAndGrad + optimizer updates) with a per-step callback, early stopping and non-finite detection. */
import { type Tensor } from '../tensor/index.js';
import { type PyTree, valueAndGrad } from '../tape/index.js';
import { TracetapeError, check, checkOptions, checkPositiveInt, describe } from '../util/errors.js';
import type { Optimizer, OptimizerState } from './types.js';
import { leavesOf } from './checks.js';
import { PRNGKey, foldIn } from '../random/index.js';
import { adam } from './adam.js';

/** What onStep receives each step (before the update is applied). */
export interface StepInfo<P extends PyTree = PyTree> {
  /** Index of this step, 0-based. */
  step: number;
  /** Loss at `params`. */
  loss: number;
  /** The parameters the loss and gradient were evaluated at. */
  params: P;
  /** Euclidean norm of the whole gradient (all leaves together). */
  gradNorm: number;
}

/** Options of optim.minimize. */
export interface MinimizeOptions<P extends PyTree = PyTree> {
  /** Number of steps (required; a positive integer): at most this many updates are applied. */
  steps: number;
  /** The optimizer (default `adam()`, i.e. lr 1e-3). */
  optimizer?: Optimizer<OptimizerState>;
  /** Called every step before the update; returning `false` stops (no further update). */
  onStep?: (info: StepInfo<P>) => boolean | void;
  /** Stop (without updating) once the gradient norm is ≤ tolerance (default 0: never). */
  tolerance?: number;
  /** For stochastic losses: step k calls `loss(params, random.foldIn(key, k))`, fresh draws each step, reproducible. */
  key?: PRNGKey;
}

/** Why minimize stopped. */
export type StopReason = 'steps' | 'tolerance' | 'callback';

/** Result of optim.minimize. */
export interface MinimizeResult<P extends PyTree = PyTree> {
  /** Final parameters (after the last update applied). */
  params: P;
  /** Loss of every evaluation, in order: losses[i] is the loss before update i (one more when stopped early). */
  losses: number[];
  /** Number of updates applied. */
  steps: number;
  /** Why the loop ended. */
  reason: StopReason;
  /** Gradient norm at the last evaluation. */
  gradNorm: number;
}

function gradientNorm(grads: PyTree): number {
  const [leaves] = leavesOf('optim.minimize', 'gradient', grads);
  let s = 0;
  for (const g of leaves as Tensor[]) {
    const d = g._data;
    for (let i = 0; i < d.length; i++) s += d[i] * d[i];
  }
  return Math.sqrt(s);
}

/**
 * Minimise a scalar `loss(params)` over a pytree of Tensors with `optimizer` for up to `steps` steps; returns
 * `{params, losses, steps, reason, gradNorm}`. A non-finite loss or gradient throws a TracetapeError naming the step.
 * With `options.key`, the loss is stochastic and step k calls `loss(params, random.foldIn(key, k))`.
 */
export function minimize<P extends PyTree>(loss: (params: P) => Tensor, params: P, options: MinimizeOptions<P> & { key?: undefined }): MinimizeResult<P>;
/** Minimise a stochastic loss: step k calls `loss(params, random.foldIn(options.key, k))`. */
export function minimize<P extends PyTree>(loss: (params: P, key: PRNGKey) => Tensor, params: P, options: MinimizeOptions<P> & { key: PRNGKey }): MinimizeResult<P>;
export function minimize<P extends PyTree>(loss: (params: P, key: PRNGKey) => Tensor, params: P, options: MinimizeOptions<P>): MinimizeResult<P> {
  const fn = 'optim.minimize';
  check(typeof loss === 'function', fn, () => `loss must be a function of the params, received ${describe(loss)}`);
  check(options !== null && typeof options === 'object', fn, () => `options must be an object with at least steps, received ${describe(options)}`);
  checkOptions(fn, options, ['steps', 'optimizer', 'onStep', 'tolerance', 'key']);
  checkPositiveInt(fn, 'steps', options.steps);
  const optimizer = options.optimizer ?? adam();
  check(optimizer !== null && typeof optimizer === 'object' && typeof optimizer.init === 'function' && typeof optimizer.update === 'function', fn,
    () => `optimizer must be an optimizer such as optim.adam({lr}) or optim.sgd({lr}), received ${describe(optimizer)}`);
  const onStep = options.onStep;
  check(onStep === undefined || typeof onStep === 'function', fn, () => `onStep must be a function, received ${describe(onStep)}`);
  const tolerance = options.tolerance ?? 0;
  check(typeof tolerance === 'number' && tolerance >= 0 && !Number.isNaN(tolerance), fn, () => `tolerance must be a non-negative number, received ${describe(tolerance)}`);
  leavesOf(fn, 'params', params);
  const key = options.key;
  check(key === undefined || key instanceof PRNGKey, fn,
    () => `key must be a PRNGKey from random.key(seed), received ${describe(key)}`);

  const lossAndGrad = valueAndGrad(loss as (p: PyTree, k?: PRNGKey) => Tensor);
  let state = optimizer.init(params);
  let current: P = params;
  const losses: number[] = [];
  let applied = 0, reason: StopReason = 'steps', gradNorm = NaN;
  for (let step = 0; step < options.steps; step++) {
    const [value, grads] = (key === undefined ? lossAndGrad(current) : lossAndGrad(current, foldIn(key, step))) as [Tensor, PyTree];
    const l = value.item();
    losses.push(l);
    gradNorm = gradientNorm(grads);
    if (!Number.isFinite(l) || !Number.isFinite(gradNorm)) {
      const last = losses.length > 1 ? `; the previous loss was ${losses[losses.length - 2]} (try a smaller learning rate)` : '';
      throw new TracetapeError(fn, `loss ${l} and gradient norm ${gradNorm} at step ${step}: expected finite values${last}`);
    }
    if (onStep && onStep({ step, loss: l, params: current, gradNorm }) === false) { reason = 'callback'; break; }
    if (gradNorm <= tolerance) { reason = 'tolerance'; break; }
    const [next, nextState] = optimizer.update(grads, state, current);
    current = next as P;
    state = nextState;
    applied++;
  }
  return { params: current, losses, steps: applied, reason, gradNorm };
}
