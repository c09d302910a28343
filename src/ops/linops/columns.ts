/** Helpers shared by the operators: viewing a vector or a block of columns as [n, c] and back, and reading parameters. */
import { Tensor, asTensor } from '../../tensor/index.js';
import { reshape } from '../index.js';
import { TracetapeError, describe, fmtShape } from '../../util/errors.js';

/** v as an [n, c] block (a 1-D v becomes [n, 1]) and a function restoring the original layout of a result. */
export function asColumns(fn: string, v: unknown, n: number): { V: Tensor; restore: (r: Tensor) => Tensor } {
  if (!(v instanceof Tensor)) throw new TracetapeError(fn, `v must be a Tensor of shape [${n}] or [${n}, c], received ${describe(v)}`);
  if (v.shape.length === 1 && v.shape[0] === n) return { V: reshape(v, [n, 1]), restore: (r) => reshape(r, [r.shape[0]]) };
  if (v.shape.length === 2 && v.shape[0] === n) return { V: v, restore: (r) => r };
  throw new TracetapeError(fn, `v.shape ${fmtShape(v.shape)} does not match the operator (expected [${n}] or [${n}, c])`);
}

/** A parameter that may be a Tensor or a number (numbers become float64 scalars); undefined gives `fallback`. */
export function scalarParam(fn: string, name: string, x: unknown, fallback: number | null): Tensor | null {
  if (x === undefined) return fallback === null ? null : asTensor(fn, name, fallback);
  if (typeof x === 'number') return asTensor(fn, name, x);
  if (x instanceof Tensor) return x;
  throw new TracetapeError(fn, `${name} must be a Tensor or a number, received ${describe(x)}`);
}

/** Throw unless every value of `t` is finite and positive. */
export function checkPositive(fn: string, name: string, t: Tensor): void {
  const d = t._data;
  for (let i = 0; i < d.length; i++) {
    if (!(d[i] > 0) || !Number.isFinite(d[i])) throw new TracetapeError(fn, `${name} must be finite and positive, received ${d[i]} at index ${i}`);
  }
}
