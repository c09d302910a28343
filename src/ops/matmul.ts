/** Matrix products: matmul (NumPy semantics: batched, broadcasting, 1-D promotion), dot, outer. */
import { Tensor, allocate, promote, methodTable } from '../tensor/index.js';
import { kernels } from '../backend/index.js';
import { record } from '../tape/index.js';
import { TracetapeError, describe, fmtShape } from '../util/errors.js';
import { broadcastShapes, shapeSize, stridesOf } from './broadcast.js';
import { reshape, transpose } from './shape.js';
import { sumTo } from './reduce.js';
import { mul } from './elementwise.js';

function swapLast(x: Tensor): Tensor {
  return transpose(x);
}

/** Batched product of rank ≥ 2 tensors with broadcasting batch axes (the core op behind matmul). */
function bmm(a: Tensor, b: Tensor): Tensor {
  const fn = 'matmul';
  const ra = a.shape.length, rb = b.shape.length;
  const m = a.shape[ra - 2], k = a.shape[ra - 1], k2 = b.shape[rb - 2], n = b.shape[rb - 1];
  if (k !== k2) throw new TracetapeError(fn, `a.shape ${fmtShape(a.shape)} and b.shape ${fmtShape(b.shape)} do not align (${k} vs ${k2})`);
  const aBatch = a.shape.slice(0, ra - 2), bBatch = b.shape.slice(0, rb - 2);
  const batch = broadcastShapes(fn, aBatch, bBatch);
  const nb = shapeSize(batch);
  const aOff = new Int32Array(nb), bOff = new Int32Array(nb);
  const aSt = stridesOf(aBatch), bSt = stridesOf(bBatch);
  const idx = new Array<number>(batch.length).fill(0);
  for (let t = 0; t < nb; t++) {
    let oa = 0, ob = 0;
    for (let d = 0; d < batch.length; d++) {
      const da = d - (batch.length - aBatch.length), db = d - (batch.length - bBatch.length);
      if (da >= 0 && aBatch[da] !== 1) oa += idx[d] * aSt[da];
      if (db >= 0 && bBatch[db] !== 1) ob += idx[d] * bSt[db];
    }
    aOff[t] = oa * m * k;
    bOff[t] = ob * k * n;
    for (let d = batch.length - 1; d >= 0; d--) { if (++idx[d] < batch[d]) break; idx[d] = 0; }
  }
  const out = allocate(promote(a.dtype, b.dtype), nb * m * n);
  kernels().matmul(a._data, b._data, out, m, k, n, aOff, bOff);
  const res = new Tensor(out, [...batch, m, n]);
  record('matmul', [res], [a, b], ([g]) => [
    a._tracked ? sumTo(bmm(g!, swapLast(b)), a.shape) : null,
    b._tracked ? sumTo(bmm(swapLast(a), g!), b.shape) : null,
  ]);
  return res;
}

/** Matrix product with NumPy semantics: a 1-D operand is promoted to a row (left) or column (right) and the axis removed. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const fn = 'matmul';
  if (!(a instanceof Tensor)) throw new TracetapeError(fn, `a must be a Tensor, received ${describe(a)}`);
  if (!(b instanceof Tensor)) throw new TracetapeError(fn, `b must be a Tensor, received ${describe(b)}`);
  if (a.shape.length === 0 || b.shape.length === 0) throw new TracetapeError(fn, `operands must have rank ≥ 1, received a.shape ${fmtShape(a.shape)} and b.shape ${fmtShape(b.shape)}`);
  const aVec = a.shape.length === 1, bVec = b.shape.length === 1;
  if (aVec && bVec && a.shape[0] !== b.shape[0]) throw new TracetapeError(fn, `a.shape ${fmtShape(a.shape)} and b.shape ${fmtShape(b.shape)} do not align (${a.shape[0]} vs ${b.shape[0]})`);
  if (!aVec && bVec && a.shape[a.shape.length - 1] !== b.shape[0]) {
    throw new TracetapeError(fn, `a.shape ${fmtShape(a.shape)} and b.shape ${fmtShape(b.shape)} do not align (${a.shape[a.shape.length - 1]} vs ${b.shape[0]})`);
  }
  if (aVec && !bVec && b.shape[b.shape.length - 2] !== a.shape[0]) {
    throw new TracetapeError(fn, `a.shape ${fmtShape(a.shape)} and b.shape ${fmtShape(b.shape)} do not align (${a.shape[0]} vs ${b.shape[b.shape.length - 2]})`);
  }
  const a2 = aVec ? reshape(a, [1, a.shape[0]]) : a;
  const b2 = bVec ? reshape(b, [b.shape[0], 1]) : b;
  const r = bmm(a2, b2);
  if (!aVec && !bVec) return r;
  const s = r.shape.slice();
  if (bVec) s.splice(s.length - 1, 1);
  if (aVec) s.splice(s.length - (bVec ? 1 : 2), 1);
  return reshape(r, s);
}

/** Inner product of two 1-D tensors of equal length. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor) || a.shape.length !== 1 || b.shape.length !== 1) {
    throw new TracetapeError('dot', `a and b must be 1-D tensors, received ${describe(a)} and ${describe(b)}`);
  }
  if (a.shape[0] !== b.shape[0]) throw new TracetapeError('dot', `a.shape ${fmtShape(a.shape)} and b.shape ${fmtShape(b.shape)} differ in length`);
  return matmul(a, b);
}

/** Outer product of two 1-D tensors: out[i, j] = a[i]·b[j]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor) || a.shape.length !== 1 || b.shape.length !== 1) {
    throw new TracetapeError('outer', `a and b must be 1-D tensors, received ${describe(a)} and ${describe(b)}`);
  }
  return mul(reshape(a, [a.shape[0], 1]), reshape(b, [1, b.shape[0]]));
}

methodTable.register('matmul', matmul as (...a: never[]) => Tensor);
methodTable.register('dot', dot as (...a: never[]) => Tensor);
