/** Broadcasting rules (NumPy): result shapes, index maps for kernels, and axis bookkeeping. */
import { TracetapeError, fmtShape } from '../util/errors.js';

/** The broadcast shape of two shapes, or a TracetapeError naming `fn`. */
export function broadcastShapes(fn: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new TracetapeError(fn, `shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together (axis ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** True when two shapes are identical. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Product of the entries of a shape. */
export function shapeSize(s: readonly number[]): number {
  let p = 1;
  for (const d of s) p *= d;
  return p;
}

/** Row-major strides of a shape. */
export function stridesOf(s: readonly number[]): number[] {
  const st = new Array<number>(s.length);
  let acc = 1;
  for (let i = s.length - 1; i >= 0; i--) { st[i] = acc; acc *= s[i]; }
  return st;
}

/** For each element of `outShape` (row-major), the flat index of the element of `inShape` broadcast onto it. */
export function broadcastIndexMap(inShape: readonly number[], outShape: readonly number[]): Int32Array {
  const n = outShape.length;
  const size = shapeSize(outShape);
  const map = new Int32Array(size);
  const off = n - inShape.length;
  // Stride of each output axis in the input (0 where broadcast).
  const inStrides = stridesOf(inShape);
  const st = new Array<number>(n).fill(0);
  for (let i = off; i < n; i++) st[i] = inShape[i - off] === 1 ? 0 : inStrides[i - off];
  if (n === 0) { if (size === 1) map[0] = 0; return map; }
  const idx = new Array<number>(n).fill(0);
  let cur = 0;
  const last = n - 1;
  const lastDim = outShape[last];
  const lastSt = st[last];
  for (let p = 0; p < size; p += lastDim) {
    for (let j = 0; j < lastDim; j++) map[p + j] = cur + j * lastSt;
    // advance the multi-index over all axes but the last
    for (let ax = last - 1; ax >= 0; ax--) {
      idx[ax]++;
      cur += st[ax];
      if (idx[ax] < outShape[ax]) break;
      cur -= st[ax] * idx[ax];
      idx[ax] = 0;
    }
  }
  return map;
}

/** Axes of `outShape` that were summed/broadcast from `inShape` (for reducing a gradient back to `inShape`). */
export function broadcastAxes(inShape: readonly number[], outShape: readonly number[]): number[] {
  const off = outShape.length - inShape.length;
  const axes: number[] = [];
  for (let i = 0; i < outShape.length; i++) {
    if (i < off || (inShape[i - off] === 1 && outShape[i] !== 1)) axes.push(i);
  }
  return axes;
}

/** Normalise an axis argument (negative counts from the end) to a sorted list of distinct axes. */
export function normaliseAxes(fn: string, axis: number | number[] | undefined | null, rank: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  const out = list.map((a) => {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < -rank || a >= rank) {
      throw new TracetapeError(fn, `axis ${String(a)} is out of range for a tensor of rank ${rank}`);
    }
    return a < 0 ? a + rank : a;
  });
  if (new Set(out).size !== out.length) throw new TracetapeError(fn, `axis contains repeated entries: [${list.join(',')}]`);
  return out.sort((x, y) => x - y);
}
