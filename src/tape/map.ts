/**
 * map and mapReduce: sequential loops over the leading axis of a pytree (JAX `lax.map` analogues) with optional
 * chunk-wise rematerialisation; mapReduce sums the results and never stacks them (constant memory, e.g. bootstrap).
 */
import { Tensor } from '../tensor/index.js';
import { TracetapeError, check, checkOptions, checkPositiveInt, describe, fmtShape } from '../util/errors.js';
import { isRecording } from './node.js';
import { type PyTree, type TreeDef, flatten, unflatten } from './pytree.js';
import { checkpoint as checkpointFn } from './custom.js';
import { takeRow, takeRows, concatRows } from './rows.js';
import { chunkedSum, firstChunkChecked } from './chunked-sum.js';

export { chunkedSum, type ChunkProgress, type ChunkedSumOptions } from './chunked-sum.js';

/** Options of `map`. */
export interface MapOptions<P extends PyTree = PyTree> {
  /** Elements per chunk (default 1); with `checkpoint`, one chunk is the unit recomputed in backward. */
  batchSize?: number;
  /** Keep only each chunk's inputs in forward and recompute the chunk in backward (default false). */
  checkpoint?: boolean;
  /** Extra argument passed to `f` as its second argument; gradients reach its tensor leaves (required for tensors being differentiated when `checkpoint` is on). */
  params?: P;
}

/** Progress of mapReduce, reported after every chunk of the forward and of the backward. */
export interface MapReduceProgress {
  phase: 'forward' | 'backward';
  done: number;
  total: number;
}

/** Options of `mapReduce`. */
export interface MapReduceOptions<P extends PyTree = PyTree> extends MapOptions<P> {
  /** 'sum' (default) or 'mean' of f over the elements. */
  reduce?: 'sum' | 'mean';
  /** Called after every chunk (forward and backward). */
  onProgress?: (p: MapReduceProgress) => void;
}

interface Split { leaves: Tensor[]; rows: number; rowTree: (i: number) => PyTree }

function splitLeading(fn: string, xs: unknown): Split {
  const [leaves, def] = flatten(xs);
  check(leaves.length > 0, fn, () => `xs must be a Tensor or a pytree with Tensor leaves, received ${describe(xs)}`);
  for (const l of leaves) check(l.shape.length >= 1, fn, () => `every leaf of xs needs a leading axis, received a scalar of shape ${fmtShape(l.shape)}`);
  const rows = leaves[0].shape[0];
  for (const l of leaves) check(l.shape[0] === rows, fn, () => `all leaves of xs must share the leading dimension: ${rows} vs ${l.shape[0]} (shape ${fmtShape(l.shape)})`);
  check(rows >= 1, fn, 'xs must have at least one element along its leading axis (received 0)');
  return { leaves, rows, rowTree: (i) => unflatten<PyTree>(def, leaves.map((l) => takeRow(l, i))) };
}

function readOptions(fn: string, options: MapReduceOptions | undefined, allowed: string[]): { batch: number; ckpt: boolean } {
  checkOptions(fn, options, allowed);
  const batch = options?.batchSize ?? 1;
  checkPositiveInt(fn, 'options.batchSize', batch);
  const ckpt = options?.checkpoint ?? (fn === 'mapReduce');
  check(typeof ckpt === 'boolean', fn, () => `options.checkpoint must be a boolean, received ${describe(ckpt)}`);
  return { batch, ckpt };
}

function checkOut(fn: string, out: unknown, i: number): Tensor[] {
  const [leaves] = flatten(out);
  check(leaves.length > 0, fn, () => `f must return a Tensor or a pytree of Tensors, received ${describe(out)} for element ${i}`);
  return leaves;
}

/** Stack per-element output leaves along a new leading axis, checking that every element has the same leaves and shapes. */
function stackOutputs(fn: string, per: Tensor[][]): Tensor[] {
  return per[0].map((l0, k) => {
    for (let i = 1; i < per.length; i++) {
      check(per[i].length === per[0].length, fn, () => `f returned ${per[i].length} leaves for element ${i} but ${per[0].length} for element 0`);
      const s = per[i][k].shape;
      check(s.length === l0.shape.length && s.every((d, j) => d === l0.shape[j]), fn, () => `f returned shape ${fmtShape(s)} for element ${i} but ${fmtShape(l0.shape)} for element 0 (output leaf ${k})`);
    }
    return concatRows(per.map((o) => o[k]), true);
  });
}

/**
 * Apply `f(x_i, params)` to every element x_i of `xs` along its leading axis, sequentially, and stack the results
 * (`lax.map`). With `{checkpoint: true}` each chunk of `batchSize` elements is one checkpoint: backward recomputes it;
 * tensors being differentiated must then reach f through xs or `params` (a closure over one is reported as an error).
 */
