/**
 * chunkedSum: the trace-aware checkpoint. Σ_c chunkFn(c, params) is recorded as ONE tape node whose forward keeps only
 * the running sum, and whose VJP recomputes chunk c from its index (and whatever key it derives from it) and
 * backpropagates it, one chunk at a time: memory is O(one chunk) in forward and in backward.
 */
import { Tensor, allocate, methodTable, type DType } from '../tensor/index.js';
import { TracetapeError, fmtShape } from '../util/errors.js';
import { isRecording, record } from './node.js';
import { tapeState, withRecording } from './state.js';
import { type PyTree, type TreeDef, flatten, unflatten } from './pytree.js';
import { detach, vjp } from './transforms.js';

/** Progress of a chunked reduction, reported after every chunk of the forward and (when differentiated) of the backward. */
export interface ChunkProgress {
  /** 'forward' while summing, 'backward' while recomputing chunks for the gradient. */
  phase: 'forward' | 'backward';
  /** Chunks finished in this phase. */
  done: number;
  /** Number of chunks. */
  total: number;
  /** Running sum of the chunk outputs (forward), or the final sum (backward); flat leaves in pytree order. */
  partial: readonly Float64Array[];
}

/** Options of chunkedSum. */
export interface ChunkedSumOptions {
  /** Name used in error messages (the public function). */
  name: string;
  /** true: one node, chunks recomputed in backward; false: every chunk is taped normally. */
  checkpoint: boolean;
  /** Called after every chunk. */
  onChunk?: (p: ChunkProgress) => void;
  /**
   * @internal Run the chunks elsewhere (worker threads, see stochtrace's `workers` option): the forward and a first-order
   * backward go to the runner, always as one checkpointed node; a backward that is itself differentiated recomputes the
   * chunks here with chunkFn. The runner reports progress itself (onChunk is not called).
   */
  parallel?: ParallelChunks;
}

/** @internal Chunks summed off this thread: float64 sums of the outputs (forward) and of the parameter VJPs (backward). */
export interface ParallelChunks {
  /** Structure of one chunk's output, and its leaves' shapes and dtypes. */
  readonly def: TreeDef;
  readonly shapes: readonly number[][];
  readonly dtypes: readonly DType[];
  /** Σ_c of every output leaf of chunk c (pytree leaf order). */
  forward(): Float64Array[];
  /** Σ_c of the VJP of chunk c w.r.t. each param leaf for output cotangents `cts` (null where `wanted[k]` is false). */
  backward(cts: readonly (Float64Array | Float32Array)[], wanted: readonly boolean[]): (Float64Array | null)[];
}

/** @internal Throw unless every value of chunk `chunk`'s output leaves is finite. */
export function checkFinite(name: string, leaves: readonly Tensor[], chunk: number): void {
  for (let k = 0; k < leaves.length; k++) {
    const d = leaves[k]._data;
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i])) {
        throw new TracetapeError(name, `chunk ${chunk} produced a non-finite value (${d[i]}) in output leaf ${k} at index ${i}; check the matvec/function for NaN or Inf`);
      }
    }
  }
}

function sameStructure(a: TreeDef, b: TreeDef): boolean {
  return JSON.stringify(a, (_k, v: unknown) => (typeof v === 'function' ? 'fn' : v)) === JSON.stringify(b, (_k, v: unknown) => (typeof v === 'function' ? 'fn' : v));
}

/**
 * @internal Run chunk 0 taped against fresh copies of the parameter leaves and walk its graph: every path must end at those
 * copies. A path that reaches any other tracked tensor means chunkFn closes over something being differentiated,
 * whose gradient a recomputing backward would silently drop, so it is an error. Costs one chunk's tape, briefly.
 */
