/**
 * Measured memory of part (a): the bytes a 4-layer convolution stack (C → C channels, 3×3, padding 1, no
 * nonlinearity, as in the seed's XConv memory profile) keeps alive between its forward and backward pass, with
 * exact tt.nn.conv2d layers versus xconv2d layers. Measured as JS heap + ArrayBuffers after a full GC, so node must
 * run with --expose-gc (the example runner and the tests do); otherwise the result is null.
 */
import * as tt from '../../src/index.js';
import { collectGarbage, liveBytes } from '../lib/index.js';
import { xconv2d } from './xconv.js';

/** Sizes of the measured stack. */
export interface StackSize { batch: number; channels: number; size: number; probes: number }

/** Bytes held by the tape after the forward pass (null without --expose-gc), and the gradient's norm (a sanity value). */
export function heldForBackward(mode: 'exact' | 'probed', s: StackSize): { bytes: number | null; gradNorm: number } {
  const [kx, ...kw] = tt.random.split(tt.random.key(42), 5);
  const x = tt.random.normal(kx, [s.batch, s.channels, s.size, s.size]);
  const ws = kw.map((k) => tt.mul(tt.random.normal(k, [s.channels, s.channels, 3, 3]), 1 / Math.sqrt(9 * s.channels)));
  const xc = xconv2d({ probes: s.probes, padding: 1 });
  const layer = (a: tt.Tensor, w: tt.Tensor, i: number): tt.Tensor =>
    (mode === 'exact' ? tt.nn.conv2d(a, w, { padding: 1 }) : xc(a, w, tt.random.key(1000 + i)));
  const f = (w1: tt.Tensor, w2: tt.Tensor, w3: tt.Tensor, w4: tt.Tensor): tt.Tensor =>
    tt.mean(layer(layer(layer(layer(x, w1, 1), w2, 2), w3, 3), w4, 4));
  const gcOk = collectGarbage();
  const base = liveBytes();
  const [, pullback] = tt.vjp(f, ...ws);
  collectGarbage();
  const held = liveBytes() - base;
  const grads = pullback(tt.tensor(1)) as tt.Tensor[];
  const gradNorm = Math.sqrt(grads.reduce((acc, g) => acc + tt.sum(tt.square(g)).item(), 0));
  return { bytes: gcOk ? held : null, gradNorm };
}
