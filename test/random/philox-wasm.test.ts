// The WebAssembly SIMD Philox (src/backend/wasm/wat/philox.wat): Random123 known answers, bit-identical uniform /
// Rademacher / normal fills against the TypeScript block function, and the fused bootstrap kernels (gather and byte
// counters, 1–3 threads) against an independent TypeScript resample sum.
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { philoxThresholds, wasmAvailable, wasmPhiloxBlocks, wasmBootstrapMeans } from '../../src/backend/wasm/index.js';
import { wasmRuntime } from '../../src/backend/wasm/matmul.js';
import { threadedBootstrapMeans } from '../../src/backend/wasm/threads.js';
import { expectError } from '../support/errors.js';

const { random } = tt;
const TWO32 = 4294967296;
const words = new Uint32Array(4);

/** Stream block b of key k through the TypeScript block function (the reference the kernels must reproduce). */
function tsBlock(k: tt.random.PRNGKey, b: number): Uint32Array {
  const lo = b % TWO32;
  random.philox4x32(k.k0, k.k1, lo, (b - lo) / TWO32, 0, 0, words);
  return words;
}

/** Reference uniform elements start .. start+n-1 (53- or 24-bit recipe), straight from philox4x32 + bitsTo*. */
function refUniform(k: tt.random.PRNGKey, n: number, start: number, f32: boolean): number[] {
  const out: number[] = [];
  for (let i = start; i < start + n; i++) {
    const w = tsBlock(k, Math.floor(i / 2)), q = i % 2;
    out.push(f32 ? random.bitsToUniform32(w[2 * q]) : random.bitsToUniform(w[2 * q], w[2 * q + 1]));
  }
  return out;
}

function refRademacher(k: tt.random.PRNGKey, n: number, start: number): number[] {
  const out: number[] = [];
  for (let i = start; i < start + n; i++) out.push(tsBlock(k, Math.floor(i / 4))[i % 4] >>> 31 ? 1 : -1);
  return out;
}

/** Run `f` with the wasm fast paths of the fills switched off (the TypeScript loops), then restore. */
function withoutWasmFills<T>(f: () => T): T {
  const saved = philoxThresholds.fill;
  philoxThresholds.fill = Infinity;
  try { return f(); } finally { philoxThresholds.fill = saved; }
}

/** Independent reference of one resample mean: indices floor(u·n) from the TypeScript stream, Neumaier-compensated sum. */
function refResampleMean(key: tt.random.PRNGKey, x: Float64Array, r: number): number {
  const n = x.length;
  const u = withoutWasmFills(() => random.uniform(random.foldIn(key, r), [n]).data());
  let s = 0, c = 0;
  for (let i = 0; i < n; i++) {
    const v = x[Math.floor(u[i] * n)];
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s;
    s = t;
  }
  return (s + c) / n;
}

const keys = [random.key(0), random.key(42), random.key(2 ** 53), random.foldIn(random.key(7), 123456789)];
// starts across block and quad boundaries and across the 2^32 block-counter carry (element 2^33 − 5 is in block 2^32 − 3)
const starts = [0, 1, 2, 3, 5, 4095, 8 * 8192 - 3, 2 ** 33 - 5];
const lengths = [1, 3, 17, 64, 65, 1001, 4 * 8192 + 7];

