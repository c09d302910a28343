/** concat and stack: joining tensors along an existing or a new axis, differentiable (the VJP slices the cotangent). */
import { Tensor, allocate, promote, type DType } from '../tensor/index.js';
import { record } from '../tape/index.js';
import { TracetapeError, check, describe, fmtShape } from '../util/errors.js';
import { shapeSize } from './broadcast.js';
import { expandDims } from './shape.js';
import { slice } from './slice.js';

function checkList(fn: string, xs: unknown): Tensor[] {
  check(Array.isArray(xs), fn, () => `xs must be an array of Tensors, received ${describe(xs)}`);
  const list = xs as unknown[];
  check(list.length > 0, fn, 'xs must contain at least one Tensor, received an empty array');
  list.forEach((t, i) => check(t instanceof Tensor, fn, () => `xs[${i}] must be a Tensor, received ${describe(t)}`));
  return list as Tensor[];
}

/** Join tensors along an existing `axis` (default 0; negative counts from the end); all other axes must agree. */
export function concat(xs: Tensor[], axis = 0): Tensor {
  const fn = 'concat';
  const list = checkList(fn, xs);
  const first = list[0];
  const r = first.shape.length;
  check(r > 0, fn, () => `xs[0] must have rank ≥ 1 to be concatenated, received shape ${fmtShape(first.shape)}`);
  check(typeof axis === 'number' && Number.isInteger(axis) && axis >= -r && axis < r, fn,
    () => `axis ${typeof axis === 'number' ? axis : describe(axis)} is out of range for tensors of rank ${r} (expected ${-r} ≤ axis < ${r})`);
  const ax = axis < 0 ? axis + r : axis;
  let dtype: DType = first.dtype;
  let total = 0;
  list.forEach((t, i) => {
    check(t.shape.length === r, fn, () => `xs[${i}].shape ${fmtShape(t.shape)} has rank ${t.shape.length}, expected rank ${r} like xs[0].shape ${fmtShape(first.shape)}`);
    for (let a = 0; a < r; a++) {
      if (a !== ax && t.shape[a] !== first.shape[a]) {
        throw new TracetapeError(fn, `xs[${i}].shape ${fmtShape(t.shape)} and xs[0].shape ${fmtShape(first.shape)} differ on axis ${a} (${t.shape[a]} vs ${first.shape[a]}); only axis ${ax} may differ`);
      }
    }
    total += t.shape[ax];
    dtype = promote(dtype, t.dtype);
  });
  const outShape = first.shape.slice();
  outShape[ax] = total;
  let outer = 1, inner = 1;
  for (let a = 0; a < ax; a++) outer *= outShape[a];
  for (let a = ax + 1; a < r; a++) inner *= outShape[a];
  const out = allocate(dtype, shapeSize(outShape));
  const rowLen = total * inner;
  let offset = 0;
  for (const t of list) {
    const chunk = t.shape[ax] * inner;
    const d = t._data;
    if (chunk >= 64) {
      // Long runs: TypedArray.set copies (and converts float32 → float64) natively.
      for (let o = 0; o < outer; o++) out.set(d.subarray(o * chunk, (o + 1) * chunk), o * rowLen + offset);
    } else {
      for (let o = 0; o < outer; o++) {
        const src = o * chunk, dst = o * rowLen + offset;
        for (let i = 0; i < chunk; i++) out[dst + i] = d[src + i];
      }
    }
    offset += chunk;
  }
  const res = new Tensor(out, outShape);
  record('concat', [res], list, ([g]) => {
    let start = 0;
    return list.map((t) => {
      const begin = new Array<number>(r).fill(0);
      begin[ax] = start;
      start += t.shape[ax];
      if (!t._tracked) return null;
      const size = g!.shape.slice();
      size[ax] = t.shape[ax];
      return slice(g!, begin, size);
    });
  });
  return res;
}

/** Join same-shaped tensors along a new `axis` (default 0; −1 appends a last axis). */
export function stack(xs: Tensor[], axis = 0): Tensor {
  const fn = 'stack';
  const list = checkList(fn, xs);
  const first = list[0];
  const r = first.shape.length + 1;
  check(typeof axis === 'number' && Number.isInteger(axis) && axis >= -r && axis < r, fn,
    () => `axis ${typeof axis === 'number' ? axis : describe(axis)} is out of range for the result rank ${r} (expected ${-r} ≤ axis < ${r})`);
  list.forEach((t, i) => check(t.shape.length === first.shape.length && t.shape.every((d, k) => d === first.shape[k]), fn,
    () => `xs[${i}].shape ${fmtShape(t.shape)} differs from xs[0].shape ${fmtShape(first.shape)}; stack needs equal shapes`));
  const ax = axis < 0 ? axis + r : axis;
  return concat(list.map((t) => expandDims(t, ax)), ax);
}
