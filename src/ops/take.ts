/** take: select entries along one axis by integer indices (NumPy `np.take`), differentiable (the VJP scatter-adds). */
import { Tensor } from '../tensor/index.js';
import { TracetapeError, check, describe, fmtShape } from '../util/errors.js';
import { shapeSize } from './broadcast.js';
import { gatherMap } from './gather-map.js';

function readIndices(fn: string, indices: unknown): { values: ArrayLike<number>; shape: number[] } {
  if (indices instanceof Tensor) return { values: indices._data, shape: indices.shape.slice() };
  if (typeof indices === 'number') return { values: [indices], shape: [] };
  if (Array.isArray(indices) || indices instanceof Int32Array) return { values: indices as ArrayLike<number>, shape: [indices.length] };
  throw new TracetapeError(fn, `indices must be an integer, an array of integers, an Int32Array or a Tensor of integer values, received ${describe(indices)}`);
}

/**
 * Entries of `x` at `indices` along `axis` (default 0). The result has shape
 * x.shape[:axis] ++ indices.shape ++ x.shape[axis+1:]; negative indices count from the end.
 * Repeated indices are allowed (their gradients add up).
 */
export function take(x: Tensor, indices: Tensor | number[] | Int32Array | number, axis = 0): Tensor {
  const fn = 'take';
  if (!(x instanceof Tensor)) throw new TracetapeError(fn, `x must be a Tensor, received ${describe(x)}`);
  const r = x.shape.length;
  check(r > 0, fn, () => `x must have rank ≥ 1, received shape ${fmtShape(x.shape)}`);
  check(typeof axis === 'number' && Number.isInteger(axis) && axis >= -r && axis < r, fn,
    () => `axis ${typeof axis === 'number' ? axis : describe(axis)} is out of range for x of rank ${r} (expected ${-r} ≤ axis < ${r})`);
  const ax = axis < 0 ? axis + r : axis;
  const { values, shape: idxShape } = readIndices(fn, indices);
  const dim = x.shape[ax];
  const k = values.length;
  const idx = new Int32Array(k);
  for (let p = 0; p < k; p++) {
    const v = values[p];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -dim || v >= dim) {
      throw new TracetapeError(fn, `indices[${p}] = ${typeof v === 'number' ? v : describe(v)} is out of range for axis ${ax} of length ${dim} (x.shape ${fmtShape(x.shape)}; expected integers in [${-dim}, ${dim}))`);
    }
    idx[p] = v < 0 ? v + dim : v;
  }
  let outer = 1, inner = 1;
  for (let a = 0; a < ax; a++) outer *= x.shape[a];
  for (let a = ax + 1; a < r; a++) inner *= x.shape[a];
  const outShape = [...x.shape.slice(0, ax), ...idxShape, ...x.shape.slice(ax + 1)];
  const map = new Int32Array(shapeSize(outShape));
  let q = 0;
  for (let o = 0; o < outer; o++) {
    const base = o * dim * inner;
    for (let p = 0; p < k; p++) {
      const src = base + idx[p] * inner;
      for (let i = 0; i < inner; i++) map[q++] = src + i;
    }
  }
  return gatherMap(x, map, outShape);
}