describe('random: WebAssembly SIMD Philox', function () {
  before(function () {
    if (!wasmAvailable()) this.skip(); // TRACETAPE_WASM=0 or no SIMD: the TypeScript paths are tested everywhere else
  });

  it('reproduces the Random123 known-answer vectors (lane 0 of philox_words)', () => {
    const rt = wasmRuntime()!;
    const dst = rt.heap.alloc(128);
    const KAT = [
      { ctr: [0, 0, 0, 0], key: [0, 0], out: [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8] },
      { ctr: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], key: [0xffffffff, 0xffffffff], out: [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd] },
      { ctr: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], key: [0xa4093822, 0x299f31d0], out: [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1] },
    ];
    for (const v of KAT) {
      rt.k.philox_words(v.key[0], v.key[1], v.ctr[0], v.ctr[1], v.ctr[2], v.ctr[3], 2, dst);
      const w = new Uint32Array(rt.k.memory.buffer, dst, 32);
      expect([w[0], w[4], w[8], w[12]]).to.deep.equal(v.out);
      // the other 7 lanes are the following counters (with the carry of lane 1 of the second vector into word 1)
      for (let j = 1; j < 8; j++) {
        const c0 = (v.ctr[0] + j) % TWO32, c1 = (v.ctr[1] + (v.ctr[0] + j >= TWO32 ? 1 : 0)) % TWO32;
        random.philox4x32(v.key[0], v.key[1], c0, c1, v.ctr[2], v.ctr[3], words);
        const q = 16 * (j >> 2) + (j & 3);
        expect([w[q], w[q + 4], w[q + 8], w[q + 12]], `lane ${j}`).to.deep.equal(Array.from(words));
      }
    }
    rt.heap.free(dst);
  });

  it('raw blocks equal the TypeScript block function, including across the 2^32 counter carry', () => {
    for (const k of keys) {
      for (const b0 of [0, 9, TWO32 - 6, 3 * TWO32 + 1]) {
        const w = wasmPhiloxBlocks(k.k0, k.k1, b0, 11)!;
        for (let j = 0; j < 11; j++) {
          const ref = tsBlock(k, b0 + j), q = 16 * (j >> 2) + (j & 3);
          expect([w[q], w[q + 4], w[q + 8], w[q + 12]], `${k} block ${b0 + j}`).to.deep.equal(Array.from(ref));
        }
      }
    }
  });

  for (const dtype of ['float64', 'float32'] as const) {
    it(`fillUniform (${dtype}) is bit-identical to the TypeScript stream for odd lengths and offsets`, () => {
      const F = dtype === 'float64' ? Float64Array : Float32Array;
      for (const k of keys) {
        for (const start of starts) {
          for (const n of lengths) {
            if (n > 2000 && start !== 1) continue; // the long fill (several kernel chunks) once per key suffices
            const got = new F(n);
            random.fillUniform(k, got, start);
            const ref = n <= 2000 ? refUniform(k, n, start, dtype === 'float32') : Array.from(withoutWasmFills(() => { const a = new F(n); random.fillUniform(k, a, start); return a; }));
            expect(Array.from(got), `${k} start ${start} n ${n}`).to.deep.equal(ref);
          }
        }
      }
    });

    it(`fillRademacher (${dtype}) is bit-identical to the TypeScript stream for odd lengths and offsets`, () => {
      const F = dtype === 'float64' ? Float64Array : Float32Array;
      for (const k of keys) {
        for (const start of starts) {
          for (const n of lengths) {
            if (n > 2000 && start !== 3) continue;
            const got = new F(n);
            random.fillRademacher(k, got, start);
            const ref = n <= 2000 ? refRademacher(k, n, start) : Array.from(withoutWasmFills(() => { const a = new F(n); random.fillRademacher(k, a, start); return a; }));
            expect(Array.from(got), `${k} start ${start} n ${n}`).to.deep.equal(ref);
          }
        }
      }
    });

    it(`fillNormal and normal/uniform/rademacher tensors (${dtype}) match the TypeScript loops exactly`, () => {
      const F = dtype === 'float64' ? Float64Array : Float32Array;
      for (const k of keys) {
        for (const start of [0, 1, 5, 2 ** 33 - 5]) {
          for (const n of [65, 1001, 2 * 8192 * 2 + 3]) {
            const got = new F(n);
            random.fillNormal(k, got, start);
            const ref = withoutWasmFills(() => { const a = new F(n); random.fillNormal(k, a, start); return a; });
            expect(Array.from(got), `${k} start ${start} n ${n}`).to.deep.equal(Array.from(ref));
          }
        }
        for (const draw of [random.normal, random.uniform, random.rademacher]) {
          const got = draw(k, [37, 29], { dtype }).data();
          const ref = withoutWasmFills(() => draw(k, [37, 29], { dtype }).data());
          expect(Array.from(got)).to.deep.equal(Array.from(ref));
        }
      }
    });
  }
});

