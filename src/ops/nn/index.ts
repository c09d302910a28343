/** The nn namespace (`tt.nn`): softmax, logSoftmax, softmaxCrossEntropy and conv2d, all differentiable to any order. */
export { softmax, logSoftmax } from './softmax.js';
export { softmaxCrossEntropy, type SoftmaxCrossEntropyOptions } from './cross-entropy.js';
export { conv2d, type Conv2dOptions } from './conv2d.js';
