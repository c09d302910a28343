/**
 * Index-map gather and its adjoint scatter-add: the linear primitive pair behind slice, take, diag/diagonal and
 * im2col (conv2d). Each op's VJP is the other op with the same map, so every op built on them is differentiable
 * to any order.
 */
import { Tensor, allocate } from '../tensor/index.js';
import { record } from '../tape/index.js';
import { shapeSize } from './broadcast.js';

/**
 * @internal out[i] = x.flat[map[i]] (0 where map[i] < 0), reshaped to `outShape`.
 * `map.length` must equal the size of `outShape`; entries must lie in [−1, x.size).
 */
export function gatherMap(x: Tensor, map: Int32Array, outShape: readonly number[]): Tensor {
  const n = map.length;
  const out = allocate(x.dtype, n);
  const d = x._data;
  for (let i = 0; i < n; i++) {
    const j = map[i];
    if (j >= 0) out[i] = d[j];
  }
  const res = new Tensor(out, outShape);
  const inShape = x.shape.slice();
  record('gather', [res], [x], ([g]) => [scatterAddMap(g!, map, inShape)]);
  return res;
}

/**
 * @internal The adjoint of gatherMap: a tensor of `outShape` with out.flat[map[i]] += g.flat[i] (entries with
 * map[i] < 0 are dropped).
 */
export function scatterAddMap(g: Tensor, map: Int32Array, outShape: readonly number[]): Tensor {
  const out = allocate(g.dtype, shapeSize(outShape));
  const d = g._data;
  const n = map.length;
  for (let i = 0; i < n; i++) {
    const j = map[i];
    if (j >= 0) out[j] += d[i];
  }
  const res = new Tensor(out, outShape);
  const gShape = g.shape.slice();
  record('scatterAdd', [res], [g], ([c]) => [gatherMap(c!, map, gShape)]);
  return res;
}

/**
 * @internal The map of a strided view: for each row-major index `idx` of `outShape`,
 * base + Σ idx[a]·strides[a] (the flat input offset it reads).
 */
export function stridedMap(outShape: readonly number[], base: number, strides: readonly number[]): Int32Array {
  const r = outShape.length;
  const n = shapeSize(outShape);
  const map = new Int32Array(n);
  if (n === 0) return map;
  if (r === 0) { map[0] = base; return map; }
  const last = r - 1, lastDim = outShape[last], lastSt = strides[last];
  const idx = new Array<number>(r).fill(0);
  let cur = base;
  for (let p = 0; p < n; p += lastDim) {
    for (let j = 0; j < lastDim; j++) map[p + j] = cur + j * lastSt;
    for (let ax = last - 1; ax >= 0; ax--) {
      idx[ax]++;
      cur += strides[ax];
      if (idx[ax] < outShape[ax]) break;
      cur -= strides[ax] * idx[ax];
      idx[ax] = 0;
    }
  }
  return map;
}
