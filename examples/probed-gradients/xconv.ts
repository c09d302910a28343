/**
 * XConv-style convolution (Louboutin et al., seed 05): a conv2d whose weight gradient is an unbiased probed estimate.
 * With Z = [z_1 … z_r] (r Rademacher probes over the H·W pixels of one input channel, E[z zᵀ] = I), the exact weight
 * gradient  δw[o,c,i] = Σ_n ⟨x[n,c], S_i δy[n,o]⟩  (S_i: the shift of kernel tap i) is replaced by
 *     δw[o,c,i] ≈ (1/r) Σ_j Σ_n (z_jᵀ x[n,c]) · (z_jᵀ S_i δy[n,o]),
 * so the forward pass keeps only X̄ = Zᵀx ([N, C, r] instead of [N, C, H, W]) and the probes' key; the backward pass
 * regenerates Z from the key. The input gradient is exact (it needs the weights, not x).
 */
import * as tt from '../../src/index.js';

/** Options of xconv2d. */
export interface XConvOptions {
  /** Number of probing vectors r (≥ 1). */
  probes: number;
  /** Zero padding (as tt.nn.conv2d). */
  padding?: number | [number, number];
  /** Stride (as tt.nn.conv2d). */
  stride?: number | [number, number];
}

/** What the forward pass keeps for backward. */
interface XConvResiduals { xBar: tt.Tensor; key: tt.random.PRNGKey; w: tt.Tensor; xShape: number[]; needDx: boolean }

/** Identity kernel [KH·KW, 1, KH, KW]: conv2d with it extracts every tap's shifted copy (im2col of one channel). */
function tapKernel(kh: number, kw: number): tt.Tensor {
  const kk = kh * kw;
  const data = new Float64Array(kk * kk);
  for (let i = 0; i < kk; i++) data[i * kk + i] = 1;
  return tt.tensor(data, { shape: [kk, 1, kh, kw] });
}

/** Floats the forward pass stores for backward: the probed input X̄ (the exact conv2d stores x itself: N·C·H·W). */
export function xconvStoredFloats(xShape: readonly number[], probes: number): number {
  return xShape[0] * xShape[1] * probes;
}

/**
 * Build a probed convolution with `options`: `(x [N,C,H,W], w [O,C,KH,KW], key) → y`, the same forward values as
 * tt.nn.conv2d, with the probed weight gradient above. Use a fresh key per call (the probes are drawn from it).
 */
export function xconv2d(options: XConvOptions): (x: tt.Tensor, w: tt.Tensor, key: tt.random.PRNGKey) => tt.Tensor {
  const r = options.probes;
  if (!Number.isInteger(r) || r < 1) throw new tt.TracetapeError('xconv2d', `options.probes must be a positive integer, received ${r}`);
  const convOpts = { padding: options.padding ?? 0, stride: options.stride ?? 1 };
  const probesOf = (key: tt.random.PRNGKey, h: number, w: number): tt.Tensor => tt.random.rademacher(key, [r, h * w]);

  const f = (x: tt.Tensor, w: tt.Tensor, _key: tt.random.PRNGKey): tt.Tensor => tt.nn.conv2d(x, w, convOpts);
  const fwd = (x: tt.Tensor, w: tt.Tensor, key: tt.random.PRNGKey): [tt.Tensor, XConvResiduals] => {
    const [n, c, h, wd] = x.shape;
    const y = tt.nn.conv2d(x, w, convOpts);
    // X̄[n, c, j] = z_jᵀ x[n, c]: one GEMM [N·C, H·W] · [H·W, r].
    const xBar = tt.reshape(tt.matmul(tt.reshape(x, [n * c, h * wd]), tt.transpose(probesOf(key, h, wd))), [n, c, r]);
    // x._tracked (the tape's flag, as in the library's own VJP rules): skip the input gradient when nobody needs it.
    return [y, { xBar, key, w, xShape: x.shape.slice(), needDx: x._tracked }];
  };
  const bwd = (res: XConvResiduals, dy: tt.Tensor): [tt.Tensor | null, tt.Tensor, null] => {
    const [n, c, h, wd] = res.xShape;
    const [o, , kh, kw] = res.w.shape;
    const kk = kh * kw;
    const p = dy.shape[2] * dy.shape[3];
    // Input gradient: conv2d is linear in x, so its VJP at any point (zeros) is the exact transposed convolution.
    let dx: tt.Tensor | null = null;
    if (res.needDx) {
      const [, pullback] = tt.vjp((xx: tt.Tensor) => tt.nn.conv2d(xx, res.w, convOpts), tt.zeros(res.xShape));
      dx = (pullback(dy) as tt.Tensor[])[0];
    }
    // Shifted probes: zc[j, i, p] = z_j at the input pixel that tap i reads for output position p.
    const z = tt.reshape(probesOf(res.key, h, wd), [r, 1, h, wd]);
    const zc = tt.reshape(tt.nn.conv2d(z, tapKernel(kh, kw), convOpts), [r * kk, p]);
    // Ȳ[n, o, j, i] = Σ_p δy[n, o, p] zc[j, i, p]: [N·O, P] · [P, r·KK].
    const yBar = tt.reshape(tt.matmul(tt.reshape(dy, [n * o, p]), tt.transpose(zc)), [n, o, r, kk]);
    // δw[o, c, i] = (1/r) Σ_{n, j} X̄[n, c, j] Ȳ[n, o, j, i]: [C, N·r] · [N·r, O·KK].
    const xb = tt.reshape(tt.transpose(res.xBar, [1, 0, 2]), [c, n * r]);
    const yb = tt.reshape(tt.transpose(yBar, [0, 2, 1, 3]), [n * r, o * kk]);
    const dwCO = tt.reshape(tt.div(tt.matmul(xb, yb), r), [c, o, kh, kw]);
    return [dx, tt.transpose(dwCO, [1, 0, 2, 3]), null];
  };
  return tt.customVjp(f, fwd, bwd);
}
