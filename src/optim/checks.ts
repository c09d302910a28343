/** Validation helpers for the optimisers: option values, learning rates, and matching params/grads/state pytrees. */
import { Tensor } from '../tensor/index.js';
import { flatten, type PyTree, type TreeDef } from '../tape/index.js';
import { TracetapeError, check, describe, fmtShape } from '../util/errors.js';
import type { LearningRate, OptimizerState } from './types.js';

/** Throw unless `v` is a finite number in the interval described by `lo`/`hi` (inclusive flags). */
export function checkNumberIn(fn: string, name: string, v: unknown, lo: number, hi: number, loIncl: boolean, hiIncl: boolean): number {
  const ok = typeof v === 'number' && Number.isFinite(v) && (loIncl ? v >= lo : v > lo) && (hiIncl ? v <= hi : v < hi);
  check(ok, fn, () => `${name} must be a number in ${loIncl ? '[' : '('}${lo}, ${hi}${hiIncl ? ']' : ')'}, received ${describe(v)}`);
  return v as number;
}

/** Validate a learning rate option (a positive finite number or a function). */
export function checkLearningRate(fn: string, lr: unknown): LearningRate {
  if (typeof lr === 'function') return lr as (count: number) => number;
  check(typeof lr === 'number' && Number.isFinite(lr) && lr > 0, fn, () => `lr must be a positive finite number or a schedule function, received ${describe(lr)}`);
  return lr;
}

/** The learning rate for update number `count`; a schedule's value is validated. */
export function learningRateAt(fn: string, lr: LearningRate, count: number): number {
  if (typeof lr === 'number') return lr;
  const v = lr(count);
  check(typeof v === 'number' && Number.isFinite(v) && v >= 0, fn, () => `lr schedule must return a non-negative finite number, returned ${describe(v)} at count ${count}`);
  return v;
}

/** Flatten `tree` and require at least one Tensor leaf. */
export function leavesOf(fn: string, name: string, tree: unknown): [Tensor[], TreeDef] {
  const [leaves, def] = flatten(tree);
  check(leaves.length > 0, fn, () => `${name} must be a pytree with at least one Tensor leaf, received ${describe(tree)}`);
  return [leaves, def];
}

/** Require `other` to have one leaf per reference leaf, with the same shape and dtype. */
export function checkLike(fn: string, name: string, other: readonly Tensor[], refName: string, ref: readonly Tensor[]): void {
  if (other.length !== ref.length) throw new TracetapeError(fn, `${name} has ${other.length} Tensor leaves but ${refName} has ${ref.length}`);
  for (let i = 0; i < ref.length; i++) {
    const a = other[i], b = ref[i];
    if (a.shape.length !== b.shape.length || a.shape.some((d, j) => d !== b.shape[j])) {
      throw new TracetapeError(fn, `${name} leaf ${i} has shape ${fmtShape(a.shape)} but ${refName} leaf ${i} has shape ${fmtShape(b.shape)}`);
    }
    check(a.dtype === b.dtype, fn, () => `${name} leaf ${i} has dtype ${a.dtype} but ${refName} leaf ${i} has dtype ${b.dtype}`);
  }
}

/** Require `state` to be a state object made by optimizer `kind`. */
export function checkState(fn: string, kind: string, state: unknown): asserts state is OptimizerState & Record<string, PyTree> {
  const s = state as { kind?: unknown; count?: unknown } | null;
  check(s !== null && typeof s === 'object' && s.kind === kind && typeof s.count === 'number' && Number.isInteger(s.count) && s.count >= 0, fn,
    () => `state must be the state returned by ${kind}'s init or update, received ${describe(state)}${s && typeof s === 'object' && 'kind' in s ? ` of kind ${String(s.kind)}` : ''}`);
}
