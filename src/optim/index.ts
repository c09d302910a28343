/** The optim module (public namespace tt.optim): pure pytree optimisers (adam, sgd) and the minimize loop. */
export { adam, type AdamOptions, type AdamState } from './adam.js';
export { sgd, type SgdOptions, type SgdState } from './sgd.js';
export { minimize, type MinimizeOptions, type MinimizeResult, type StepInfo, type StopReason } from './minimize.js';
export type { Optimizer, OptimizerState, LearningRate } from './types.js';
