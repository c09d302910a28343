/** Shape ops: reshape, transpose, broadcastTo, expandDims, squeeze. */
import { Tensor, allocate, methodTable } from '../tensor/index.js';
import { record } from '../tape/index.js';
import { TracetapeError, check, describe, fmtShape } from '../util/errors.js';
import { broadcastShapes, broadcastIndexMap, sameShape, shapeSize, stridesOf, normaliseAxes } from './broadcast.js';
import { sumTo } from './reduce.js';

function checkX(fn: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new TracetapeError(fn, `x must be a Tensor, received ${describe(x)}`);
  return x;
}

/** The same values with a new shape; one entry may be −1 (inferred). */
export function reshape(x: Tensor, shape: number[]): Tensor {
  const fn = 'reshape';
  checkX(fn, x);
  check(Array.isArray(shape), fn, () => `shape must be an array, received ${describe(shape)}`);
  const s = shape.slice();
  const unknown = s.indexOf(-1);
  if (unknown >= 0) {
    check(s.lastIndexOf(-1) === unknown, fn, `only one entry of shape may be -1, received ${fmtShape(s)}`);
    const known = s.reduce((a, d, i) => (i === unknown ? a : a * d), 1);
    check(known > 0 && x.size % known === 0, fn, () => `cannot infer -1 in ${fmtShape(s)} for ${x.size} elements`);
    s[unknown] = x.size / known;
  }
  for (const d of s) check(Number.isInteger(d) && d >= 0, fn, () => `shape entries must be non-negative integers, received ${fmtShape(shape)}`);
  check(shapeSize(s) === x.size, fn, () => `cannot reshape x.shape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(shape)} (${shapeSize(s)} elements)`);
  const out = new Tensor(x._data, s);
  record('reshape', [out], [x], ([g]) => [reshape(g!, x.shape.slice())]);
  return out;
}

/** @internal Permute axes without recording. */
export function transposeRaw(x: Tensor, perm: readonly number[]): Tensor {
  const shape = perm.map((p) => x.shape[p]);
  const n = x.size;
  const out = allocate(x.dtype, n);
  const d = x._data;
  const r = shape.length;
  if (r === 2 && perm[0] === 1) {
    const rows = x.shape[0], cols = x.shape[1];
    const B = 32;
    for (let i0 = 0; i0 < rows; i0 += B) for (let j0 = 0; j0 < cols; j0 += B) {
      const iMax = Math.min(i0 + B, rows), jMax = Math.min(j0 + B, cols);
      for (let i = i0; i < iMax; i++) for (let j = j0; j < jMax; j++) out[j * rows + i] = d[i * cols + j];
    }
    return new Tensor(out, shape);
  }
  const inStrides = stridesOf(x.shape);
  const st = perm.map((p) => inStrides[p]);
  const idx = new Array<number>(r).fill(0);
  let src = 0;
  for (let k = 0; k < n; k++) {
    out[k] = d[src];
    for (let ax = r - 1; ax >= 0; ax--) {
      idx[ax]++;
      src += st[ax];
      if (idx[ax] < shape[ax]) break;
      src -= st[ax] * idx[ax];
      idx[ax] = 0;
    }
  }
  return new Tensor(out, shape);
}

/** Permute axes; with no `axes`, swap the last two axes of a rank ≥ 2 tensor (a 1-D tensor is returned unchanged). */
export function transpose(x: Tensor, axes?: number[]): Tensor {
  const fn = 'transpose';
  checkX(fn, x);
  const r = x.shape.length;
  let perm: number[];
  if (axes === undefined || axes === null) {
    perm = Array.from({ length: r }, (_, i) => i);
    if (r >= 2) { perm[r - 2] = r - 1; perm[r - 1] = r - 2; }
  } else {
    check(Array.isArray(axes) && axes.length === r, fn, () => `axes must list all ${r} axes, received ${describe(axes)}`);
    perm = normaliseAxes(fn, axes, r).length === r ? axes.map((a) => (a < 0 ? a + r : a)) : [];
    check(new Set(perm).size === r, fn, () => `axes must be a permutation of 0..${r - 1}, received [${axes.join(',')}]`);
  }
  const out = perm.every((p, i) => p === i) ? new Tensor(x._data, x.shape) : transposeRaw(x, perm);
  const inv = new Array<number>(r);
  perm.forEach((p, i) => { inv[p] = i; });
  record('transpose', [out], [x], ([g]) => [transpose(g!, inv)]);
  return out;
}

/** Broadcast x to `shape` (NumPy rules). */
export function broadcastTo(x: Tensor, shape: number[]): Tensor {
  const fn = 'broadcastTo';
  checkX(fn, x);
  const target = broadcastShapes(fn, x.shape, shape);
  check(sameShape(target, shape), fn, () => `x.shape ${fmtShape(x.shape)} cannot be broadcast to ${fmtShape(shape)}`);
  if (sameShape(x.shape, shape)) {
    const same = new Tensor(x._data, shape);
    record('broadcastTo', [same], [x], ([g]) => [g]);
    return same;
  }
  const n = shapeSize(shape);
  const out = allocate(x.dtype, n);
  const d = x._data;
  if (x.size === 1) out.fill(d[0]);
  else { const map = broadcastIndexMap(x.shape, shape); for (let i = 0; i < n; i++) out[i] = d[map[i]]; }
  const res = new Tensor(out, shape);
  record('broadcastTo', [res], [x], ([g]) => [sumTo(g!, x.shape)]);
  return res;
}

/** Insert a length-1 axis at `axis`. */
export function expandDims(x: Tensor, axis: number): Tensor {
  checkX('expandDims', x);
  const r = x.shape.length + 1;
  check(Number.isInteger(axis) && axis >= -r && axis < r, 'expandDims', () => `axis ${axis} is out of range for the result rank ${r}`);
  const a = axis < 0 ? axis + r : axis;
  const s = x.shape.slice();
  s.splice(a, 0, 1);
  return reshape(x, s);
}

/** Remove length-1 axes (all of them, or those in `axis`). */
export function squeeze(x: Tensor, axis?: number | number[]): Tensor {
  checkX('squeeze', x);
  const axes = axis === undefined ? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : normaliseAxes('squeeze', axis, x.shape.length);
  for (const a of axes) check(x.shape[a] === 1, 'squeeze', () => `axis ${a} has length ${x.shape[a]}, expected 1`);
  return reshape(x, x.shape.filter((_, i) => !axes.includes(i)));
}

methodTable.register('reshape', reshape as (...a: never[]) => Tensor);
methodTable.register('transpose', transpose as (...a: never[]) => Tensor);
