/**
 * A small MNIST CNN for the XConv experiments: conv 1→8 (3×3, stride 2, pad 1) → relu → conv 8→16 (3×3, stride 2,
 * pad 1) → relu → linear 784→10. Its two convolutions are either tt.nn.conv2d (exact gradients) or xconv2d with r
 * probes (probed weight gradients, fresh probes every call).
 */
import * as tt from '../../src/index.js';
import { xconv2d, xconvStoredFloats } from './xconv.js';

/** The CNN's parameters. */
export interface CnnParams { w1: tt.Tensor; w2: tt.Tensor; W3: tt.Tensor; b3: tt.Tensor }

const convOpts = { stride: 2, padding: 1 } as const;

/** He-style random initialisation from `key`. */
export function initCnn(key: tt.random.PRNGKey): CnnParams {
  const [k1, k2, k3] = tt.random.split(key, 3);
  return {
    w1: tt.mul(tt.random.normal(k1, [8, 1, 3, 3]), Math.sqrt(2 / 9)),
    w2: tt.mul(tt.random.normal(k2, [16, 8, 3, 3]), Math.sqrt(2 / 72)),
    W3: tt.mul(tt.random.normal(k3, [784, 10]), Math.sqrt(1 / 784)),
    b3: tt.zeros([10]),
  };
}

/** The convolution the CNN uses: exact, or probed with r probes (and the key of this call's probes). */
export type ConvMode = { kind: 'exact' } | { kind: 'probed'; probes: number; key: tt.random.PRNGKey };

/** Logits [B, 10] for images x [B, 784]. */
export function cnnLogits(p: CnnParams, x: tt.Tensor, mode: ConvMode): tt.Tensor {
  const B = x.shape[0];
  const img = tt.reshape(x, [B, 1, 28, 28]);
  let conv1: (a: tt.Tensor, w: tt.Tensor) => tt.Tensor;
  let conv2: (a: tt.Tensor, w: tt.Tensor) => tt.Tensor;
  if (mode.kind === 'exact') {
    conv1 = conv2 = (a, w) => tt.nn.conv2d(a, w, convOpts);
  } else {
    const xc = xconv2d({ probes: mode.probes, ...convOpts });
    const [ka, kb] = tt.random.split(mode.key, 2);
    conv1 = (a, w) => xc(a, w, ka);
    conv2 = (a, w) => xc(a, w, kb);
  }
  const h1 = tt.relu(conv1(img, p.w1));
  const h2 = tt.relu(conv2(h1, p.w2));
  return tt.add(tt.matmul(tt.reshape(h2, [B, 784]), p.W3), p.b3);
}

/** Mean cross-entropy on (x, labels). */
export function cnnLoss(p: CnnParams, x: tt.Tensor, labels: Int32Array, mode: ConvMode): tt.Tensor {
  return tt.nn.softmaxCrossEntropy(cnnLogits(p, x, mode), labels);
}

/** Classification accuracy on (x, labels), evaluated in chunks without taping. */
export function accuracy(p: CnnParams, x: tt.Tensor, labels: Int32Array): number {
  return tt.noGrad(() => {
    const z = cnnLogits(p, x, { kind: 'exact' }).data();
    let hits = 0;
    for (let i = 0; i < labels.length; i++) {
      let best = 0;
      for (let c = 1; c < 10; c++) if (z[i * 10 + c] > z[i * 10 + best]) best = c;
      if (best === labels[i]) hits++;
    }
    return hits / labels.length;
  });
}

/** Floats each convolution keeps for its weight gradient at batch size B: exact (its input) vs probed (X̄ = Zᵀx). */
export function convMemory(B: number, probes: number): { layer: string; exact: number; probed: number }[] {
  return [
    { layer: 'conv1 (1×28×28 input)', exact: B * 784, probed: xconvStoredFloats([B, 1, 28, 28], probes) },
    { layer: 'conv2 (8×14×14 input)', exact: B * 8 * 196, probed: xconvStoredFloats([B, 8, 14, 14], probes) },
  ];
}
