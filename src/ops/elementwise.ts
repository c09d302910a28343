/** Elementwise ops with broadcasting (add … cos, where, comparisons), each with a VJP written in differentiable ops. */
import { Tensor, type TensorLike, allocate, promote, asTensor, methodTable } from '../tensor/index.js';
import { kernels, type BinaryOp, type UnaryOp } from '../backend/index.js';
import { record } from '../tape/index.js';
import { broadcastShapes, broadcastIndexMap, sameShape, shapeSize } from './broadcast.js';
import { sumTo } from './reduce.js';
import { TracetapeError, describe } from '../util/errors.js';

function coerce(fn: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a === 'number' && b instanceof Tensor) return [asTensor(fn, 'a', a, b.dtype), b];
  if (typeof b === 'number' && a instanceof Tensor) return [a, asTensor(fn, 'b', b, a.dtype)];
  return [asTensor(fn, 'a', a), asTensor(fn, 'b', b)];
}

/** @internal Binary kernel with broadcasting, no recording. */
export function binaryRaw(fn: string, op: BinaryOp, x: Tensor, y: Tensor): Tensor {
  const dtype = promote(x.dtype, y.dtype);
  if (sameShape(x.shape, y.shape) || y.size === 1 && y.shape.length <= x.shape.length || x.size === 1 && x.shape.length <= y.shape.length) {
    const shape = x.size === 1 && y.size !== 1 ? y.shape : y.size === 1 && x.size !== 1 ? x.shape : (x.shape.length >= y.shape.length ? x.shape : y.shape);
    const out = allocate(dtype, shapeSize(shape));
    kernels().binary(op, x._data, y._data, out, null, null);
    return new Tensor(out, shape);
  }
  const shape = broadcastShapes(fn, x.shape, y.shape);
  const out = allocate(dtype, shapeSize(shape));
  const ia = sameShape(x.shape, shape) ? null : broadcastIndexMap(x.shape, shape);
  const ib = sameShape(y.shape, shape) ? null : broadcastIndexMap(y.shape, shape);
  kernels().binary(op, x._data, y._data, out, ia, ib);
  return new Tensor(out, shape);
}

/** @internal Unary kernel, no recording. */
export function unaryRaw(op: UnaryOp, x: Tensor): Tensor {
  const out = allocate(x.dtype, x.size);
  kernels().unary(op, x._data, out);
  return new Tensor(out, x.shape);
}

/** Elementwise a + b (broadcasting). */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = coerce('add', a, b);
  const out = binaryRaw('add', 'add', x, y);
  record('add', [out], [x, y], ([g]) => [sumTo(g!, x.shape), sumTo(g!, y.shape)]);
  return out;
}

/** Elementwise a − b (broadcasting). */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = coerce('sub', a, b);
  const out = binaryRaw('sub', 'sub', x, y);
  record('sub', [out], [x, y], ([g]) => [sumTo(g!, x.shape), y._tracked ? sumTo(neg(g!), y.shape) : null]);
  return out;
}

/** Elementwise a · b (broadcasting). */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = coerce('mul', a, b);
  const out = binaryRaw('mul', 'mul', x, y);
  record('mul', [out], [x, y], ([g]) => [
    x._tracked ? sumTo(mul(g!, y), x.shape) : null,
    y._tracked ? sumTo(mul(g!, x), y.shape) : null,
  ]);
  return out;
}

/** Elementwise a / b (broadcasting). */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = coerce('div', a, b);
  const out = binaryRaw('div', 'div', x, y);
  record('div', [out], [x, y], ([g]) => [
    x._tracked ? sumTo(div(g!, y), x.shape) : null,
    y._tracked ? sumTo(neg(div(mul(g!, out), y)), y.shape) : null,
  ]);
  return out;
}

/** Elementwise a ** b (broadcasting); the gradient in b uses log(a) and is taken as 0 where a ≤ 0. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = coerce('pow', a, b);
  const out = binaryRaw('pow', 'pow', x, y);
  record('pow', [out], [x, y], ([g]) => [
    x._tracked ? sumTo(mul(g!, mul(y, pow(x, sub(y, 1)))), x.shape) : null,
    y._tracked ? sumTo(mul(g!, mul(out, where(greater(x, 0), log(where(greater(x, 0), x, 1)), 0))), y.shape) : null,
  ]);
  return out;
}

/** Elementwise maximum (ties send the gradient to a). */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = coerce('maximum', a, b);
  const out = binaryRaw('maximum', 'maximum', x, y);
  record('maximum', [out], [x, y], ([g]) => {
    const m = greaterEqual(x, y);
    return [sumTo(mul(g!, m), x.shape), sumTo(mul(g!, sub(1, m)), y.shape)];
  });
  return out;
}

/** Elementwise minimum (ties send the gradient to a). */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = coerce('minimum', a, b);
  const out = binaryRaw('minimum', 'minimum', x, y);
  record('minimum', [out], [x, y], ([g]) => {
    const m = greaterEqual(y, x);
    return [sumTo(mul(g!, m), x.shape), sumTo(mul(g!, sub(1, m)), y.shape)];
  });
  return out;
}

