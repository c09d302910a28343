/**
 * Monte-Carlo estimators: `estimator(integrand, sampler, {chunkSize, checkpoint, onProgress})` → (matvec, key, params) ⇒
 * mean of the integrand over the sampler's probes, and `meanAndSem` (adds the standard error). With chunkSize < num the
 * estimate is one tape node (tape `chunkedSum`): the forward keeps a running sum and each chunk's (key, first row); the
 * backward regenerates each chunk's probes from them, reruns its forward and backpropagates it, one chunk at a time.
 */
import { Tensor, fromData } from '../tensor/index.js';
import { type ParallelChunks, type PyTree, type TreeDef, chunkedSum, unflatten, withRecording } from '../tape/index.js';
import { div, maximum, mul, sqrt, sub } from '../ops/index.js';
import { getBackend } from '../backend/index.js';
import * as random from '../random/index.js';
import { TracetapeError, check, checkOptions, checkPositiveInt, describe } from '../util/errors.js';
import { type PortableDescription, portableOf } from '../util/portable.js';
import type { Integrand, Matvec } from './integrands.js';
import { type Sampler, isSampler } from './samplers.js';
import { type ChunkSums, type ProbeChunkSpec, type ProbeChunkState, probeChunkFn, probeValue } from './probe-chunk.js';
import { workerChunks } from './workers/index.js';

/** Largest accepted `workers` option. */
const MAX_WORKERS = 64;

/** Progress of an estimation, reported after every chunk (forward) and every recomputed chunk (backward). */
export interface EstimatorProgress {
  /** 'forward' while sampling, 'backward' while recomputing chunks for the gradient. */
  phase: 'forward' | 'backward';
  /** Probes processed so far in this phase. */
  done: number;
  /** Number of probes. */
  total: number;
  /** Mean over the probes so far (a pytree of Tensors shaped like the integrand's value). */
  estimate: PyTree;
  /** Standard error of that mean (same structure; NaN while fewer than 2 probes are done). */
  sem: PyTree;
}

/** Options of `estimator` and `meanAndSem`. */
export interface EstimatorOptions {
  /**
   * Probes per chunk (default: all `num` at once). chunkSize < num streams the probes chunk by chunk: built-in samplers
   * regenerate any chunk from (key, first row); a plain sampler function is drawn once and its block is sliced.
   */
  chunkSize?: number;
  /** Recompute chunks in backward instead of taping them (default: true when chunkSize < num, else false). */
  checkpoint?: boolean;
  /** Called after every chunk with the running estimate and its standard error. */
  onProgress?: (p: EstimatorProgress) => void;
  /**
   * Worker threads computing the chunks in parallel (Node only; default 0 = in this thread). Needs a built-in operator
   * passed as the matvec (tt.ops.denseMatvec, csrMatvec, kernelMatvec, laplacian2d(...)), a built-in integrand (trace,
   * diagonal, traceAndDiagonal, frobeniusSquared, krylov.slqIntegrand with a named f) and a built-in sampler; a closure
   * is an error (functions cannot be sent to threads). Results equal the in-process ones to rounding, gradients included.
   * The chunks are split into one contiguous range per worker (default chunkSize: ⌈num / workers⌉); this thread blocks
   * until they finish. The pool starts on first use, is reused, never keeps the process alive, and
   * `stochtrace.shutdownWorkers()` ends it. A backward pass that is itself differentiated recomputes chunks in-process.
   */
  workers?: number;
}

/** A built estimator: `(matvec, key, params)` ⇒ estimate, differentiable in the tensor leaves of `params` (any pytree type Q). */
export type Estimator<P = PyTree, R extends PyTree = PyTree> = <Q extends P>(matvec: Matvec<Q>, key: random.PRNGKey, params?: Q) => R;

/** The mean and its standard error, each shaped like the integrand's value. */
export interface MeanAndSem<R extends PyTree = PyTree> {
  mean: R;
  sem: R;
}

interface Core {
  total: (matvec: Matvec<PyTree>, key: random.PRNGKey, params: PyTree) => { s1: Tensor[]; s2: Tensor[]; shift: Tensor[]; def: TreeDef; num: number };
}

