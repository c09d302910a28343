/** slice: a contiguous block of a tensor (TensorFlow `tf.slice` semantics: begin + size per axis), differentiable. */
import { Tensor } from '../tensor/index.js';
import { TracetapeError, check, describe, fmtShape } from '../util/errors.js';
import { stridesOf } from './broadcast.js';
import { gatherMap, stridedMap } from './gather-map.js';

function checkIndexList(fn: string, name: string, v: unknown, rank: number): number[] {
  if (typeof v === 'number') v = [v];
  check(Array.isArray(v), fn, () => `${name} must be an array of integers (one per axis), received ${describe(v)}`);
  const list = v as unknown[];
  check(list.length <= rank, fn, () => `${name} has ${list.length} entries but x has rank ${rank}`);
  for (const e of list) check(typeof e === 'number' && Number.isInteger(e), fn, () => `${name} must contain integers, received [${list.join(',')}]`);
  return list as number[];
}

/**
 * The block of `x` starting at `begin` with extent `size` along each axis (TensorFlow semantics).
 * `begin[a]` may be negative (counted from the end, −1 = last element); `size[a] = −1` (or an omitted `size`)
 * takes everything to the end of axis a; axes beyond the length of `begin`/`size` are taken whole.
 * A number is accepted for a single axis. Example: `slice(x, [1, -2], [2, -1])` is NumPy's `x[1:3, -2:]`.
 */
export function slice(x: Tensor, begin: number[] | number, size?: number[] | number): Tensor {
  const fn = 'slice';
  if (!(x instanceof Tensor)) throw new TracetapeError(fn, `x must be a Tensor, received ${describe(x)}`);
  const r = x.shape.length;
  const b = checkIndexList(fn, 'begin', begin, r);
  const s = size === undefined ? [] : checkIndexList(fn, 'size', size, r);
  const start: number[] = new Array(r), extent: number[] = new Array(r);
  for (let a = 0; a < r; a++) {
    const dim = x.shape[a];
    let st = a < b.length ? b[a] : 0;
    if (st < 0) st += dim;
    if (st < 0 || st > dim) {
      throw new TracetapeError(fn, `begin[${a}] = ${b[a]} is out of range for axis ${a} of length ${dim} (x.shape ${fmtShape(x.shape)}; expected ${-dim} ≤ begin ≤ ${dim})`);
    }
    const ext = a < s.length && s[a] !== -1 ? s[a] : dim - st;
    if (ext < 0 || st + ext > dim) {
      throw new TracetapeError(fn, `size[${a}] = ${s[a]} does not fit axis ${a} of length ${dim} from begin ${st} (x.shape ${fmtShape(x.shape)}; expected 0 ≤ size ≤ ${dim - st} or -1)`);
    }
    start[a] = st;
    extent[a] = ext;
  }
  const strides = stridesOf(x.shape);
  let base = 0;
  for (let a = 0; a < r; a++) base += start[a] * strides[a];
  return gatherMap(x, stridedMap(extent, base, strides), extent);
}
