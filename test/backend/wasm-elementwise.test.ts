/**
 * Elementwise and reduction kernels on WebAssembly SIMD (src/backend/wasm/elementwise.ts, wat/elementwise.wat) against
 * independent float64 references: Math.exp (V8's fdlibm port) for exp, plain sequential loops for add/mul/sum/dot.
 * Odd sizes straddle the two-lane width, the dispatch threshold and the 8,192-element staging chunk; NaN/±Inf and the
 * overflow/underflow boundaries are checked explicitly; inputs and outputs may be views (subarrays) into larger buffers.
 */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { cpuBackend } from '../../src/backend/cpu/index.js';
import { wasmAvailable } from '../../src/backend/wasm/index.js';
import { wasmExp, wasmBinary, wasmDot, wasmSumChunked, wasmElementwiseThresholds } from '../../src/backend/wasm/elementwise.js';

/** Seeded values in [-0.5, 0.5) (LCG; fixed seeds keep every run identical). */
function rng(seed: number): () => number {
  let s = (seed * 2654435761 + 12345) >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296 - 0.5; };
}

const U = 2 ** -53; // unit roundoff of float64
const MIN_SUBNORMAL = 2 ** -1074;
// sizes: tiny, odd around the 2-lane width, around the exp dispatch threshold (128) and the 8,192-element chunk
const SIZES = [1, 2, 3, 5, 127, 128, 129, 1001, 8191, 8192, 8193, 16385, 20001];

/**
 * exp error bound. The kernel's polynomial and reduction were measured at ≤ 3.2e-16 = 2.9u relative error against
 * Math.exp over [−745, 709] (Math.exp itself is within 1 ulp of e^x), so 4u is tight. For a result in the subnormal
 * range the last rounding is to a multiple of 2⁻¹⁰⁷⁴, so add that absolute slack.
 */
function expectExpClose(got: Float64Array, x: Float64Array, label: string): void {
  for (let i = 0; i < x.length; i++) {
    const want = Math.exp(x[i]), g = got[i];
    if (Number.isNaN(want)) { expect(Number.isNaN(g), `${label}: exp(${x[i]}) = ${g}, want NaN`).to.equal(true); continue; }
    if (!Number.isFinite(want) || want === 0) { expect(g, `${label}: exp(${x[i]})`).to.equal(want); continue; }
    const tol = 4 * U * want + MIN_SUBNORMAL;
    if (!(Math.abs(g - want) <= tol)) expect.fail(`${label}: exp(${x[i]}) = ${g}, Math.exp ${want} (tolerance ${tol})`);
  }
}

