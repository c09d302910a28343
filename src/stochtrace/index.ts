/** The stochtrace module (public namespace tt.stochtrace): samplers, integrands, Monte-Carlo and variance-reduced trace/diagonal estimators. */
export { rademacher, normal, sphere, isSampler, type Sampler, type SamplerOptions } from './samplers.js';
export { trace, diagonal, traceAndDiagonal, frobeniusSquared, type Integrand, type Matvec } from './integrands.js';
export { estimator, meanAndSem, type Estimator, type EstimatorOptions, type EstimatorProgress, type MeanAndSem } from './estimator.js';
export { hutchpp, type HutchppOptions } from './hutchpp.js';
export { xtrace, xdiag, type EstimateWithError } from './xtrace.js';
export { bekasDiagonal } from './bekas.js';
export { shutdownWorkers } from './workers/index.js';
