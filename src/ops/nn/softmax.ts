/** softmax and logSoftmax along one axis, computed stably through logsumexp (differentiable to any order). */
import { Tensor } from '../../tensor/index.js';
import { TracetapeError, check, describe, fmtShape } from '../../util/errors.js';
import { sub, exp } from '../elementwise.js';
import { logsumexp } from '../reduce.js';

/** @internal Validate x and axis for a softmax-like op; returns the normalised axis. */
export function checkSoftmaxArgs(fn: string, x: unknown, axis: unknown): number {
  if (!(x instanceof Tensor)) throw new TracetapeError(fn, `x must be a Tensor, received ${describe(x)}`);
  const r = x.shape.length;
  check(r >= 1, fn, () => `x must have rank ≥ 1, received shape ${fmtShape(x.shape)}`);
  check(typeof axis === 'number' && Number.isInteger(axis) && axis >= -r && axis < r, fn,
    () => `axis ${describe(axis)} is out of range for x of rank ${r} (expected ${-r} ≤ axis < ${r})`);
  return (axis as number) < 0 ? (axis as number) + r : (axis as number);
}

/** log softmax along `axis` (default −1): x − logsumexp(x, axis); stable for large |x|. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const ax = checkSoftmaxArgs('logSoftmax', x, axis);
  return sub(x, logsumexp(x, ax, true));
}

/** softmax along `axis` (default −1): exp(x) / Σ exp(x), computed as exp(logSoftmax(x)). */
export function softmax(x: Tensor, axis = -1): Tensor {
  const ax = checkSoftmaxArgs('softmax', x, axis);
  return exp(sub(x, logsumexp(x, ax, true)));
}