export function map<R extends PyTree, P extends PyTree = PyTree>(f: (x: PyTree, params: P) => R, xs: PyTree, options?: MapOptions<P>): R {
  const fn = 'map';
  check(typeof f === 'function', fn, () => `f must be a function, received ${describe(f)}`);
  const { batch, ckpt } = readOptions(fn, options, ['batchSize', 'checkpoint', 'params']);
  const params = options?.params as P;
  const split = splitLeading(fn, xs);
  const outRef: { def: TreeDef | null } = { def: null };
  const parts: Tensor[][] = [];
  const runChunk = (chunkLeaves: Tensor[], p: P, count: number): Tensor[] => {
    const [, def] = flatten(xs);
    const per: Tensor[][] = [];
    for (let i = 0; i < count; i++) {
      const x = unflatten<PyTree>(def, chunkLeaves.map((l) => takeRow(l, i)));
      const out = f(x, p);
      per.push(checkOut(fn, out, i));
      if (outRef.def === null) outRef.def = flatten(out)[1];
    }
    return stackOutputs(fn, per);
  };
  if (!ckpt || !isRecording([...split.leaves, ...flatten(params)[0]])) {
    const per: Tensor[][] = [];
    for (let i = 0; i < split.rows; i++) {
      const out = f(split.rowTree(i), params);
      const [leaves, d] = flatten(out);
      check(leaves.length > 0, fn, () => `f must return a Tensor or a pytree of Tensors, received ${describe(out)}`);
      if (outRef.def === null) outRef.def = d;
      per.push(leaves);
    }
    return unflatten<R>(outRef.def as TreeDef, stackOutputs(fn, per));
  }
  // Closures over tensors being differentiated would lose their gradient in the recomputation: check chunk 0 once.
  {
    const count = Math.min(batch, split.rows);
    const probe = { cl: split.leaves.map((l) => takeRows(l, 0, count)), p: params };
    const [pl, pd] = flatten(probe);
    firstChunkChecked(fn, (_c, P) => { const q = P as { cl: Tensor[]; p: P }; return runChunk(q.cl, q.p, count); }, pl, pd);
  }
  for (let s = 0; s < split.rows; s += batch) {
    const count = Math.min(batch, split.rows - s);
    const chunkLeaves = split.leaves.map((l) => takeRows(l, s, count));
    const chunk = checkpointFn((cl: Tensor[], p: P) => runChunk(cl, p, count));
    parts.push(chunk(chunkLeaves, params));
  }
  const out = parts[0].map((_, k) => (parts.length === 1 ? parts[0][k] : concatRows(parts.map((p) => p[k]), false)));
  return unflatten<R>(outRef.def as TreeDef, out);
}

/**
 * Σ_i f(x_i, params) (or the mean) over the leading axis of `xs`, chunk by chunk, without ever stacking the results.
 * With `checkpoint` (the default) the whole loop is one tape node: forward keeps only the running sum and backward
 * recomputes each chunk, so memory is one chunk's worth in both passes. Gradients reach the tensor leaves of `params`
 * and of `xs`; tensors that f merely closes over receive none.
 */
export function mapReduce<R extends PyTree, P extends PyTree = PyTree>(f: (x: PyTree, params: P) => R, xs: PyTree, options?: MapReduceOptions<P>): R {
  const fn = 'mapReduce';
  check(typeof f === 'function', fn, () => `f must be a function, received ${describe(f)}`);
  const { batch, ckpt } = readOptions(fn, options, ['batchSize', 'checkpoint', 'params', 'reduce', 'onProgress']);
  const reduce = options?.reduce ?? 'sum';
  check(reduce === 'sum' || reduce === 'mean', fn, () => `options.reduce must be 'sum' or 'mean', received ${describe(reduce)}`);
  const onProgress = options?.onProgress;
  check(onProgress === undefined || typeof onProgress === 'function', fn, () => `options.onProgress must be a function, received ${describe(onProgress)}`);
  const split = splitLeading(fn, xs);
  const [, xsDef] = flatten(xs);
  const numChunks = Math.ceil(split.rows / batch);
  const xsTracked = isRecording(split.leaves);
  const chunkFn = (c: number, all: PyTree): PyTree => {
    const { xsLeaves, params } = all as { xsLeaves: Tensor[] | null; params: P };
    const leaves = xsLeaves ?? split.leaves;
    const start = c * batch, count = Math.min(batch, split.rows - start);
    let acc: Tensor[] | null = null;
    let def: TreeDef | null = null;
    for (let i = start; i < start + count; i++) {
      const out = f(unflatten<PyTree>(xsDef, leaves.map((l) => takeRow(l, i))), params);
      const [o, d] = flatten(out);
      if (acc === null) { acc = checkOut(fn, out, i); def = d; continue; }
      if (o.length !== acc.length) throw new TracetapeError(fn, `f returned ${o.length} leaves for element ${i} but ${acc.length} for element ${start}`);
      acc = acc.map((a, k) => a.add(o[k]));
    }
    return unflatten<PyTree>(def as TreeDef, acc as Tensor[]);
  };
  const total = chunkedSum(chunkFn, numChunks, { xsLeaves: xsTracked ? split.leaves : null, params: options?.params ?? null }, {
    name: fn, checkpoint: ckpt,
    onChunk: onProgress ? (p) => onProgress({ phase: p.phase, done: p.done, total: p.total }) : undefined,
  });
  if (reduce === 'sum') return total as R;
  const [leaves, def] = flatten(total);
  return unflatten<R>(def, leaves.map((l) => l.div(split.rows)));
}
