/**
 * Parallel chunks for stochtrace estimators (option `workers`, Node only): the worker pool, its shutdown, and the runner
 * the estimator hands to chunkedSum. The workers' entry point hangs on `shutdownWorkers` under a registered symbol, so a
 * worker that imports the library (sources or bundle) finds it without it being public API.
 */
import { WORKER_MAIN } from './protocol.js';
import { shutdownWorkers } from './pool.js';
import { serveJobs } from './worker-main.js';

Object.defineProperty(shutdownWorkers, Symbol.for(WORKER_MAIN), { value: serveJobs, enumerable: false });

export { shutdownWorkers, workerCount } from './pool.js';
export { workerChunks, chunkRanges, type WorkerEstimate } from './runner.js';
