/** The optimizer interface shared by adam, sgd and minimize, and the learning-rate type (constant or schedule). */
import type { PyTree } from '../tape/index.js';

/** A learning rate: a positive number, or a schedule mapping the update count (0 for the first update) to one. */
export type LearningRate = number | ((count: number) => number);

/** State carried between updates: which optimizer made it, how many updates were applied, and per-parameter buffers. */
export interface OptimizerState {
  /** The optimizer that created this state (`'adam'`, `'sgd'`). */
  readonly kind: string;
  /** Number of updates applied so far. */
  readonly count: number;
}

/** A pure gradient-based optimizer over pytrees of Tensors (nothing is mutated; new params and state are returned). */
export interface Optimizer<S extends OptimizerState = OptimizerState> {
  /** Name used in error messages, e.g. `optim.adam`. */
  readonly name: string;
  /** Fresh state for `params` (buffers of zeros shaped like each Tensor leaf). */
  init(params: PyTree): S;
  /** One step: returns [newParams, newState] (params and grads must have the same structure and leaf shapes). */
  update(grads: PyTree, state: S, params: PyTree): [PyTree, S];
}