function buildCore(fn: string, integrand: Integrand<PyTree, PyTree>, sampler: Sampler | ((key: random.PRNGKey) => Tensor), options: EstimatorOptions | undefined, withSem: boolean): Core {
  check(typeof integrand === 'function', fn, () => `integrand must be a function (matvec, v, params) => value, received ${describe(integrand)}`);
  check(typeof sampler === 'function', fn, () => `sampler must be a function (key) => Tensor[num, n], received ${describe(sampler)}`);
  checkOptions(fn, options, ['chunkSize', 'checkpoint', 'onProgress', 'workers']);
  const chunkOpt = options?.chunkSize;
  if (chunkOpt !== undefined) checkPositiveInt(fn, 'options.chunkSize', chunkOpt);
  const ckptOpt = options?.checkpoint;
  check(ckptOpt === undefined || typeof ckptOpt === 'boolean', fn, () => `options.checkpoint must be a boolean, received ${describe(ckptOpt)}`);
  const onProgress = options?.onProgress;
  check(onProgress === undefined || typeof onProgress === 'function', fn, () => `options.onProgress must be a function, received ${describe(onProgress)}`);
  const needSecond = withSem || onProgress !== undefined;
  const workers = options?.workers ?? 0;
  check(Number.isInteger(workers) && workers >= 0 && workers <= MAX_WORKERS, fn, () => `options.workers must be an integer in 0 … ${MAX_WORKERS}, received ${describe(workers)}`);
  const integrandDesc = portableOf(integrand);
  const samplerDesc = portableOf(sampler);
  if (workers > 0) {
    check(integrandDesc !== null, fn, 'options.workers needs a built-in integrand (stochtrace.trace(), diagonal(), traceAndDiagonal(), frobeniusSquared() or '
      + "krylov.slqIntegrand with a named f such as 'log'): worker threads rebuild it from its description, and a user function cannot be sent to them");
    check(samplerDesc !== null, fn, 'options.workers needs a built-in sampler (stochtrace.rademacher, normal or sphere): worker threads draw their probes from (key, row), '
      + 'and a sampler function cannot be sent to them');
    check(ckptOpt !== false, fn, 'options.workers always recomputes chunks in the backward pass; checkpoint: false cannot be combined with it');
  }

  const total: Core['total'] = (matvec, key, params) => {
    check(typeof matvec === 'function', fn, () => `matvec must be a function (v, params) => Tensor, received ${describe(matvec)}`);
    check(key instanceof random.PRNGKey, fn, () => `key must be a PRNGKey (tt.random.key(seed)), received ${describe(key)}`);
    // Built-in samplers draw any block of rows on their own; a plain function is drawn once and its rows are sliced.
    let rows: (start: number, count: number) => Tensor;
    let num: number;
    if (isSampler(sampler)) {
      num = sampler.num;
      rows = (start, count) => sampler.rows(key, start, count);
    } else {
      const block = sampler(key);
      check(block instanceof Tensor && block.shape.length >= 2, fn, () => `sampler(key) must return a Tensor[num, ...shape], received ${describe(block)}`);
      num = block.shape[0];
      const rs = block.size / num;
      rows = (start, count) => fromData(block._data.subarray(start * rs, (start + count) * rs), [count, ...block.shape.slice(1)]);
    }
    check(!withSem || num >= 2, fn, () => `a standard error needs at least 2 probes, the sampler draws ${num}`);
    const chunk = Math.min(chunkOpt ?? (workers > 0 ? Math.ceil(num / workers) : num), num);
    const numChunks = Math.ceil(num / chunk);
    const checkpoint = ckptOpt ?? numChunks > 1;
    const state: ProbeChunkState = { shift: null, outDef: null };
    const spec: ProbeChunkSpec = { fn, integrand, matvec, rows, chunk, num, needSecond };
    const chunkFn = probeChunkFn(spec, state);
    const progress = onProgress === undefined ? undefined : (phase: 'forward' | 'backward', done: number, sums: readonly Float64Array[]): void => {
      const m = (sums.length / 2) | 0;
      const sh = state.shift as Tensor[];
      const est = sums.slice(0, m).map((s, k) => fromData(s.map((x) => x / done), sh[k].shape));
      const sem = sums.slice(0, m).map((s, k) => {
        const s2 = sums[m + k], K = sh[k]._data;
        return fromData(s.map((x, j) => {
          const d = x - done * K[j];
          return done < 2 ? NaN : Math.sqrt(Math.max(0, (s2[j] - (d * d) / done) / (done - 1)) / done);
        }), sh[k].shape);
      });
      onProgress({ phase, done, total: num, estimate: unflatten(state.outDef as TreeDef, est), sem: unflatten(state.outDef as TreeDef, sem) });
    };
    let parallel: ParallelChunks | undefined;
    if (workers > 0) {
      const op = portableOf(matvec);
      if (op === null) {
        throw new TracetapeError(fn, 'options.workers needs a built-in operator passed as the matvec itself (tt.ops.denseMatvec, csrMatvec, kernelMatvec or a '
          + 'laplacian2d(...) operator), not a function wrapping it: worker threads rebuild the operator from its description, and a closure cannot be sent to them');
      }
      check(getBackend() === 'cpu', fn, () => `options.workers runs the cpu backend in the worker threads; the current backend is '${getBackend()}' (setBackend('cpu') or drop workers)`);
      // Probe 0 here: its value is the shift of the second moments and tells the structure of the sums.
      const first = rows(0, 1);
      withRecording(false, () => probeValue(spec, fromData(first._data, first.shape.slice(1)), params, 0, state));
      parallel = workerChunks({
        fn, workers, op, integrand: integrandDesc as PortableDescription, sampler: samplerDesc as PortableDescription, key, params, chunk, num, numChunks, needSecond,
        shift: state.shift as Tensor[], onProgress: progress,
      });
    }
    const sums = chunkedSum(chunkFn, numChunks, params, {
      name: fn, checkpoint, parallel,
      onChunk: progress ? (pr) => progress(pr.phase, Math.min(pr.done * chunk, num), pr.partial) : undefined,
    }) as unknown as ChunkSums;
    return { s1: sums.s1, s2: sums.s2, shift: state.shift as Tensor[], def: state.outDef as TreeDef, num };
  };
  return { total };
}