describe('wasm elementwise kernels (float64)', function () {
  it('the kernels are loaded (Node 20 has WebAssembly SIMD; the cases below would otherwise test the TypeScript loops)', () => {
    expect(wasmAvailable()).to.equal(true);
  });

  describe('exp', () => {
    it('matches Math.exp on odd sizes over [−760, 720] (dispatch through the cpu backend)', () => {
      for (const n of SIZES) {
        const r = rng(n);
        const x = Float64Array.from({ length: n }, () => (r() + 0.5) * 1480 - 760);
        const out = new Float64Array(n);
        cpuBackend.unary('exp', x, out);
        expectExpClose(out, x, `n = ${n}`);
      }
    });

    it('is accurate on a dense grid of the reduced range and of moderate arguments', () => {
      const n = 200001;
      const x = Float64Array.from({ length: n }, (_, i) => -40 + (80 * i) / (n - 1));
      const out = new Float64Array(n);
      expect(wasmExp(x, out)).to.equal(true);
      expectExpClose(out, x, 'grid [−40, 40]');
    });

    it('propagates NaN and handles ±Inf, ±0 and the overflow/underflow boundaries', () => {
      const x = Float64Array.of(NaN, Infinity, -Infinity, 0, -0, 709.78, 709.79, 710, 1e300, -745.13, -745.14, -746, -1e300,
        -708.4, -720, -740, 1e-300, -1e-300, NaN, 1);
      const out = new Float64Array(x.length);
      expect(wasmExp(x, out)).to.equal(true);
      expectExpClose(out, x, 'special values');
      expect(out[3]).to.equal(1); // e^0 exactly 1 (r = 0, k = 0)
      expect(out[4]).to.equal(1);
      expect(Number.isNaN(out[0]) && Number.isNaN(out[18])).to.equal(true);
      expect(out[1]).to.equal(Infinity);
      expect(out[2]).to.equal(0);
    });

    it('works in place and on subarray views, and leaves elements outside the view untouched', () => {
      const r = rng(7);
      const buf = Float64Array.from({ length: 9001 }, () => r() * 50);
      const x = buf.subarray(3, 3 + 8195); // odd offset and length, crossing one chunk
      const want = Float64Array.from(x, Math.exp);
      const outBuf = new Float64Array(9001).fill(-1);
      const out = outBuf.subarray(5, 5 + 8195);
      cpuBackend.unary('exp', x, out);
      expectExpClose(out, x, 'views');
      expect(outBuf[4]).to.equal(-1);
      expect(outBuf[5 + 8195]).to.equal(-1);
      const copy = Float64Array.from(x);
      cpuBackend.unary('exp', x, x); // in place
      expectExpClose(x, copy, 'in place');
      for (let i = 0; i < want.length; i++) expect(x[i]).to.equal(out[i]);
    });

    it('below the threshold, for float32 and with the threshold disabled runs the Math.exp loop exactly', () => {
      const saved = wasmElementwiseThresholds.exp;
      try {
        const x = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 30);
        const out = new Float64Array(1000);
        wasmElementwiseThresholds.exp = Infinity;
        cpuBackend.unary('exp', x, out);
        for (let i = 0; i < x.length; i++) expect(out[i]).to.equal(Math.exp(x[i]));
        wasmElementwiseThresholds.exp = saved;
        const small = x.subarray(0, saved - 1), outSmall = new Float64Array(saved - 1);
        cpuBackend.unary('exp', small, outSmall);
        for (let i = 0; i < small.length; i++) expect(outSmall[i]).to.equal(Math.exp(small[i]));
        const x32 = Float32Array.from(x), out32 = new Float32Array(1000);
        cpuBackend.unary('exp', x32, out32);
        for (let i = 0; i < x32.length; i++) expect(out32[i]).to.equal(Math.fround(Math.exp(x32[i])));
      } finally {
        wasmElementwiseThresholds.exp = saved;
      }
    });

    it('tt.exp on a 300-element tensor (above the dispatch threshold) stays within the bound; its gradient checks against FD', () => {
      const r = rng(11);
      const data = Float64Array.from({ length: 300 }, () => r() * 6);
      const y = tt.exp(tt.tensor(data));
      expectExpClose(y.data() as Float64Array, data, 'tt.exp');
      // a loss that mixes entries so every partial is exercised; FD in float64, default tolerances of checkGrads
      const w = tt.tensor(Float64Array.from({ length: 300 }, () => r()));
      tt.testing.checkGrads((t: tt.Tensor) => tt.sum(tt.mul(tt.exp(t), w)), [tt.tensor(data)]);
    });
  });

  describe('add, sub, mul, div, sum, dot', () => {
    it('binary ops through the cpu backend are bitwise equal to the sequential loops, NaN/Inf/±0 included', () => {
      for (const n of SIZES) {
        const r = rng(100 + n);
        const a = Float64Array.from({ length: n }, r), b = Float64Array.from({ length: n }, r);
        if (n > 5) { a[1] = NaN; b[2] = Infinity; a[n - 1] = -Infinity; b[3] = 0; b[4] = -0; a[5] = Infinity; }
        for (const op of ['add', 'sub', 'mul', 'div'] as const) {
          const out = new Float64Array(n);
          cpuBackend.binary(op, a, b, out, null, null);
          const direct = new Float64Array(n);
          expect(wasmBinary(op, a, b, direct)).to.equal(true); // the kernel itself, also below the dispatch threshold
          for (let i = 0; i < n; i++) {
            const want = op === 'add' ? a[i] + b[i] : op === 'sub' ? a[i] - b[i] : op === 'mul' ? a[i] * b[i] : a[i] / b[i];
            for (const got of [out[i], direct[i]]) {
              if (!(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)))) expect.fail(`${op} n=${n} i=${i}: ${got} vs ${want}`);
            }
          }
        }
      }
    });

    it('binary ops work in place and on subarray views', () => {
      const r = rng(5);
      const buf = Float64Array.from({ length: 20000 }, r);
      const a = buf.subarray(1, 1 + 9001), b = buf.subarray(9003, 9003 + 9001);
      const want = Float64Array.from(a, (v, i) => v / b[i]);
      const before = buf[0], between = buf[9002];
      cpuBackend.binary('div', a, b, a, null, null); // out aliases a
      for (let i = 0; i < want.length; i++) if (!Object.is(a[i], want[i])) expect.fail(`i=${i}: ${a[i]} vs ${want[i]}`);
      expect(buf[0]).to.equal(before); // elements outside the views untouched
      expect(buf[9002]).to.equal(between);
    });

    it('row sums (sumAxis, inner = 1) match float64 sequential sums within 2(len+2)u·Σ|a| per row', () => {
      for (const [outer, len] of [[1, 1023], [1, 1024], [3, 1025], [2, 8193], [1, 20001], [4, 5000]]) {
        const r = rng(300 + len);
        const a = Float64Array.from({ length: outer * len }, r);
        const out = new Float64Array(outer);
        cpuBackend.sumAxis(a, out, outer, len, 1);
        for (let o = 0; o < outer; o++) {
          let s = 0, sAbs = 0;
          for (let l = 0; l < len; l++) { s += a[o * len + l]; sAbs += Math.abs(a[o * len + l]); }
          expect(Math.abs(out[o] - s), `outer ${outer} len ${len} row ${o}`).to.be.at.most(2 * (len + 2) * U * sAbs);
        }
      }
      const withNaN = new Float64Array(3 * 2000).fill(1);
      withNaN[2500] = NaN; withNaN[4100] = -Infinity;
      const out = new Float64Array(3);
      cpuBackend.sumAxis(withNaN, out, 3, 2000, 1);
      expect(out[0]).to.equal(2000);
      expect(Number.isNaN(out[1])).to.equal(true);
      expect(out[2]).to.equal(-Infinity);
    });

    it('sum and dot agree with sequential sums within the reordering bound 2(n+2)u·Σ|terms|', () => {
      for (const n of SIZES) {
        const r = rng(200 + n);
        const a = Float64Array.from({ length: n }, r), b = Float64Array.from({ length: n }, r);
        let s = 0, sAbs = 0, d = 0, dAbs = 0;
        for (let i = 0; i < n; i++) { s += a[i]; sAbs += Math.abs(a[i]); d += a[i] * b[i]; dAbs += Math.abs(a[i] * b[i]); }
        const gamma = 2 * (n + 2) * U;
        expect(Math.abs(wasmSumChunked(a)! - s), `sum n=${n}`).to.be.at.most(gamma * sAbs);
        expect(Math.abs(wasmDot(a, b)! - d), `dot n=${n}`).to.be.at.most(gamma * dAbs);
      }
    });

    it('sum and dot propagate NaN and Inf', () => {
      const a = Float64Array.from({ length: 9001 }, (_, i) => i % 7), b = new Float64Array(9001).fill(1);
      a[8500] = NaN;
      expect(Number.isNaN(wasmSumChunked(a)!)).to.equal(true);
      expect(Number.isNaN(wasmDot(a, b)!)).to.equal(true);
      a[8500] = Infinity;
      expect(wasmSumChunked(a)).to.equal(Infinity);
      expect(wasmDot(a, b)).to.equal(Infinity);
    });
  });
});