/** 1 where a > b, else 0 (not differentiable). */
export function greater(a: TensorLike, b: TensorLike): Tensor { const [x, y] = coerce('greater', a, b); return binaryRaw('greater', 'greater', x, y); }
/** 1 where a ≥ b, else 0 (not differentiable). */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor { const [x, y] = coerce('greaterEqual', a, b); return binaryRaw('greaterEqual', 'greaterEqual', x, y); }
/** 1 where a < b, else 0 (not differentiable). */
export function less(a: TensorLike, b: TensorLike): Tensor { const [x, y] = coerce('less', a, b); return binaryRaw('less', 'less', x, y); }
/** 1 where a == b, else 0 (not differentiable). */
export function equal(a: TensorLike, b: TensorLike): Tensor { const [x, y] = coerce('equal', a, b); return binaryRaw('equal', 'equal', x, y); }

/** Elementwise choice: a where cond ≠ 0, else b (broadcasting all three); differentiable in a and b. */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const fn = 'where';
  const c = asTensor(fn, 'cond', cond);
  const [x, y] = coerce(fn, a, b);
  const shape = broadcastShapes(fn, broadcastShapes(fn, c.shape, x.shape), y.shape);
  const n = shapeSize(shape);
  const out = allocate(promote(x.dtype, y.dtype), n);
  const ic = broadcastIndexMap(c.shape, shape), ix = broadcastIndexMap(x.shape, shape), iy = broadcastIndexMap(y.shape, shape);
  const cd = c._data, xd = x._data, yd = y._data;
  for (let i = 0; i < n; i++) out[i] = cd[ic[i]] !== 0 ? xd[ix[i]] : yd[iy[i]];
  const res = new Tensor(out, shape);
  record('where', [res], [x, y], ([g]) => [
    x._tracked ? sumTo(where(c, g!, 0), x.shape) : null,
    y._tracked ? sumTo(where(c, 0, g!), y.shape) : null,
  ]);
  return res;
}

function unaryOp(op: UnaryOp, x: TensorLike, vjp: (g: Tensor, x: Tensor, out: Tensor) => Tensor): Tensor {
  if (!(x instanceof Tensor)) {
    if (typeof x !== 'number') throw new TracetapeError(op, `x must be a Tensor or a number, received ${describe(x)}`);
    x = asTensor(op, 'x', x);
  }
  const xt = x;
  const out = unaryRaw(op, xt);
  record(op, [out], [xt], ([g]) => [vjp(g!, xt, out)]);
  return out;
}

/** Elementwise −x. */
export function neg(x: TensorLike): Tensor { return unaryOp('neg', x, (g) => neg(g)); }
/** Elementwise eˣ. */
export function exp(x: TensorLike): Tensor { return unaryOp('exp', x, (g, _x, o) => mul(g, o)); }
/** Elementwise natural logarithm. */
export function log(x: TensorLike): Tensor { return unaryOp('log', x, (g, xx) => div(g, xx)); }
/** Elementwise √x. */
export function sqrt(x: TensorLike): Tensor { return unaryOp('sqrt', x, (g, _x, o) => div(g, mul(o, 2))); }
/** Elementwise x². */
export function square(x: TensorLike): Tensor { return unaryOp('square', x, (g, xx) => mul(g, mul(xx, 2))); }
/** Elementwise |x| (subgradient 0 at 0). */
export function abs(x: TensorLike): Tensor { return unaryOp('abs', x, (g, xx) => mul(g, sign(xx))); }
/** Elementwise tanh. */
export function tanh(x: TensorLike): Tensor { return unaryOp('tanh', x, (g, _x, o) => mul(g, sub(1, square(o)))); }
/** Elementwise logistic sigmoid 1/(1+e⁻ˣ). */
export function sigmoid(x: TensorLike): Tensor { return unaryOp('sigmoid', x, (g, _x, o) => mul(g, mul(o, sub(1, o)))); }
/** Elementwise max(x, 0). */
export function relu(x: TensorLike): Tensor { return unaryOp('relu', x, (g, xx) => mul(g, unaryRaw('step', xx))); }
/** Elementwise log(1 + eˣ), computed stably. */
export function softplus(x: TensorLike): Tensor { return unaryOp('softplus', x, (g, xx) => mul(g, sigmoid(xx))); }
/** Elementwise sine. */
export function sin(x: TensorLike): Tensor { return unaryOp('sin', x, (g, xx) => mul(g, cos(xx))); }
/** Elementwise cosine. */
export function cos(x: TensorLike): Tensor { return unaryOp('cos', x, (g, xx) => neg(mul(g, sin(xx)))); }
/** Elementwise log(1 + x). */
export function log1p(x: TensorLike): Tensor { return unaryOp('log1p', x, (g, xx) => div(g, add(xx, 1))); }
/** Elementwise eˣ − 1. */
export function expm1(x: TensorLike): Tensor { return unaryOp('expm1', x, (g, _x, o) => mul(g, add(o, 1))); }
/** Elementwise 1/x. */
export function reciprocal(x: TensorLike): Tensor { return unaryOp('reciprocal', x, (g, _x, o) => neg(mul(g, square(o)))); }
/** Elementwise sign (−1, 0, 1); not differentiable (zero gradient). */
export function sign(x: TensorLike): Tensor { return unaryRaw('sign', asTensor('sign', 'x', x)); }

for (const [name, f] of Object.entries({ add, sub, mul, div, pow, neg, exp, log, sqrt, square, abs, tanh, sigmoid, relu })) {
  methodTable.register(name, f as (...args: never[]) => Tensor);
}
