/** Tensor: an immutable n-dimensional array (row-major, contiguous) backed by ndarray over a typed array. */
import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import { type DType, type TypedArray, dtypeOf } from './dtype.js';
import { formatTensor } from './format.js';
import { methodTable } from './methods.js';

/** Autodiff bookkeeping attached to a tensor by the tape (opaque to everything but src/tape). */
export interface TapeLink {
  readonly parents: readonly Tensor[];
}

/** Nested JS arrays of numbers, as returned by `toArray()`. */
export type NestedArray = number | NestedArray[];

/** Something accepted where a tensor is expected: a Tensor or a JS number (a scalar). */
export type TensorLike = Tensor | number;

/** An immutable n-dimensional array of float64 or float32 values. */
export class Tensor {
  /** Dimensions, outermost first. */
  readonly shape: number[];
  /** Element type. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** @internal The values, row-major; never mutated after construction. */
  readonly _data: TypedArray;
  /** @internal Tape node that produced this tensor, or null. */
  _node: TapeLink | null = null;
  /** @internal Which output of `_node` this tensor is. */
  _outIndex = 0;
  /** @internal True when this tensor is a leaf a transform differentiates with respect to. */
  _leaf = false;
  private _nd: NdArray<TypedArray> | null = null;

  /** @internal Use `tt.tensor(...)` to create tensors. */
  constructor(data: TypedArray, shape: readonly number[]) {
    this._data = data;
    this.shape = shape.slice();
    this.dtype = dtypeOf(data);
    let s = 1;
    for (const d of shape) s *= d;
    this.size = s;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** @internal True when the tape tracks this tensor (a differentiated leaf or an op output). */
  get _tracked(): boolean {
    return this._leaf || this._node !== null;
  }

  /** An ndarray view of the values (read-only by convention: tensors are immutable). */
  toNdarray(): NdArray<TypedArray> {
    if (this._nd === null) this._nd = ndarray(this._data, this.shape.length === 0 ? [1] : this.shape);
    return this._nd;
  }

  /** A copy of the values as a flat typed array. */
  data(): TypedArray {
    return this._data.slice();
  }

  /** The values as nested JS arrays (a number for a scalar). */
  toArray(): NestedArray {
    const d = this._data;
    const shape = this.shape;
    if (shape.length === 0) return d[0];
    const build = (dim: number, offset: number): NestedArray[] => {
      const n = shape[dim];
      const out: NestedArray[] = new Array(n);
      if (dim === shape.length - 1) {
        for (let i = 0; i < n; i++) out[i] = d[offset + i];
        return out;
      }
      let stride = 1;
      for (let k = dim + 1; k < shape.length; k++) stride *= shape[k];
      for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * stride);
      return out;
    };
    return build(0, 0);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new Error(`item: tensor must have exactly one element, received shape [${this.shape.join(',')}]`);
    }
    return this._data[0];
  }

  /** Readable multi-line rendering, NumPy style. */
  toString(): string {
    return formatTensor(this);
  }

  /** Elementwise sum (broadcasting). */
  add(y: TensorLike): Tensor { return methodTable.call('add', this, y); }
  /** Elementwise difference (broadcasting). */
  sub(y: TensorLike): Tensor { return methodTable.call('sub', this, y); }
  /** Elementwise product (broadcasting). */
  mul(y: TensorLike): Tensor { return methodTable.call('mul', this, y); }
  /** Elementwise quotient (broadcasting). */
  div(y: TensorLike): Tensor { return methodTable.call('div', this, y); }
  /** Elementwise power (broadcasting). */
  pow(y: TensorLike): Tensor { return methodTable.call('pow', this, y); }
  /** Negation. */
  neg(): Tensor { return methodTable.call('neg', this); }
  /** Elementwise exponential. */
  exp(): Tensor { return methodTable.call('exp', this); }
  /** Elementwise natural logarithm. */
  log(): Tensor { return methodTable.call('log', this); }
  /** Elementwise square root. */
  sqrt(): Tensor { return methodTable.call('sqrt', this); }
  /** Elementwise square. */
  square(): Tensor { return methodTable.call('square', this); }
  /** Elementwise absolute value. */
  abs(): Tensor { return methodTable.call('abs', this); }
  /** Elementwise tanh. */
  tanh(): Tensor { return methodTable.call('tanh', this); }
  /** Elementwise logistic sigmoid. */
  sigmoid(): Tensor { return methodTable.call('sigmoid', this); }
  /** Elementwise max(x, 0). */
  relu(): Tensor { return methodTable.call('relu', this); }
  /** Sum over `axis` (all axes when omitted). */
  sum(axis?: number | number[], keepdims?: boolean): Tensor { return methodTable.call('sum', this, axis, keepdims); }
  /** Mean over `axis` (all axes when omitted). */
  mean(axis?: number | number[], keepdims?: boolean): Tensor { return methodTable.call('mean', this, axis, keepdims); }
  /** Maximum over `axis` (all axes when omitted). */
  max(axis?: number | number[], keepdims?: boolean): Tensor { return methodTable.call('max', this, axis, keepdims); }
  /** Matrix product, NumPy semantics. */
  matmul(y: Tensor): Tensor { return methodTable.call('matmul', this, y); }
  /** Dot product of two 1-D tensors. */
  dot(y: Tensor): Tensor { return methodTable.call('dot', this, y); }
  /** Same values, new shape (one entry may be -1). */
  reshape(shape: number[]): Tensor { return methodTable.call('reshape', this, shape); }
  /** Permute axes (reverse them when omitted). */
  transpose(axes?: number[]): Tensor { return methodTable.call('transpose', this, axes); }
  /** Transpose of the last two axes. */
  get T(): Tensor { return methodTable.call('transpose', this, undefined); }
}

/** True when `v` is a Tensor. */
export function isTensor(v: unknown): v is Tensor {
  return v instanceof Tensor;
}
