/**
 * The points divided by the lengthscale(s), X / ℓ, memoised per point array: kernelMatvec is applied many times with
 * the same X and ℓ (every Krylov iteration), and handing the backend the same scaled array each time lets the wasm
 * backend keep it resident in its memory (its cache is keyed by array identity) instead of copying it in on every call.
 */
import type { Tensor, TypedArray } from '../../tensor/index.js';
import { isRecording } from '../../tape/index.js';
import { kernels, type Backend } from '../../backend/index.js';
import { div } from '../index.js';

/** The last scaled copy of one point array: the lengthscale and backend it was computed with, and the result. */
interface Entry { cols: number; lsDtype: string; ls: Float64Array; backend: Backend; scaled: Tensor }

const memo = new WeakMap<TypedArray, Entry>();

/** `memo: false` recomputes X / ℓ on every call (the behaviour before the memo; for benchmarks). Mutable. */
export const scaledPointsOptions = { memo: true };

/** Memo hits and misses of scaledPoints (for tests and benchmarks). */
export const scaledPointsStats = { hits: 0, misses: 0 };

/**
 * X / ℓ (div's broadcasting: ℓ a scalar or one per column). When the tape would record the division (X or ℓ tracked
 * while recording), a fresh differentiable div every time; otherwise the result is memoised per X's data array (tensors
 * are immutable) together with ℓ's values, X's column count and the backend, and the same tensor is returned while
 * those match — a changed ℓ recomputes it (only the last ℓ per X is kept; the entry goes with X's data).
 */
export function scaledPoints(X: Tensor, ls: Tensor): Tensor {
  if (!scaledPointsOptions.memo || isRecording([X, ls])) return div(X, ls);
  const backend = kernels();
  const cols = X.shape[1];
  const e = memo.get(X._data);
  if (e && e.cols === cols && e.backend === backend && e.lsDtype === ls.dtype && sameValues(e.ls, ls._data)) {
    scaledPointsStats.hits++;
    return e.scaled;
  }
  scaledPointsStats.misses++;
  const scaled = div(X, ls);
  memo.set(X._data, { cols, lsDtype: ls.dtype, ls: Float64Array.from(ls._data), backend, scaled });
  return scaled;
}

/** Whether `b` holds exactly the values of `a` (bitwise for numbers: -0 and NaN never occur in a positive ℓ). */
function sameValues(a: Float64Array, b: TypedArray): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
