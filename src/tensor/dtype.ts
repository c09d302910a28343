/** Data types: float64 (default) and float32, their typed arrays, and promotion. */
import { TracetapeError } from '../util/errors.js';

/** Element type of a tensor. */
export type DType = 'float64' | 'float32';
/** The typed array behind a tensor. */
export type TypedArray = Float64Array | Float32Array;

/** Allocate a zero-filled typed array of `dtype`. */
export function allocate(dtype: DType, size: number): TypedArray {
  return dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
}

/** The dtype of a typed array. */
export function dtypeOf(a: TypedArray): DType {
  return a instanceof Float32Array ? 'float32' : 'float64';
}

/** Result dtype of an op on two dtypes: float64 wins. */
export function promote(a: DType, b: DType): DType {
  return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}

/** Validate a dtype name coming from user code. */
export function checkDtype(fn: string, d: unknown): DType {
  if (d === undefined) return 'float64';
  if (d === 'float64' || d === 'float32') return d;
  throw new TracetapeError(fn, `dtype must be 'float64' or 'float32', received ${JSON.stringify(d)}`);
}
