/**
 * One chunk of a Monte-Carlo estimate: the integrand over probes start … start+count−1, summed (s1) and, when needed,
 * with the shifted squares Σ(x − K)² (s2, K = probe 0's value) for the standard error. Shared by the in-process estimator
 * and the worker threads, so both compute every chunk with the same code.
 */
import { Tensor, fromData } from '../tensor/index.js';
import { type PyTree, type TreeDef, flatten } from '../tape/index.js';
import { add, mul, sub } from '../ops/index.js';
import { TracetapeError, check, describe, fmtShape } from '../util/errors.js';
import type { Integrand, Matvec } from './integrands.js';

/** What the chunks of one estimate share: the shift K (probe 0's value) and the integrand's output structure. */
export interface ProbeChunkState {
  shift: Tensor[] | null;
  outDef: TreeDef | null;
}

/** The sums of one chunk: s1 = Σ values, s2 = Σ (value − shift)² (empty unless needed), leaves in pytree order. */
export interface ChunkSums {
  s1: Tensor[];
  s2: Tensor[];
}

/** How to compute the chunks of an estimate. */
export interface ProbeChunkSpec {
  /** Public function name for errors. */
  fn: string;
  integrand: Integrand<PyTree, PyTree>;
  matvec: Matvec<PyTree>;
  /** Probe rows start … start+count−1 as a Tensor[count, ...shape]. */
  rows: (start: number, count: number) => Tensor;
  /** Probes per chunk and in all. */
  chunk: number;
  num: number;
  /** Whether s2 is needed (standard error or progress). */
  needSecond: boolean;
}

/** The integrand's value for ONE probe as flat leaves; records the shift and structure on the first call. */
export function probeValue(spec: ProbeChunkSpec, v: Tensor, params: PyTree, index: number, state: ProbeChunkState): Tensor[] {
  const { fn } = spec;
  const value = spec.integrand(spec.matvec, v, params);
  const [leaves, def] = flatten(value);
  if (leaves.length === 0) throw new TracetapeError(fn, `the integrand must return a Tensor or a pytree of Tensors, received ${describe(value)}`);
  if (state.outDef === null) state.outDef = def;
  if (state.shift === null) state.shift = leaves.map((l) => fromData(l._data.slice(), l.shape));
  const shift = state.shift;
  if (leaves.length !== shift.length) throw new TracetapeError(fn, `the integrand returned ${leaves.length} leaves for probe ${index} but ${shift.length} for probe 0`);
  leaves.forEach((l, k) => check(l.size === shift[k].size, fn,
    () => `the integrand returned shape ${fmtShape(l.shape)} for probe ${index} but ${fmtShape(shift[k].shape)} for probe 0`));
  return leaves;
}

/** The chunk function `(c, params) => {s1, s2}` over chunk c's probes (differentiable in params). */
export function probeChunkFn(spec: ProbeChunkSpec, state: ProbeChunkState): (c: number, params: PyTree) => ChunkSums {
  const { chunk, num, needSecond } = spec;
  return (c, p) => {
    const start = c * chunk, count = Math.min(chunk, num - start);
    const block = spec.rows(start, count);
    const probeShape = block.shape.slice(1);
    const rs = block.size / count;
    let s1: Tensor[] | null = null, s2: Tensor[] | null = null;
    for (let i = 0; i < count; i++) {
      const v = fromData(block._data.subarray(i * rs, (i + 1) * rs), probeShape);
      const leaves = probeValue(spec, v, p, start + i, state);
      s1 = s1 === null ? leaves : s1.map((a, k) => add(a, leaves[k]));
      if (needSecond) {
        const shift = state.shift as Tensor[];
        const sq = leaves.map((l, k) => { const d = sub(l, shift[k]); return mul(d, d); });
        s2 = s2 === null ? sq : s2.map((a, k) => add(a, sq[k]));
      }
    }
    return { s1: s1 as Tensor[], s2: s2 ?? [] };
  };
}
