/**
 * chunkedSum: the trace-aware checkpoint. Σ_c chunkFn(c, params) is recorded as ONE tape node whose forward keeps only
 * the running sum, and whose VJP recomputes chunk c from its index (and whatever key it derives from it) and
 * backpropagates it, one chunk at a time: memory is O(one chunk) in forward and in backward.
 */
import { Tensor, allocate, methodTable } from '../tensor/index.js';
import { TracetapeError } from '../util/errors.js';
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
}

function checkFinite(name: string, leaves: readonly Tensor[], chunk: number): void {
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
 * Sum of `chunkFn(c, params)` over chunks c = 0 … numChunks − 1 (pytree outputs of identical structure and shapes),
 * differentiable in the tensor leaves of `params`. `chunkFn` must be deterministic in (c, params): with `checkpoint`
 * the backward calls it again for each chunk. Tensors that `chunkFn` closes over receive no gradient.
 */
export function chunkedSum<R extends PyTree>(chunkFn: (chunk: number, params: PyTree) => R, numChunks: number, params: PyTree, options: ChunkedSumOptions): R {
  const { name, checkpoint, onChunk } = options;
  const [paramLeaves] = flatten(params);
  const taped = isRecording(paramLeaves);
  if (taped && !checkpoint) {
    // Plain taped loop: every chunk's intermediates stay on the tape until backward.
    let acc: Tensor[] | null = null;
    let def: TreeDef | null = null;
    const sums: Float64Array[] = [];
    for (let c = 0; c < numChunks; c++) {
      const [leaves, d] = flatten(chunkFn(c, params));
      checkFinite(name, leaves, c);
      if (acc === null) { acc = leaves; def = d; leaves.forEach((l) => sums.push(Float64Array.from(l._data))); } else {
        acc = acc.map((a, k) => methodTable.call('add', a, leaves[k]));
        acc.forEach((a, k) => sums[k].set(a._data));
      }
      onChunk?.({ phase: 'forward', done: c + 1, total: numChunks, partial: sums });
    }
    return unflatten<R>(def as TreeDef, acc as Tensor[]);
  }
  // Untaped forward: keep only the running sum (float64 accumulators).
  let sums: Float64Array[] = [];
  let shapes: number[][] = [];
  let dtypes: Tensor['dtype'][] = [];
  let outDef: TreeDef | null = null;
  withRecording(false, () => {
    for (let c = 0; c < numChunks; c++) {
      const [leaves, d] = flatten(chunkFn(c, params));
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
    const createGraph = tapeState.recording;
    const ctTree = unflatten<PyTree>(def, cts.map((g, k) => g ?? new Tensor(allocate(dtypes[k], fresh[k].size), shapes[k])));
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
  });
  return unflatten<R>(def, fresh);
}
