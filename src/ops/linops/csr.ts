/**
 * csrMatvec: sparse A v with A in compressed-sparse-row form built once from (row, col) triplets (`csrPattern`) and
 * values given per triplet as a differentiable Tensor (duplicates add up). The VJP w.r.t. v is the transposed product
 * on the transposed pattern (same triplet order, so the same values); w.r.t. the values it is u[row_t]·v[col_t].
 */
import { Tensor, allocate } from '../../tensor/index.js';
import { record } from '../../tape/index.js';
import { kernels } from '../../backend/index.js';
import { mul, sum, take } from '../index.js';
import { TracetapeError, check, describe, fmtShape } from '../../util/errors.js';
import { makePortable, registerPortable } from '../../util/portable.js';
import { asColumns } from './columns.js';
import type { LinearOperator, MatrixAccess } from './types.js';

/** A fixed sparsity pattern (static in pytrees): CSR structure plus the map from triplets to CSR slots. */
export class CsrPattern {
  /** Matrix shape [rows, cols]. */
  readonly shape: [number, number];
  /** Number of triplets (the length the values tensor must have). */
  readonly nnz: number;
  /** Row pointers (rows + 1) into `indices`. */
  readonly indptr: Int32Array;
  /** Column index of each CSR slot (duplicates merged). */
  readonly indices: Int32Array;
  /** CSR slot of each triplet. */
  readonly slotOf: Int32Array;
  /** Row and column of each triplet. */
  readonly tripletRows: Int32Array;
  readonly tripletCols: Int32Array;
  private transposed: CsrPattern | null = null;

  /** @internal Use `csrPattern(rows, cols, shape)`. */
  constructor(rows: Int32Array, cols: Int32Array, shape: [number, number]) {
    this.shape = shape;
    this.nnz = rows.length;
    this.tripletRows = rows;
    this.tripletCols = cols;
    const order = Array.from({ length: rows.length }, (_, t) => t).sort((a, b) => rows[a] - rows[b] || cols[a] - cols[b]);
    const slotOf = new Int32Array(rows.length);
    const indices: number[] = [];
    const indptr = new Int32Array(shape[0] + 1);
    let prevR = -1, prevC = -1;
    for (const t of order) {
      if (rows[t] !== prevR || cols[t] !== prevC) { indices.push(cols[t]); indptr[rows[t] + 1]++; prevR = rows[t]; prevC = cols[t]; }
      slotOf[t] = indices.length - 1;
    }
    for (let i = 0; i < shape[0]; i++) indptr[i + 1] += indptr[i];
    this.indptr = indptr;
    this.indices = Int32Array.from(indices);
    this.slotOf = slotOf;
    // Worker threads rebuild the pattern from its triplets (stochtrace estimators with options.workers).
    makePortable(this, { kind: 'ops.csrPattern', rows: this.tripletRows, cols: this.tripletCols, shape });
  }

  /** The pattern of Aᵀ with the same triplet order (so the same values tensor describes Aᵀ). */
  transpose(): CsrPattern {
    if (this.transposed === null) {
      this.transposed = new CsrPattern(this.tripletCols, this.tripletRows, [this.shape[1], this.shape[0]]);
      this.transposed.transposed = this;
    }
    return this.transposed;
  }

  /** CSR slot values from per-triplet values (duplicates summed). */
  slotValues(values: Float64Array | Float32Array): Float64Array | Float32Array {
    const out = values instanceof Float32Array ? new Float32Array(this.indices.length) : new Float64Array(this.indices.length);
    for (let t = 0; t < this.nnz; t++) out[this.slotOf[t]] += values[t];
    return out;
  }
}

function toIndexArray(fn: string, name: string, a: unknown, bound: number): Int32Array {
  const ok = Array.isArray(a) || a instanceof Int32Array || a instanceof Uint32Array || a instanceof Float64Array;
  if (!ok) throw new TracetapeError(fn, `${name} must be an array of integers, received ${describe(a)}`);
  const arr = a as ArrayLike<number>;
  const out = new Int32Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const x = arr[i];
    if (!Number.isInteger(x) || x < 0 || x >= bound) throw new TracetapeError(fn, `${name}[${i}] must be an integer in [0, ${bound}), received ${x}`);
    out[i] = x;
  }
  return out;
}