export function firstChunkChecked<R extends PyTree>(name: string, chunkFn: (chunk: number, params: PyTree) => R, paramLeaves: Tensor[], paramDef: TreeDef): R {
  const fresh = paramLeaves.map((l) => { const t = new Tensor(l._data, l.shape); t._leaf = true; return t; });
  const out = withRecording(true, () => chunkFn(0, unflatten<PyTree>(paramDef, fresh)));
  const own = new Set(fresh);
  const seen = new Set<unknown>();
  const stack: Tensor[] = flatten(out)[0].slice();
  while (stack.length > 0) {
    const t = stack.pop() as Tensor;
    if (own.has(t) || seen.has(t)) continue;
    seen.add(t);
    if (t._leaf) {
      throw new TracetapeError(name, `the chunk function uses a tensor of shape ${fmtShape(t.shape)} that is being differentiated but was not passed in `
        + 'params (a closure): its gradient would be lost when chunks are recomputed. Pass it through params, or use checkpoint: false');
    }
    const node = t._node as { parents: readonly Tensor[] } | null;
    if (node !== null && !seen.has(node)) { seen.add(node); for (const p of node.parents) stack.push(p); }
  }
  return out;
}

/**
 * Sum of `chunkFn(c, params)` over chunks c = 0 … numChunks − 1 (pytree outputs of identical structure and shapes),
 * differentiable in the tensor leaves of `params`. `chunkFn` must be deterministic in (c, params): with `checkpoint`
 * the backward calls it again for each chunk. With checkpoint, closing over a tensor being differentiated is an error.
 */
export function chunkedSum<R extends PyTree>(chunkFn: (chunk: number, params: PyTree) => R, numChunks: number, params: PyTree, options: ChunkedSumOptions): R {
  const { name, checkpoint, onChunk } = options;
  if (options.parallel !== undefined) return parallelChunkedSum<R>(name, chunkFn, numChunks, params, options.parallel);
  const [paramLeaves, paramDef] = flatten(params);
  const taped = isRecording(paramLeaves);
  if (!taped || !checkpoint) {
    // Plain loop in the current recording state: with checkpoint off every chunk stays on the tape until backward;
    // with nothing to differentiate in params nothing is recorded (unless chunkFn closes over tracked tensors, which
    // then get correct gradients through the tape).
    let acc: Tensor[] | null = null;
    let def: TreeDef | null = null;
    const sums: Float64Array[] = [];
    for (let c = 0; c < numChunks; c++) {
      const [leaves, d] = flatten(chunkFn(c, params));
      checkFinite(name, leaves, c);
      if (acc === null) { acc = leaves; def = d; leaves.forEach((l) => sums.push(Float64Array.from(l._data))); } else {
        if (!sameStructure(def as TreeDef, d) || leaves.length !== acc.length) throw new TracetapeError(name, `chunk ${c} returned a result whose structure differs from chunk 0`);
        acc = acc.map((a, k) => methodTable.call('add', a, leaves[k]));
        acc.forEach((a, k) => sums[k].set(a._data));
      }
      onChunk?.({ phase: 'forward', done: c + 1, total: numChunks, partial: sums });
    }
    if (def === null) throw new TracetapeError(name, 'there are no chunks to sum (numChunks must be ≥ 1)');
    return unflatten<R>(def, acc as Tensor[]);
  }
  // Untaped forward: keep only the running sum (float64 accumulators).
  let sums: Float64Array[] = [];
  let shapes: number[][] = [];
  let dtypes: Tensor['dtype'][] = [];
  let outDef: TreeDef | null = null;
  withRecording(false, () => {
    for (let c = 0; c < numChunks; c++) {
      const [leaves, d] = flatten(c === 0 ? firstChunkChecked(name, chunkFn, paramLeaves, paramDef) : chunkFn(c, params));
      checkFinite(name, leaves, c);
      if (outDef === null) {
        outDef = d;
        shapes = leaves.map((l) => l.shape.slice());
        dtypes = leaves.map((l) => l.dtype);
        sums = leaves.map((l) => Float64Array.from(l._data));
      } else {
        if (!sameStructure(outDef, d) || leaves.length !== sums.length || leaves.some((l, k) => l.size !== sums[k].length)) {
          throw new TracetapeError(name, `chunk ${c} returned a result whose structure or shapes differ from chunk 0`);
        }
        for (let k = 0; k < leaves.length; k++) {
          const s = sums[k], x = leaves[k]._data;
          for (let i = 0; i < s.length; i++) s[i] += x[i];
        }
      }
      onChunk?.({ phase: 'forward', done: c + 1, total: numChunks, partial: sums });
    }
  });
  const def = outDef as TreeDef | null;
  if (def === null) throw new TracetapeError(name, 'there are no chunks to sum (numChunks must be ≥ 1)');
  const outs = sums.map((s, k) => {
    const data = allocate(dtypes[k], s.length);
    data.set(s);
    return new Tensor(data, shapes[k]);
  });
  if (!taped) return unflatten<R>(def, outs);
  const fresh = outs.map(detach);
  const finalSums = sums;
  record(`${name}:chunkedSum`, fresh, paramLeaves, (cts) => {
    const ctTree = unflatten<PyTree>(def, cts.map((g, k) => g ?? new Tensor(allocate(dtypes[k], fresh[k].size), shapes[k])));
    return recomputedVjp(chunkFn, numChunks, params, paramLeaves, ctTree, onChunk, finalSums);
  });
  return unflatten<R>(def, fresh);
}

