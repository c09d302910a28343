/** softmaxCrossEntropy: the cross-entropy of softmax(logits) against probability or class-index labels. */
import { Tensor, allocate } from '../../tensor/index.js';
import { TracetapeError, check, checkOptions, describe, fmtShape } from '../../util/errors.js';
import { mul, neg } from '../elementwise.js';
import { sum, mean } from '../reduce.js';
import { logSoftmax } from './softmax.js';

/** Options of softmaxCrossEntropy. */
export interface SoftmaxCrossEntropyOptions {
  /** How the per-example losses are combined: 'mean' over the batch (default), 'sum', or 'none' (shape logits.shape[:-1]). */
  reduction?: 'mean' | 'sum' | 'none';
}

function oneHot(fn: string, labels: ArrayLike<number>, batchShape: number[], classes: number, like: Tensor): Tensor {
  const n = labels.length;
  const out = allocate(like.dtype, n * classes);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new TracetapeError(fn, `labels[${i}] = ${c} is not a class index (expected an integer in [0, ${classes}) for logits with ${classes} classes)`);
    }
    out[i * classes + c] = 1;
  }
  return new Tensor(out, [...batchShape, classes]);
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
  let target: Tensor;
  if (labels instanceof Tensor && labels.shape.length === r) {
    check(labels.shape.every((d, i) => d === logits.shape[i]), fn,
      () => `labels.shape ${fmtShape(labels.shape)} must equal logits.shape ${fmtShape(logits.shape)} (probabilities) or be ${fmtShape(batchShape)} (class indices)`);
    target = labels;
  } else if (labels instanceof Tensor) {
    check(labels.shape.length === r - 1 && labels.shape.every((d, i) => d === batchShape[i]), fn,
      () => `labels.shape ${fmtShape(labels.shape)} must equal logits.shape ${fmtShape(logits.shape)} (probabilities) or be ${fmtShape(batchShape)} (class indices)`);
    target = oneHot(fn, labels._data, batchShape, classes, logits);
  } else if (Array.isArray(labels) || labels instanceof Int32Array) {
    check(r === 2 && labels.length === logits.shape[0], fn,
      () => `labels given as an array of ${labels.length} class indices need 2-D logits with ${labels.length} rows, received logits.shape ${fmtShape(logits.shape)}`);
    target = oneHot(fn, labels, batchShape, classes, logits);
  } else {
    throw new TracetapeError(fn, `labels must be a Tensor (probabilities or class indices), a number array or an Int32Array, received ${describe(labels)}`);
  }
  const perExample = neg(sum(mul(target, logSoftmax(logits, -1)), -1));
  if (reduction === 'none') return perExample;
  return reduction === 'sum' ? sum(perExample) : mean(perExample);
}