/** Build a CSR pattern from triplet coordinates rows[t], cols[t] of a matrix of `shape` [rows, cols]. */
export function csrPattern(rows: ArrayLike<number>, cols: ArrayLike<number>, shape: [number, number]): CsrPattern {
  const fn = 'csrPattern';
  check(Array.isArray(shape) && shape.length === 2 && shape.every((s) => Number.isInteger(s) && s > 0), fn, () => `shape must be [rows, cols] with positive integers, received ${describe(shape)}`);
  const r = toIndexArray(fn, 'rows', rows, shape[0]);
  const c = toIndexArray(fn, 'cols', cols, shape[1]);
  check(r.length === c.length, fn, () => `rows and cols must have the same length, received ${r.length} vs ${c.length}`);
  return new CsrPattern(r, c, [shape[0], shape[1]]);
}

/** The differentiable CSR product A(values) V with V [cols, c]. */
function csrProduct(P: CsrPattern, values: Tensor, V: Tensor): Tensor {
  const [rows] = P.shape;
  const c = V.shape[1];
  const dtype = values.dtype === 'float64' || V.dtype === 'float64' ? 'float64' : 'float32';
  const out = allocate(dtype, rows * c);
  kernels().csrProduct(P.indptr, P.indices, P.slotValues(values._data), V._data, out, rows, c);
  const res = new Tensor(out, [rows, c]);
  record('csrMatvec', [res], [values, V], ([g]) => [
    values._tracked ? sum(mul(take(g!, P.tripletRows, 0), take(V, P.tripletCols, 0)), 1) : null,
    V._tracked ? csrProduct(P.transpose(), values, g!) : null,
  ]);
  return res;
}

/** Parameters of csrMatvec: the pattern (static) and one value per triplet. */
export interface CsrParams {
  pattern: CsrPattern;
  values: Tensor;
}

function readParams(fn: string, params: CsrParams): CsrParams {
  check(params !== null && typeof params === 'object', fn, () => `params must be {pattern, values}, received ${describe(params)}`);
  check(params.pattern instanceof CsrPattern, fn, () => `params.pattern must come from csrPattern(rows, cols, shape), received ${describe(params.pattern)}`);
  const v = params.values;
  if (!(v instanceof Tensor) || v.shape.length !== 1 || v.shape[0] !== params.pattern.nnz) {
    throw new TracetapeError(fn, `params.values must be a Tensor of shape [${params.pattern.nnz}] (one per triplet), received ${v instanceof Tensor ? `shape ${fmtShape(v.shape)}` : describe(v)}`);
  }
  return params;
}

function csrMatvecImpl(v: Tensor, params: CsrParams): Tensor {
  const fn = 'csrMatvec';
  const { pattern, values } = readParams(fn, params);
  const { V, restore } = asColumns(fn, v, pattern.shape[1]);
  return restore(csrProduct(pattern, values, V));
}

function csrAccess(params: CsrParams): MatrixAccess {
  const fn = 'csrMatvec.access';
  const { pattern, values } = readParams(fn, params);
  const [rows, cols] = pattern.shape;
  const vals = values._data;
  return {
    size: cols,
    shift: 0,
    diag(): Float64Array {
      check(rows === cols, fn, () => `diag() needs a square matrix, received [${rows},${cols}]`);
      const out = new Float64Array(rows);
      for (let t = 0; t < pattern.nnz; t++) if (pattern.tripletRows[t] === pattern.tripletCols[t]) out[pattern.tripletRows[t]] += vals[t];
      return out;
    },
    column(i: number): Float64Array {
      check(Number.isInteger(i) && i >= 0 && i < cols, fn, () => `column index must be an integer in [0, ${cols}), received ${describe(i)}`);
      const out = new Float64Array(rows);
      for (let t = 0; t < pattern.nnz; t++) if (pattern.tripletCols[t] === i) out[pattern.tripletRows[t]] += vals[t];
      return out;
    },
  };
}

/** A v for sparse A given by params {pattern: csrPattern(...), values}; differentiable in v and values. */
export const csrMatvec: LinearOperator<CsrParams> = makePortable(Object.assign(csrMatvecImpl, { access: csrAccess }), { kind: 'ops.csrMatvec' });
registerPortable('ops.csrMatvec', () => csrMatvec);
registerPortable('ops.csrPattern', (d) => new CsrPattern(d.rows as Int32Array, d.cols as Int32Array, d.shape as [number, number]));
