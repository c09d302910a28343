/** softmax and logSoftmax along one axis, computed stably by shifting with the (constant) maximum; differentiable to any order. */
import { Tensor } from '../../tensor/index.js';
import { stopGradient } from '../../tape/index.js';
import { TracetapeError, check, describe, fmtShape } from '../../util/errors.js';
import { sub, exp, log, div } from '../elementwise.js';
import { max, sum } from '../reduce.js';

/** @internal Validate x and axis for a softmax-like op; returns the normalised axis. */
export function checkSoftmaxArgs(fn: string, x: unknown, axis: unknown): number {
  if (!(x instanceof Tensor)) throw new TracetapeError(fn, `x must be a Tensor, received ${describe(x)}`);
  const r = x.shape.length;
  check(r >= 1, fn, () => `x must have rank ≥ 1, received shape ${fmtShape(x.shape)}`);
  check(typeof axis === 'number' && Number.isInteger(axis) && axis >= -r && axis < r, fn,
    () => `axis ${typeof axis === 'number' ? axis : describe(axis)} is out of range for x of rank ${r} (expected ${-r} ≤ axis < ${r})`);
  return (axis as number) < 0 ? (axis as number) + r : (axis as number);
}

/** x minus its maximum along `axis` (the maximum treated as a constant; non-finite maxima replaced by 0). */
function shifted(x: Tensor, axis: number): Tensor {
  const m = stopGradient(max(x, axis, true));
  const safe = new Tensor(m._data.map((v) => (Number.isFinite(v) ? v : 0)), m.shape);
  return sub(x, safe);
}

/** log softmax along `axis` (default −1): (x − m) − log Σ exp(x − m) with m the maximum; stable for large |x|. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const ax = checkSoftmaxArgs('logSoftmax', x, axis);
  const z = shifted(x, ax);
  return sub(z, log(sum(exp(z), ax, true)));
}

/** softmax along `axis` (default −1): exp(x − m) / Σ exp(x − m) with m the maximum. */
export function softmax(x: Tensor, axis = -1): Tensor {
  const ax = checkSoftmaxArgs('softmax', x, axis);
  const e = exp(shifted(x, ax));
  return div(e, sum(e, ax, true));
}
