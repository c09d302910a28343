/** conv2d: 2-D cross-correlation (NCHW input, OIHW weights) as an im2col gather followed by a matmul; differentiable to any order. */
import { Tensor } from '../../tensor/index.js';
import { TracetapeError, check, checkOptions, describe, fmtShape } from '../../util/errors.js';
import { gatherMap } from '../gather-map.js';
import { matmul } from '../matmul.js';
import { reshape } from '../shape.js';
import { im2colMap } from './im2col.js';

/** Options of conv2d. */
export interface Conv2dOptions {
  /** Step between output positions: a number or [sh, sw] (default 1). */
  stride?: number | [number, number];
  /** Zero padding added on both sides of each spatial axis: a number or [ph, pw] (default 0). */
  padding?: number | [number, number];
  /** Spacing between kernel taps: a number or [dh, dw] (default 1). */
  dilation?: number | [number, number];
}

function pair(fn: string, name: string, v: unknown, dflt: number, min: number): [number, number] {
  if (v === undefined) return [dflt, dflt];
  const ok = (e: unknown): boolean => typeof e === 'number' && Number.isInteger(e) && e >= min;
  if (ok(v)) return [v as number, v as number];
  if (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1])) return [v[0] as number, v[1] as number];
  throw new TracetapeError(fn, `options.${name} must be an integer ≥ ${min} or a pair [${name}H, ${name}W] of them, received ${Array.isArray(v) ? `[${v.join(',')}]` : describe(v)}`);
}

/**
 * 2-D convolution (cross-correlation, as in deep-learning libraries) of x [N, C, H, W] with weights w [O, C, KH, KW]
 * → [N, O, OH, OW], OH = ⌊(H + 2·ph − dh·(KH − 1) − 1) / sh⌋ + 1 (likewise OW). Padding is with zeros.
 */
export function conv2d(x: Tensor, w: Tensor, options: Conv2dOptions = {}): Tensor {
  const fn = 'conv2d';
  checkOptions(fn, options, ['stride', 'padding', 'dilation']);
  if (!(x instanceof Tensor)) throw new TracetapeError(fn, `x must be a Tensor, received ${describe(x)}`);
  if (!(w instanceof Tensor)) throw new TracetapeError(fn, `w must be a Tensor, received ${describe(w)}`);
  check(x.shape.length === 4, fn, () => `x must be 4-D [N, C, H, W], received x.shape ${fmtShape(x.shape)}`);
  check(w.shape.length === 4, fn, () => `w must be 4-D [O, C, KH, KW], received w.shape ${fmtShape(w.shape)}`);
  const [n, c, h, wd] = x.shape;
  const [o, wc, kh, kw] = w.shape;
  check(wc === c, fn, () => `x.shape ${fmtShape(x.shape)} and w.shape ${fmtShape(w.shape)} disagree on input channels (${c} vs ${wc})`);
  const [sh, sw] = pair(fn, 'stride', options.stride, 1, 1);
  const [ph, pw] = pair(fn, 'padding', options.padding, 0, 0);
  const [dh, dw] = pair(fn, 'dilation', options.dilation, 1, 1);
  const spanH = dh * (kh - 1) + 1, spanW = dw * (kw - 1) + 1;
  check(kh > 0 && kw > 0 && spanH <= h + 2 * ph && spanW <= wd + 2 * pw, fn,
    () => `the kernel (w.shape ${fmtShape(w.shape)}, dilation [${dh},${dw}]) spans ${spanH}×${spanW}, which must fit the padded input ${h + 2 * ph}×${wd + 2 * pw} (x.shape ${fmtShape(x.shape)}, padding [${ph},${pw}])`);
  const oh = Math.floor((h + 2 * ph - spanH) / sh) + 1;
  const ow = Math.floor((wd + 2 * pw - spanW) / sw) + 1;
  const ckk = c * kh * kw;
  const cols = gatherMap(x, im2colMap({ n, c, h, w: wd, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow }), [n, ckk, oh * ow]);
  const out = matmul(reshape(w, [o, ckk]), cols);
  return reshape(out, [n, o, oh, ow]);
}