/**
 * Monte-Carlo estimator: `(matvec, key, params)` ⇒ mean over the sampler's probes of `integrand(matvec, v, params)`,
 * differentiable in `params`. Probes are the same for every chunkSize, so results agree across chunk sizes to rounding.
 */
export function estimator<P = PyTree, R extends PyTree = PyTree>(integrand: Integrand<P, R>, sampler: Sampler | ((key: random.PRNGKey) => Tensor), options?: EstimatorOptions): Estimator<P, R> {
  const core = buildCore('stochtrace.estimator', integrand as unknown as Integrand<PyTree, PyTree>, sampler, options, false);
  return (matvec, key, params) => {
    const { s1, def, num } = core.total(matvec as unknown as Matvec<PyTree>, key, params as PyTree);
    return unflatten<R>(def, s1.map((s) => div(s, num)));
  };
}

/** Like `estimator`, but returns `{mean, sem}`: the mean and its standard error sqrt(sample variance / num), both differentiable. */
export function meanAndSem<P = PyTree, R extends PyTree = PyTree>(integrand: Integrand<P, R>, sampler: Sampler | ((key: random.PRNGKey) => Tensor), options?: EstimatorOptions): Estimator<P, MeanAndSem<R>> {
  const core = buildCore('stochtrace.meanAndSem', integrand as unknown as Integrand<PyTree, PyTree>, sampler, options, true);
  return (matvec, key, params) => {
    const { s1, s2, shift, def, num } = core.total(matvec as unknown as Matvec<PyTree>, key, params as PyTree);
    const mean = s1.map((s) => div(s, num));
    // Shifted sums (shift = probe 0's value, a constant) avoid cancellation: var = (Σ(x−K)² − (Σx − N·K)²/N) / (N − 1).
    const sem = s1.map((s, k) => {
      const d = sub(s, mul(shift[k], num));
      const variance = div(sub(s2[k], div(mul(d, d), num)), num - 1);
      return sqrt(div(maximum(variance, 0), num));
    });
    return { mean: unflatten<R>(def, mean), sem: unflatten<R>(def, sem) };
  };
}
