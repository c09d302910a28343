/**
 * workerChunks: the chunks of one estimate run on the worker pool, as chunkedSum's `parallel` runner. The chunks are
 * split into contiguous ranges, one per worker; each worker sums its range in float64 and the ranges' sums are added
 * here in worker order, so a result depends only on (key, params, number of workers) and equals the in-process one to
 * rounding. Progress replies are merged into the estimator's progress callback (probes done across all workers).
 */
import type { Tensor } from '../../tensor/index.js';
import { type ParallelChunks, type PyTree, flatten } from '../../tape/index.js';
import type { PRNGKey } from '../../random/index.js';
import type { PortableDescription } from '../../util/portable.js';
import type { JobMessage } from './protocol.js';
import { type JobResult, runJobs } from './pool.js';

/** What the workers need to compute an estimate's chunks. */
export interface WorkerEstimate {
  fn: string;
  workers: number;
  op: PortableDescription;
  integrand: PortableDescription;
  sampler: PortableDescription;
  key: PRNGKey;
  params: PyTree;
  chunk: number;
  num: number;
  numChunks: number;
  needSecond: boolean;
  /** Probe 0's value, leaf by leaf (computed by the caller). */
  shift: Tensor[];
  /** Progress in probes: after every chunk any worker finishes, with the running sums (s1 leaves, then s2 leaves). */
  onProgress?: (phase: 'forward' | 'backward', done: number, sums: readonly Float64Array[]) => void;
}

function addSums(target: Float64Array[] | null, add: JobResult): Float64Array[] {
  if (target === null) return add.map((a) => Float64Array.from(a as Float64Array));
  for (let k = 0; k < target.length; k++) {
    const t = target[k], a = add[k] as Float64Array;
    for (let i = 0; i < t.length; i++) t[i] += a[i];
  }
  return target;
}

/** Chunk ranges [first, last) for up to `workers` workers, as even as possible. */
export function chunkRanges(numChunks: number, workers: number): [number, number][] {
  const used = Math.min(workers, numChunks);
  const out: [number, number][] = [];
  for (let w = 0; w < used; w++) out.push([Math.floor((w * numChunks) / used), Math.floor(((w + 1) * numChunks) / used)]);
  return out;
}

/** The runner of one estimate (see the file comment). */
export function workerChunks(e: WorkerEstimate): ParallelChunks {
  const outLeaves = e.needSecond ? [...e.shift, ...e.shift] : e.shift;
  const [, def] = flatten({ s1: e.shift, s2: e.needSecond ? e.shift : [] });
  const ranges = chunkRanges(e.numChunks, e.workers);
  const probesIn = (w: number, done: number): number => {
    const first = ranges[w][0];
    return Math.min((first + done) * e.chunk, e.num) - first * e.chunk;
  };
  const base = (type: JobMessage['type'], w: number): JobMessage => ({
    type, fn: e.fn, op: e.op, integrand: e.integrand, sampler: e.sampler, key: [e.key.k0, e.key.k1], params: e.params,
    chunk: e.chunk, num: e.num, needSecond: e.needSecond,
    shift: e.shift.map((s) => ({ data: s._data as Float64Array | Float32Array, shape: s.shape.slice() })),
    first: ranges[w][0], last: ranges[w][1], progress: e.onProgress !== undefined,
  });
  let finalSums: Float64Array[] = [];
  const progressOf = (phase: 'forward' | 'backward', partial: (JobResult | null)[]) => {
    const doneChunks = ranges.map(() => 0);
    return (w: number, done: number, sums: JobResult): void => {
      doneChunks[w] = done;
      if (phase === 'forward') partial[w] = sums;
      let probes = 0;
      for (let i = 0; i < ranges.length; i++) probes += probesIn(i, doneChunks[i]);
      let merged: Float64Array[] | null = null;
      if (phase === 'forward') for (const p of partial) if (p !== null) merged = addSums(merged, p);
      e.onProgress?.(phase, probes, phase === 'forward' ? merged as Float64Array[] : finalSums);
    };
  };
  return {
    def,
    shapes: outLeaves.map((l) => l.shape.slice()),
    dtypes: outLeaves.map((l) => l.dtype),
    forward(): Float64Array[] {
      const results = runJobs(e.fn, ranges.map((_, w) => base('forward', w)), progressOf('forward', ranges.map(() => null)));
      let total: Float64Array[] | null = null;
      for (const r of results) total = addSums(total, r);
      finalSums = total as Float64Array[];
      return finalSums;
    },
    backward(cts: readonly (Float64Array | Float32Array)[], wanted: readonly boolean[]): (Float64Array | null)[] {
      const jobs = ranges.map((_, w) => ({ ...base('backward', w), cts: cts.slice(), wanted: wanted.slice() }));
      const results = runJobs(e.fn, jobs, progressOf('backward', []));
      return wanted.map((want, k) => {
        if (!want) return null;
        const t = Float64Array.from(results[0][k] as Float64Array);
        for (let w = 1; w < results.length; w++) {
          const a = results[w][k] as Float64Array;
          for (let i = 0; i < t.length; i++) t[i] += a[i];
        }
        return t;
      });
    },
  };
}
