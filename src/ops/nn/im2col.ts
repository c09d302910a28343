/** The im2col index map of a 2-D convolution (NCHW input): which input element each patch entry reads (−1 = padding). */

/** Geometry of a 2-D convolution. */
export interface ConvGeometry {
  n: number; c: number; h: number; w: number;
  kh: number; kw: number;
  sh: number; sw: number;
  ph: number; pw: number;
  dh: number; dw: number;
  oh: number; ow: number;
}

/**
 * @internal For cols of shape [N, C·KH·KW, OH·OW]: map[((n·C + c)·KH·KW + i·KW + j)·OH·OW + y·OW + x] is the flat
 * index into x[N, C, H, W] of x[n, c, y·sh − ph + i·dh, x·sw − pw + j·dw], or −1 where that falls in the zero padding.
 */
export function im2colMap(g: ConvGeometry): Int32Array {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const p = oh * ow;
  const map = new Int32Array(n * c * kh * kw * p);
  let q = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const plane = (b * c + ch) * h * w;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          for (let y = 0; y < oh; y++) {
            const iy = y * sh - ph + i * dh;
            const rowOk = iy >= 0 && iy < h;
            const rowBase = plane + iy * w;
            for (let x = 0; x < ow; x++) {
              const ix = x * sw - pw + j * dw;
              map[q++] = rowOk && ix >= 0 && ix < w ? rowBase + ix : -1;
            }
          }
        }
      }
    }
  }
  return map;
}