describe('random.fillBootstrapMeans', function () {
  // Positive skewed data (exp of normals): the resample sums have no cancellation, so the relative difference between
  // the kernels' summation orders and the compensated reference is a few ulps × √n, far below 1e-12.
  function sample(n: number, seed: number): Float64Array {
    const z = withoutWasmFills(() => random.normal(random.key(seed), [n]).data() as Float64Array);
    for (let i = 0; i < n; i++) z[i] = Math.exp(z[i]);
    return z;
  }
  const key = random.key(2024);

  for (const n of [1, 3, 17, 1001, 40_003]) {
    it(`equals the TypeScript resample mean to 1e-12 relative (n = ${n}, ${n >= philoxThresholds.bootstrapCounts ? 'byte counters' : 'gather'})`, () => {
      const x = sample(n, n);
      const start = n === 17 ? TWO32 - 2 : 5; // n = 17 also crosses the 2^32 carry of the foldIn counter
      const out = new Float64Array(6);
      random.fillBootstrapMeans(key, x, out, { start, threads: 1 });
      for (let j = 0; j < out.length; j++) {
        const ref = refResampleMean(key, x, start + j);
        expect(Math.abs(out[j] - ref) / ref, `resample ${start + j}`).to.be.below(1e-12);
      }
    });
  }

  it('both wasm kernels (gather and byte counters) agree, and a counter wrapping past 255 is carried exactly', function () {
    if (!wasmAvailable()) this.skip();
    // A wrap needs 256 draws of one index, which uniform draws practically never give; so start the counters at 255
    // (the kernel's contract is zeroed counters, but its arithmetic is exact for any start): every drawn index then
    // wraps, and the result must be Σ_j (255 + d_j)·x_j with d_j the reference draw counts, the counters left zeroed.
    const rt = wasmRuntime()!;
    const n = 37;
    const x = sample(n, 12);
    const data = rt.heap.alloc(8 * n), scratch = rt.heap.alloc(8192 + 64);
    new Float64Array(rt.k.memory.buffer, data, n).set(x);
    new Uint8Array(rt.k.memory.buffer, scratch + 8192, 64).fill(255);
    const k = random.key(77);
    const got = rt.k.bootstrap_sum_counts_f64(data, n, k.k0, k.k1, scratch, scratch + 8192);
    const u = withoutWasmFills(() => random.uniform(k, [n]).data());
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[Math.floor(u[i] * n)]++;
    let ref = 0;
    for (let j = 0; j < n; j++) ref += (255 + d[j]) * x[j];
    expect(Math.abs(got - ref) / ref).to.be.below(1e-13);
    expect(Array.from(new Uint8Array(rt.k.memory.buffer, scratch + 8192, n)).every((c) => c === 0)).to.equal(true);
    rt.heap.free(data); rt.heap.free(scratch);

    const y = sample(50_001, 9);
    const a = new Float64Array(4), b = new Float64Array(4);
    const saved = philoxThresholds.bootstrapCounts;
    try {
      philoxThresholds.bootstrapCounts = Infinity;
      expect(wasmBootstrapMeans(y, key.k0, key.k1, 0, a, 1)).to.equal(true);
      philoxThresholds.bootstrapCounts = 0;
      expect(wasmBootstrapMeans(y, key.k0, key.k1, 0, b, 1)).to.equal(true);
    } finally { philoxThresholds.bootstrapCounts = saved; }
    for (let j = 0; j < 4; j++) expect(Math.abs(a[j] - b[j]) / a[j]).to.be.below(1e-12);
  });

  it('is independent of the thread count (1, 2, 3 threads give identical means)', function () {
    for (const n of [999, 60_000]) {
      const x = sample(n, 3);
      const outs = [1, 2, 3].map((threads) => {
        const out = new Float64Array(23);
        random.fillBootstrapMeans(key, x, out, { start: 11, threads });
        return Array.from(out);
      });
      expect(outs[1]).to.deep.equal(outs[0]);
      expect(outs[2]).to.deep.equal(outs[0]);
      if (wasmAvailable()) { // the split really ran on the worker pool (not a silent single-thread fallback)
        const direct = new Float64Array(23);
        expect(threadedBootstrapMeans(x, key.k0, key.k1, 11, direct, 2, n >= philoxThresholds.bootstrapCounts)).to.equal(true);
        expect(Array.from(direct)).to.deep.equal(outs[0]);
      }
    }
  });

  it('a chunk filled with start = s equals the tail of a longer fill (resample j depends only on (key, j))', () => {
    const x = sample(2000, 4);
    const all = new Float64Array(10), tail = new Float64Array(4);
    random.fillBootstrapMeans(key, x, all);
    random.fillBootstrapMeans(key, tt.tensor(x), tail, { start: 6 });
    expect(Array.from(tail)).to.deep.equal(Array.from(all.subarray(6)));
  });

  it('float32 data (TypeScript path) gives the float64 result of the same values', () => {
    const x = Float32Array.from(sample(3001, 5));
    const a = new Float64Array(3), b = new Float64Array(3);
    random.fillBootstrapMeans(key, x, a);
    random.fillBootstrapMeans(key, Float64Array.from(x), b);
    for (let j = 0; j < 3; j++) expect(Math.abs(a[j] - b[j]) / b[j]).to.be.below(1e-12);
  });

  it('the bootstrap SE of the mean matches the analytic s/√n (statistical, 400 resamples)', () => {
    // the SE estimate from R = 400 resamples has relative sd ≈ 1/√(2R) = 3.5%; 5 sd = 18% is a safe bound
    const n = 5000;
    const x = sample(n, 8);
    let m = 0; for (const v of x) m += v; m /= n;
    let s2 = 0; for (const v of x) s2 += (v - m) ** 2; s2 /= n - 1;
    const out = new Float64Array(400);
    random.fillBootstrapMeans(key, x, out);
    let mm = 0; for (const v of out) mm += v; mm /= out.length;
    let v2 = 0; for (const v of out) v2 += (v - mm) ** 2; v2 /= out.length - 1;
    expect(Math.abs(Math.sqrt(v2) / Math.sqrt(s2 / n) - 1)).to.be.below(0.18);
  });

  it('rejects bad arguments with clear errors', () => {
    const x = new Float64Array(10), out = new Float64Array(2);
    const fn = 'random.fillBootstrapMeans';
    expectError(() => random.fillBootstrapMeans({} as tt.random.PRNGKey, x, out), fn, 'key must be a PRNGKey');
    expectError(() => random.fillBootstrapMeans(key, [1, 2] as unknown as Float64Array, out), fn, 'data must be a 1-D Tensor');
    expectError(() => random.fillBootstrapMeans(key, tt.ones([2, 2]), out), fn, 'data must be 1-D');
    expectError(() => random.fillBootstrapMeans(key, new Float64Array(0), out), fn, 'at least one value');
    expectError(() => random.fillBootstrapMeans(key, x, new Float32Array(2) as unknown as Float64Array), fn, 'out must be a Float64Array');
    expectError(() => random.fillBootstrapMeans(key, x, out, { start: -1 }), fn, 'options.start');
    expectError(() => random.fillBootstrapMeans(key, x, out, { threads: 0 }), fn, 'options.threads');
    expectError(() => random.fillBootstrapMeans(key, x, out, { chunk: 3 } as never), fn, 'chunk');
  });
});
