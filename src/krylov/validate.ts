/** Input and option validation shared by the Krylov functions (vectors, depth, enumerated options, tolerances). */
import { Tensor, type DType } from '../tensor/index.js';
import { TracetapeError, check, describe, fmtShape } from '../util/index.js';
import { firstNonFinite, normRaw } from './vectors.js';

/** Default breakdown tolerance: a new Krylov direction is declared zero when its norm is ≤ tol·‖A q_k‖. */
export function defaultBreakdownTol(dtype: DType): number {
  return dtype === 'float32' ? 1e-6 : 1e-13;
}

/** Check that `v` is a finite, non-zero 1-D Tensor; returns its length. */
export function checkStartVector(fn: string, name: string, v: unknown): number {
  if (!(v instanceof Tensor)) throw new TracetapeError(fn, `${name} must be a 1-D Tensor, received ${describe(v)}`);
  check(v.shape.length === 1 && v.shape[0] >= 1, fn, () => `${name} must be a non-empty 1-D Tensor, received shape ${fmtShape(v.shape)}`);
  const bad = firstNonFinite(v._data);
  check(bad < 0, fn, () => `${name} must be finite, received ${v._data[bad]} at index ${bad}`);
  check(normRaw(v._data, 0, v.size) > 0, fn, () => `${name} must be non-zero, received a zero vector of length ${v.size}`);
  return v.shape[0];
}

/** Check 1 ≤ depth ≤ n. */
export function checkDepth(fn: string, depth: unknown, n: number): number {
  check(typeof depth === 'number' && Number.isInteger(depth) && depth >= 1, fn, () => `depth must be a positive integer, received ${describe(depth)}`);
  check(depth <= n, fn, () => `depth must be ≤ n = ${n} (the Krylov space of an n×n operator has at most n dimensions), received depth ${depth}`);
  return depth;
}

/** Check that `value` (or the default when undefined) is one of `allowed`. */
export function checkChoice<T extends string>(fn: string, name: string, value: unknown, allowed: readonly T[], dflt: T): T {
  if (value === undefined) return dflt;
  if (!allowed.includes(value as T)) {
    throw new TracetapeError(fn, `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, received ${typeof value === 'string' ? `'${value}'` : describe(value)}`);
  }
  return value as T;
}

/** Check an optional non-negative finite number. */
export function checkNonNegative(fn: string, name: string, value: unknown, dflt: number): number {
  if (value === undefined) return dflt;
  check(typeof value === 'number' && Number.isFinite(value) && value >= 0, fn, () => `${name} must be a non-negative finite number, received ${describe(value)}`);
  return value;
}
