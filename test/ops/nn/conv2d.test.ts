// conv2d (NCHW, OIHW): values against a direct seven-loop reference for strides, paddings, dilations and
// rectangular kernels; float32 preservation; gradients in x and w to second order (grad of grad through im2col).
import { expect } from 'chai';
import * as tt from '../../../src/index.js';
import { rand, expectClose, probe } from '../helpers.js';

/** Direct reference: out[n,o,y,x] = Σ_{c,i,j} x[n,c,y·sh−ph+i·dh, x·sw−pw+j·dw] · w[o,c,i,j] (zero outside). */
function convRef(x: tt.Tensor, w: tt.Tensor, s: [number, number], p: [number, number], d: [number, number]): { values: number[]; shape: number[] } {
  const [N, C, H, W] = x.shape, [O, , KH, KW] = w.shape;
  const OH = Math.floor((H + 2 * p[0] - d[0] * (KH - 1) - 1) / s[0]) + 1;
  const OW = Math.floor((W + 2 * p[1] - d[1] * (KW - 1) - 1) / s[1]) + 1;
  const xa = x.toArray() as number[][][][], wa = w.toArray() as number[][][][];
  const values: number[] = [];
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let y = 0; y < OH; y++) for (let xx = 0; xx < OW; xx++) {
    let acc = 0;
    for (let c = 0; c < C; c++) for (let i = 0; i < KH; i++) for (let j = 0; j < KW; j++) {
      const iy = y * s[0] - p[0] + i * d[0], ix = xx * s[1] - p[1] + j * d[1];
      if (iy >= 0 && iy < H && ix >= 0 && ix < W) acc += xa[n][c][iy][ix] * wa[o][c][i][j];
    }
    values.push(acc);
  }
  return { values, shape: [N, O, OH, OW] };
}

type Case = { name: string; x: number[]; w: number[]; stride?: number | [number, number]; padding?: number | [number, number]; dilation?: number | [number, number] };
const pairOf = (v: number | [number, number] | undefined, dflt: number): [number, number] => (v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : v);

const cases: Case[] = [
  { name: 'valid 3×3, stride 1', x: [2, 2, 5, 5], w: [3, 2, 3, 3] },
  { name: 'stride 2, padding 1', x: [1, 2, 6, 5], w: [2, 2, 3, 3], stride: 2, padding: 1 },
  { name: 'rectangular kernel, stride [1,2], padding [2,1]', x: [2, 1, 4, 6], w: [2, 1, 2, 3], stride: [1, 2], padding: [2, 1] },
  { name: 'dilation 2 with padding 2', x: [1, 2, 6, 6], w: [2, 2, 3, 3], dilation: 2, padding: 2 },
  { name: '1×1 kernel (channel mixing)', x: [2, 3, 3, 3], w: [4, 3, 1, 1] },
  { name: 'kernel as large as the input', x: [2, 2, 3, 4], w: [1, 2, 3, 4] },
];

describe('nn/conv2d', () => {
  for (const c of cases) {
    it(`${c.name}: matches the direct loop reference; gradients in x and w to second order`, () => {
      const x = rand(c.x, 120 + c.x[2]), w = rand(c.w, 130 + c.w[3]);
      const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation };
      const ref = convRef(x, w, pairOf(c.stride, 1), pairOf(c.padding, 0), pairOf(c.dilation, 1));
      expectClose(tt.nn.conv2d(x, w, opts), ref.values, ref.shape, 1e-13);
      // Second order: the Hessian of probe(conv(tanh(x), w)) couples x and w, so HVPs differentiate the
      // im2col gather's VJP (col2im scatter-add) and the matmul VJP. Random directions keep the check fast.
      tt.testing.checkGrads((a: tt.Tensor, b: tt.Tensor) => probe(tt.nn.conv2d(tt.tanh(a), b, opts)), [x, w], { order: 2, directions: 12 });
    });
  }

  it('full coordinate-wise gradient check on a small problem (every entry of x and w)', () => {
    const x = rand([1, 2, 4, 4], 140), w = rand([2, 2, 2, 2], 141);
    tt.testing.checkGrads((a: tt.Tensor, b: tt.Tensor) => probe(tt.nn.conv2d(a, b, { stride: 2, padding: 1 })), [x, w], { order: 2 });
  });

  it('closed forms: a delta kernel copies the input; an all-ones kernel gives window sums', () => {
    const x = rand([1, 1, 4, 4], 142);
    const delta = tt.tensor([[[[0, 0, 0], [0, 1, 0], [0, 0, 0]]]]);
    expectClose(tt.nn.conv2d(x, delta, { padding: 1 }), x.data(), [1, 1, 4, 4], 0);
    const xa = (x.toArray() as number[][][][])[0][0];
    const sums = tt.nn.conv2d(x, tt.ones([1, 1, 2, 2]), { stride: 2 });
    expectClose(sums, [0, 2].flatMap((i) => [0, 2].map((j) => xa[i][j] + xa[i][j + 1] + xa[i + 1][j] + xa[i + 1][j + 1])), [1, 1, 2, 2], 1e-15);
  });

  it('float32 inputs give float32 outputs close to the float64 reference', () => {
    const x = rand([1, 2, 4, 4], 143, -1, 1, 'float32'), w = rand([2, 2, 3, 3], 144, -1, 1, 'float32');
    const out = tt.nn.conv2d(x, w, { padding: 1 });
    expect(out.dtype).to.equal('float32');
    // 18-term float32 sums of products of size ≤ 1: absolute error far below 1e-5.
    expectClose(out, convRef(x, w, [1, 1], [1, 1], [1, 1]).values, [1, 2, 4, 4], 1e-5);
  });
});
