/** Creating tensors: from values, constants, ranges, and converting JS numbers to tensors. */
import { Tensor, type NestedArray, type TensorLike, isTensor } from './tensor.js';
import { type DType, type TypedArray, allocate, checkDtype, dtypeOf } from './dtype.js';
import { TracetapeError, check, checkOptions, describe, fmtShape } from '../util/errors.js';

/** Options for creating a tensor. */
export interface TensorOptions {
  dtype?: DType;
  shape?: number[];
}

function checkShape(fn: string, shape: unknown): number[] {
  check(Array.isArray(shape), fn, () => `shape must be an array of non-negative integers, received ${describe(shape)}`);
  for (const d of shape as unknown[]) {
    check(typeof d === 'number' && Number.isInteger(d) && d >= 0, fn, () => `shape must contain non-negative integers, received [${(shape as unknown[]).join(',')}]`);
  }
  return (shape as number[]).slice();
}

function inferShape(fn: string, v: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  if (!Array.isArray(cur) && typeof cur !== 'number') {
    throw new TracetapeError(fn, `values must be numbers or nested arrays of numbers, found ${describe(cur)}`);
  }
  return shape;
}

function fillNested(fn: string, v: NestedArray, shape: number[], out: TypedArray): void {
  let pos = 0;
  const rec = (x: NestedArray, dim: number): void => {
    if (dim === shape.length) {
      if (typeof x !== 'number') throw new TracetapeError(fn, `ragged nested array: expected a number at depth ${dim}, found ${describe(x)}`);
      out[pos++] = x;
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[dim]) {
      throw new TracetapeError(fn, `ragged nested array: expected length ${shape[dim]} at depth ${dim}, found ${describe(x)}`);
    }
    for (const e of x) rec(e, dim + 1);
  };
  rec(v, 0);
}

/** Create a tensor from a number, nested arrays, or a typed array (`shape` required for a flat typed array of rank ≠ 1). */
export function tensor(values: NestedArray | TypedArray | Tensor, options: TensorOptions = {}): Tensor {
  const fn = 'tensor';
  checkOptions(fn, options, ['dtype', 'shape']);
  if (isTensor(values)) {
    const dtype = options.dtype ?? values.dtype;
    const shape = options.shape ? checkShape(fn, options.shape) : values.shape;
    return fromTyped(fn, dtype === values.dtype ? values._data.slice() : convert(values._data, dtype), shape);
  }
  if (values instanceof Float64Array || values instanceof Float32Array) {
    const dtype = checkDtype(fn, options.dtype ?? dtypeOf(values));
    const shape = options.shape ? checkShape(fn, options.shape) : [values.length];
    return fromTyped(fn, dtype === dtypeOf(values) ? values.slice() : convert(values, dtype), shape);
  }
  if (ArrayBuffer.isView(values)) {
    throw new TracetapeError(fn, `typed arrays must be Float64Array or Float32Array, received ${describe(values)}`);
  }
  const dtype = checkDtype(fn, options.dtype);
  if (typeof values === 'number') {
    const shape = options.shape ? checkShape(fn, options.shape) : [];
    const out = allocate(dtype, shape.reduce((a, b) => a * b, 1));
    out.fill(values);
    return new Tensor(out, shape);
  }
  if (!Array.isArray(values)) throw new TracetapeError(fn, `values must be a number, nested arrays or a typed array, received ${describe(values)}`);
  const shape = inferShape(fn, values);
  const size = shape.reduce((a, b) => a * b, 1);
  const out = allocate(dtype, size);
  if (size > 0) fillNested(fn, values, shape, out);
  if (options.shape) {
    const target = checkShape(fn, options.shape);
    return fromTyped(fn, out, target);
  }
  return new Tensor(out, shape);
}

function convert(a: TypedArray, dtype: DType): TypedArray {
  return dtype === 'float32' ? Float32Array.from(a) : Float64Array.from(a);
}

function fromTyped(fn: string, data: TypedArray, shape: number[]): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  check(size === data.length, fn, () => `shape ${fmtShape(shape)} needs ${size} values, received ${data.length}`);
  return new Tensor(data, shape);
}

/** @internal Wrap a typed array as a tensor without copying (the caller must not mutate it afterwards). */
export function fromData(data: TypedArray, shape: readonly number[]): Tensor {
  return new Tensor(data, shape);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: number[], value: number, options: { dtype?: DType } = {}): Tensor {
  checkOptions('full', options, ['dtype']);
  const s = checkShape('full', shape);
  check(typeof value === 'number', 'full', () => `value must be a number, received ${describe(value)}`);
  const out = allocate(checkDtype('full', options.dtype), s.reduce((a, b) => a * b, 1));
  if (value !== 0) out.fill(value);
  return new Tensor(out, s);
}

/** A tensor of zeros. */
export function zeros(shape: number[], options: { dtype?: DType } = {}): Tensor {
  return full(shape, 0, options);
}

/** A tensor of ones. */
export function ones(shape: number[], options: { dtype?: DType } = {}): Tensor {
  return full(shape, 1, options);
}

/** Zeros with the shape and dtype of `t`. */
export function zerosLike(t: Tensor): Tensor {
  return new Tensor(allocate(t.dtype, t.size), t.shape);
}

/** Ones with the shape and dtype of `t`. */
export function onesLike(t: Tensor): Tensor {
  const out = allocate(t.dtype, t.size);
  out.fill(1);
  return new Tensor(out, t.shape);
}

/** The n×m identity matrix (m defaults to n). */
export function eye(n: number, m: number = n, options: { dtype?: DType } = {}): Tensor {
  check(Number.isInteger(n) && n >= 0, 'eye', () => `n must be a non-negative integer, received ${describe(n)}`);
  check(Number.isInteger(m) && m >= 0, 'eye', () => `m must be a non-negative integer, received ${describe(m)}`);
  const out = allocate(checkDtype('eye', options.dtype), n * m);
  for (let i = 0; i < Math.min(n, m); i++) out[i * m + i] = 1;
  return new Tensor(out, [n, m]);
}

/** Evenly spaced values in [start, stop) with `step` (NumPy arange; one argument means [0, n)). */
export function arange(start: number, stop?: number, step = 1, options: { dtype?: DType } = {}): Tensor {
  if (stop === undefined) { stop = start; start = 0; }
  check(Number.isFinite(start) && Number.isFinite(stop) && Number.isFinite(step) && step !== 0, 'arange', `start, stop must be finite and step finite and non-zero, received (${start}, ${stop}, ${step})`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const out = allocate(checkDtype('arange', options.dtype), n);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  return new Tensor(out, [n]);
}

/** `num` evenly spaced values from start to stop inclusive. */
export function linspace(start: number, stop: number, num: number, options: { dtype?: DType } = {}): Tensor {
  check(Number.isInteger(num) && num >= 0, 'linspace', () => `num must be a non-negative integer, received ${describe(num)}`);
  const out = allocate(checkDtype('linspace', options.dtype), num);
  if (num === 1) out[0] = start;
  for (let i = 0; i < num && num > 1; i++) out[i] = start + ((stop - start) * i) / (num - 1);
  return new Tensor(out, [num]);
}

/** @internal Convert a TensorLike argument to a Tensor (numbers become scalars of `dtype`). */
export function asTensor(fn: string, name: string, x: TensorLike, dtype: DType = 'float64'): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') {
    const out = allocate(dtype, 1);
    out[0] = x;
    return new Tensor(out, []);
  }
  throw new TracetapeError(fn, `${name} must be a Tensor or a number, received ${describe(x)}`);
}
