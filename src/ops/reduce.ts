/** Reductions over axes: sum, mean, max, logsumexp, and sumTo (the adjoint of broadcasting). */
import { Tensor, allocate, methodTable } from '../tensor/index.js';
import { record, stopGradient } from '../tape/index.js';
import { normaliseAxes, sameShape, broadcastAxes } from './broadcast.js';
import { reshape, broadcastTo } from './shape.js';
import { mul, div, sub, add, exp, log, equal } from './elementwise.js';
import { TracetapeError, describe } from '../util/errors.js';
import { kernels } from '../backend/index.js';

type Axis = number | number[] | undefined | null;

function checkX(fn: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new TracetapeError(fn, `x must be a Tensor, received ${describe(x)}`);
  return x;
}

/** Reduce one axis with `kind`, keeping it as length 1. */
function reduceAxisRaw(kind: 'sum' | 'max', x: Tensor, axis: number): Tensor {
  const shape = x.shape;
  let outer = 1, inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  const len = shape[axis];
  const d = x._data;
  const out = allocate(x.dtype, outer * inner);
  if (kind === 'sum') {
    kernels().sumAxis(d, out, outer, len, inner);
  } else {
    if (len === 0) throw new TracetapeError('max', `cannot reduce an empty axis ${axis} of shape [${shape.join(',')}]`);
    for (let o = 0; o < outer; o++) {
      const base = o * len * inner, ob = o * inner;
      for (let i = 0; i < inner; i++) out[ob + i] = d[base + i];
      for (let l = 1; l < len; l++) {
        const row = base + l * inner;
        for (let i = 0; i < inner; i++) { const v = d[row + i]; if (v > out[ob + i] || Number.isNaN(v)) out[ob + i] = v; }
      }
    }
  }
  const s = shape.slice();
  s[axis] = 1;
  return new Tensor(out, s);
}

function reduceRaw(kind: 'sum' | 'max', x: Tensor, axes: number[]): Tensor {
  if (kind === 'sum' && axes.length === x.shape.length) {
    // the active backend's reduction (cpu: wasm SIMD for long float64 arrays, 4-accumulator loop otherwise)
    const out = allocate(x.dtype, 1);
    kernels().sumAxis(x._data, out, 1, x._data.length, 1);
    return new Tensor(out, x.shape.map(() => 1));
  }
  let cur = x;
  for (let k = axes.length - 1; k >= 0; k--) cur = reduceAxisRaw(kind, cur, axes[k]);
  return cur;
}

function dropAxes(shape: readonly number[], axes: number[]): number[] {
  return shape.filter((_, i) => !axes.includes(i));
}

function keptShape(shape: readonly number[], axes: number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Sum over `axis` (all axes when omitted), optionally keeping reduced axes as length 1. */
export function sum(x: Tensor, axis?: Axis, keepdims = false): Tensor {
  checkX('sum', x);
  const axes = normaliseAxes('sum', axis, x.shape.length);
  const kept = reduceRaw('sum', x, axes);
  const out = new Tensor(kept._data, keepdims ? keptShape(x.shape, axes) : dropAxes(x.shape, axes));
  record('sum', [out], [x], ([g]) => [broadcastTo(reshape(g!, keptShape(x.shape, axes)), x.shape)]);
  return out;
}

/** Mean over `axis` (all axes when omitted). */
export function mean(x: Tensor, axis?: Axis, keepdims = false): Tensor {
  checkX('mean', x);
  const axes = normaliseAxes('mean', axis, x.shape.length);
  let count = 1;
  for (const a of axes) count *= x.shape[a];
  return div(sum(x, axes, keepdims), count);
}

/** Maximum over `axis` (all axes when omitted); the gradient is split evenly among ties. */
export function max(x: Tensor, axis?: Axis, keepdims = false): Tensor {
  checkX('max', x);
  const axes = normaliseAxes('max', axis, x.shape.length);
  const kept = reduceRaw('max', x, axes);
  const out = new Tensor(kept._data, keepdims ? keptShape(x.shape, axes) : dropAxes(x.shape, axes));
  record('max', [out], [x], ([g]) => {
    const mask = equal(x, kept);
    const count = reduceRaw('sum', mask, axes);
    return [mul(broadcastTo(reshape(g!, keptShape(x.shape, axes)), x.shape), div(mask, count))];
  });
  return out;
}

/** log Σ exp(x) over `axis` (all axes when omitted), computed stably. */
export function logsumexp(x: Tensor, axis?: Axis, keepdims = false): Tensor {
  checkX('logsumexp', x);
  const axes = normaliseAxes('logsumexp', axis, x.shape.length);
  const m = stopGradient(new Tensor(reduceRaw('max', x, axes)._data, keptShape(x.shape, axes)));
  const mSafe = new Tensor(m._data.map((v) => (Number.isFinite(v) ? v : 0)), m.shape);
  const s = add(log(sum(exp(sub(x, mSafe)), axes, true)), mSafe);
  return keepdims ? s : reshape(s, dropAxes(x.shape, axes));
}

/** Sum `g` down to `shape` (the adjoint of broadcasting `shape` up to g.shape). */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const axes = broadcastAxes(shape, g.shape);
  return reshape(sum(g, axes, true), shape.slice());
}

methodTable.register('sum', sum as (...a: never[]) => Tensor);
methodTable.register('mean', mean as (...a: never[]) => Tensor);
methodTable.register('max', max as (...a: never[]) => Tensor);