/**
 * @internal The backward of a checkpointed chunked sum: Σ_c VJP of chunk c (recomputed here) for the cotangent tree,
 * one chunk at a time; accumulated in float64 unless this backward is itself recorded (then with taped adds).
 */
export function recomputedVjp(chunkFn: (chunk: number, params: PyTree) => PyTree, numChunks: number, params: PyTree, paramLeaves: readonly Tensor[],
  ctTree: PyTree, onChunk: ((p: ChunkProgress) => void) | undefined, finalSums: readonly Float64Array[]): Tensor[] {
  const createGraph = tapeState.recording;
  let accT: (Tensor | null)[] | null = null;
  let accRaw: (Float64Array | null)[] | null = null;
  for (let c = 0; c < numChunks; c++) {
    const [, pullback] = vjp((p: PyTree) => chunkFn(c, p), params);
    const [gLeaves] = flatten(pullback(ctTree)[0]);
    if (createGraph) {
      accT = accT === null ? gLeaves : accT.map((a, k) => (a === null ? gLeaves[k] : methodTable.call('add', a, gLeaves[k])));
    } else {
      if (accRaw === null) accRaw = gLeaves.map((g) => Float64Array.from(g._data));
      else for (let k = 0; k < gLeaves.length; k++) {
        const a = accRaw[k] as Float64Array, x = gLeaves[k]._data;
        for (let i = 0; i < a.length; i++) a[i] += x[i];
      }
    }
    onChunk?.({ phase: 'backward', done: c + 1, total: numChunks, partial: finalSums });
  }
  if (createGraph) return accT as Tensor[];
  return (accRaw as Float64Array[]).map((a, k) => {
    const data = allocate(paramLeaves[k].dtype, a.length);
    data.set(a);
    return new Tensor(data, paramLeaves[k].shape);
  });
}

/** chunkedSum with a runner: one node whose forward and first-order backward run in the runner. */
function parallelChunkedSum<R extends PyTree>(name: string, chunkFn: (chunk: number, params: PyTree) => R, numChunks: number, params: PyTree, runner: ParallelChunks): R {
  const [paramLeaves] = flatten(params);
  const { def, shapes, dtypes } = runner;
  const sums = runner.forward();
  const outs = sums.map((s, k) => {
    const data = allocate(dtypes[k], s.length);
    data.set(s);
    return new Tensor(data, shapes[k].slice());
  });
  if (!isRecording(paramLeaves)) return unflatten<R>(def, outs);
  const fresh = outs.map(detach);
  record(`${name}:chunkedSum`, fresh, paramLeaves, (cts) => {
    if (tapeState.recording) {
      // This backward is itself being differentiated: worker threads cannot tape, so recompute the chunks here.
      const ctTree = unflatten<PyTree>(def, cts.map((g, k) => g ?? new Tensor(allocate(dtypes[k], fresh[k].size), shapes[k].slice())));
      return recomputedVjp(chunkFn, numChunks, params, paramLeaves, ctTree, undefined, sums);
    }
    const ctData = cts.map((g, k) => (g === null ? allocate(dtypes[k], fresh[k].size) : g._data.slice()) as Float64Array | Float32Array);
    const grads = runner.backward(ctData, paramLeaves.map((l) => l._tracked));
    return grads.map((g, k) => {
      if (g === null) return null;
      const data = allocate(paramLeaves[k].dtype, g.length);
      data.set(g);
      return new Tensor(data, paramLeaves[k].shape.slice());
    });
  });
  return unflatten<R>(def, fresh);
}
