/** softmaxCrossEntropy: the cross-entropy of softmax(logits) against probability or class-index labels. */
import { Tensor, allocate } from '../../tensor/index.js';
import { TracetapeError, check, checkOptions, describe, fmtShape } from '../../util/errors.js';
import { mul, neg, where } from '../elementwise.js';
import { gatherMap } from '../gather-map.js';
import { sum, mean } from '../reduce.js';
import { logSoftmax } from './softmax.js';

/** Options of softmaxCrossEntropy. */
export interface SoftmaxCrossEntropyOptions {
  /** How the per-example losses are combined: 'mean' over the batch (default), 'sum', or 'none' (shape logits.shape[:-1]). */
  reduction?: 'mean' | 'sum' | 'none';
}

/** Flat offsets b·C + label_b of the target classes in logits [..., C], validating every label. */
function targetOffsets(fn: string, labels: ArrayLike<number>, classes: number): Int32Array {
  const n = labels.length;
  const map = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new TracetapeError(fn, `labels[${i}] = ${c} is not a class index (expected an integer in [0, ${classes}) for logits with ${classes} classes)`);
    }
    map[i] = i * classes + c;
  }
  return map;
}

/** 1 where the label probability is non-zero: those terms enter the loss, the others count as 0 (0·log 0 = 0). */
function nonZero(t: Tensor): Tensor {
  const d = t._data;
  const out = allocate(t.dtype, d.length);
  for (let i = 0; i < d.length; i++) out[i] = d[i] !== 0 ? 1 : 0;
  return new Tensor(out, t.shape);
}

/**
 * Cross-entropy −Σ_c labels_c · log softmax(logits)_c over the last (class) axis of `logits` [..., C].
 * `labels` is either a probability (or one-hot) tensor of the same shape as `logits` (differentiable too), or
 * integer class indices of shape logits.shape[:-1] (a Tensor, a number array or an Int32Array; not differentiated).
 * By default the per-example losses are averaged over all leading (batch) positions.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor | number[] | Int32Array, options: SoftmaxCrossEntropyOptions = {}): Tensor {
  const fn = 'softmaxCrossEntropy';
  checkOptions(fn, options, ['reduction']);
  const reduction = options.reduction ?? 'mean';
  check(reduction === 'mean' || reduction === 'sum' || reduction === 'none', fn,
    () => `options.reduction must be 'mean', 'sum' or 'none', received ${describe(reduction)}`);
  if (!(logits instanceof Tensor)) throw new TracetapeError(fn, `logits must be a Tensor, received ${describe(logits)}`);
  const r = logits.shape.length;
  check(r >= 1, fn, () => `logits must have rank ≥ 1 (classes on the last axis), received shape ${fmtShape(logits.shape)}`);
  const classes = logits.shape[r - 1];
  const batchShape = logits.shape.slice(0, r - 1);
  let indices: ArrayLike<number> | null = null;
  if (labels instanceof Tensor && labels.shape.length === r) {
    check(labels.shape.every((d, i) => d === logits.shape[i]), fn,
      () => `labels.shape ${fmtShape(labels.shape)} must equal logits.shape ${fmtShape(logits.shape)} (probabilities) or be ${fmtShape(batchShape)} (class indices)`);
  } else if (labels instanceof Tensor) {
    check(labels.shape.length === r - 1 && labels.shape.every((d, i) => d === batchShape[i]), fn,
      () => `labels.shape ${fmtShape(labels.shape)} must equal logits.shape ${fmtShape(logits.shape)} (probabilities) or be ${fmtShape(batchShape)} (class indices)`);
    indices = labels._data;
  } else if (Array.isArray(labels) || labels instanceof Int32Array) {
    check(r === 2 && labels.length === logits.shape[0], fn,
      () => `labels given as an array of ${labels.length} class indices need 2-D logits with ${labels.length} rows, received logits.shape ${fmtShape(logits.shape)}`);
    indices = labels;
  } else {
    throw new TracetapeError(fn, `labels must be a Tensor (probabilities or class indices), a number array or an Int32Array, received ${describe(labels)}`);
  }
  const offsets = indices === null ? null : targetOffsets(fn, indices, classes);
  const lsm = logSoftmax(logits, -1);
  // Index labels gather the target log-probabilities; probability labels drop their zero terms before multiplying,
  // so a −∞ logit (a masked class) gives no NaN in either case.
  const perExample = offsets !== null
    ? neg(gatherMap(lsm, offsets, batchShape))
    : neg(sum(mul(labels as Tensor, where(nonZero(labels as Tensor), lsm, 0)), -1));
  if (reduction === 'none') return perExample;
  return reduction === 'sum' ? sum(perExample) : mean(perExample);
}
