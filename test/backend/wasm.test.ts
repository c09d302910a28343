/**
 * WebAssembly SIMD kernels (src/backend/wasm) against the plain TypeScript loops of the cpu backend: gemm and gemv in
 * float64 and float32 on odd sizes and blocking boundaries, batched/broadcast offsets, NaN/Inf propagation, the
 * resident-matrix cache, the public matmul path, and that the committed module matches kernels.wat.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as tt from '../../src/index.js';
import { gemm } from '../../src/backend/cpu/matmul.js';
import {
  wasmMatmul, wasmSum, wasmThresholds, setWasmThreads, threadsInEffect, threadThreshold, wasmAvailable, simdSupported, residentStats, setResidentCacheLimit, clearResidentCache,
} from '../../src/backend/wasm/index.js';

type Arr = Float64Array | Float32Array;

/** Seeded values in [-0.5, 0.5) (LCG; fixed seeds keep every run identical). */
function rng(seed: number): () => number {
  let s = (seed * 2654435761 + 12345) >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296 - 0.5; };
}

function fill(r: () => number, n: number, f32: boolean): Arr {
  const a = f32 ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = r();
  return a;
}

/** Plain-TypeScript reference for every batch (the cpu backend's loops). */
function reference(a: Arr, b: Arr, m: number, k: number, n: number, aOff: Int32Array, bOff: Int32Array): Arr {
  const out = a instanceof Float32Array ? new Float32Array(aOff.length * m * n) : new Float64Array(aOff.length * m * n);
  for (let t = 0; t < aOff.length; t++) gemm(a, aOff[t], b, bOff[t], out, t * m * n, m, k, n);
  return out;
}

/** (|A|·|B|) per batch, in float64: the scale of the rounding error of each output entry. */
function absProduct(a: Arr, b: Arr, m: number, k: number, n: number, aOff: Int32Array, bOff: Int32Array): Float64Array {
  const aa = Float64Array.from(a, Math.abs), bb = Float64Array.from(b, Math.abs);
  const out = new Float64Array(aOff.length * m * n);
  for (let t = 0; t < aOff.length; t++) gemm(aa, aOff[t], bb, bOff[t], out, t * m * n, m, k, n);
  return out;
}

function runWasm(a: Arr, b: Arr, m: number, k: number, n: number, aOff: Int32Array, bOff: Int32Array, warmMatvec = true): Arr {
  const out = a instanceof Float32Array ? new Float32Array(aOff.length * m * n) : new Float64Array(aOff.length * m * n);
  // a matvec (or a product with < 4 rows) may decline the first use of a large matrix (see the resident-cache test);
  // the next call must run the kernels
  const large = n === 1 ? a.byteLength >= 65536 : m < 4 && b.byteLength >= 65536;
  if (warmMatvec && large) wasmMatmul(a, b, out, m, k, n, aOff, bOff);
  out.fill(0);
  expect(wasmMatmul(a, b, out, m, k, n, aOff, bOff), `wasm took ${m}×${k}×${n}`).to.equal(true);
  return out;
}

/**
 * Both results are sums of the same products in different orders. Bound per entry: γ·(|A||B|)_ij with
 * γ = (k + 2)·u, u = 2⁻⁵³ (float64) or 2⁻²⁴ (float32, where the wasm kernel accumulates in float32 and the reference in
 * float64 rounded once) — the standard worst-case bound for a k-term dot product, doubled for the two orders.
 */
function expectClose(got: Arr, want: Arr, scale: Float64Array, k: number, label: string): void {
  const u = got instanceof Float32Array ? 2 ** -24 : 2 ** -53;
  const gamma = 2 * (k + 2) * u;
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (!Number.isFinite(w)) {
      expect(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)), `${label}: entry ${i} is ${g}, reference ${w}`).to.equal(true);
      continue;
    }
    const tol = gamma * scale[i] + (got instanceof Float32Array ? 2 ** -24 * Math.abs(w) : 0) + 1e-300;
    if (!(Math.abs(g - w) <= tol)) expect.fail(`${label}: entry ${i} is ${g}, reference ${w} (tolerance ${tol})`);
  }
}

function check(m: number, k: number, n: number, f32: boolean, seed: number, batches = 1): void {
  const r = rng(seed);
  const a = fill(r, batches * m * k, f32), b = fill(r, batches * k * n, f32);
  const aOff = Int32Array.from({ length: batches }, (_, t) => t * m * k);
  const bOff = Int32Array.from({ length: batches }, (_, t) => t * k * n);
  expectClose(runWasm(a, b, m, k, n, aOff, bOff), reference(a, b, m, k, n, aOff, bOff), absProduct(a, b, m, k, n, aOff, bOff), k,
    `${f32 ? 'f32' : 'f64'} ${m}×${k}×${n}`);
}

describe('backend: WebAssembly SIMD kernels', () => {
  let saved: { matmul: number; matvec: number };
  before(() => {
    saved = { ...wasmThresholds };
    wasmThresholds.matmul = 0; // every size through the kernels, however small
    wasmThresholds.matvec = 0;
  });
  after(() => Object.assign(wasmThresholds, saved));

  it('the committed kernels.generated.ts is what kernels.wat assembles to', () => {
    // exits non-zero (execFileSync throws) when the embedded module is stale
    const msg = execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { encoding: 'utf8' });
    expect(msg).to.match(/up to date/);
  });

  it('TRACETAPE_WASM=0 disables the kernels: tt.matmul runs the TypeScript loops and backendInfo says so', function () {
    this.timeout(60000); // a child process compiles the library with tsx
    const script = "import * as tt from './src/index.ts';"
      + 'const a = tt.arange(64 * 48).reshape([64, 48]).div(1000), b = tt.ones([48, 40]);'
      + 'const c = tt.matmul(a, b).data();'
      + 'console.log(JSON.stringify({ detail: tt.backendInfo().detail, c0: c[0], c1: c[41] }));';
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8', env: { ...process.env, TRACETAPE_WASM: '0', TRACETAPE_BACKEND: 'cpu' } });
    const res = JSON.parse(out.trim().split('\n').pop()!) as { detail: string; c0: number; c1: number };
    expect(res.detail).to.match(/disabled by TRACETAPE_WASM=0/);
    // row 0: Σ_{p<48} p/1000 = 1.128; row 1: Σ (48 + p)/1000 = 3.432 (exact sums of a few decimals: 1e-12)
    expect(res.c0).to.be.closeTo(1.128, 1e-12);
    expect(res.c1).to.be.closeTo(3.432, 1e-12);
  });

  it('loads where WebAssembly SIMD exists (Node ≥ 20 has it) and reports itself in backendInfo', () => {
    expect(simdSupported()).to.equal(true);
    expect(wasmAvailable()).to.equal(true);
    tt.setBackend('cpu');
    expect(tt.backendInfo().detail).to.match(/WebAssembly SIMD kernels loaded/);
  });

  for (const f32 of [false, true]) {
    const dt = f32 ? 'float32' : 'float64';
    it(`${dt} gemm matches the TypeScript loops on odd sizes (1, 3, 17, 129)`, () => {
      let seed = f32 ? 100 : 200;
      for (const m of [1, 3, 17, 129]) for (const k of [1, 3, 17, 129]) for (const n of [2, 3, 17, 129]) check(m, k, n, f32, seed++);
    });

    it(`${dt} gemm across the blocking boundaries (KC, MC, NC, partial tiles)`, () => {
      check(261, 515, 13, f32, 1); // k crosses KC (256 f64, 512 f32) twice; m crosses MC = 128 with a partial 4-row tile
      check(5, 7, 2053, f32, 2); // n crosses NC = 2048 with a partial panel
      check(64, 64, 64, f32, 3); // exact multiples: only full tiles
    });

    it(`${dt} gemv (n = 1) on odd sizes, including k below one vector step`, () => {
      let seed = f32 ? 300 : 400;
      for (const m of [1, 3, 4, 17, 129]) for (const k of [1, 2, 3, 7, 8, 9, 17, 129, 1000]) check(m, k, 1, f32, seed++);
    });

    it(`${dt} row vectors and thin matrices times a matrix (m < 4: the vector-matrix kernel), odd column counts`, () => {
      let seed = f32 ? 500 : 600;
      for (const m of [1, 2, 3]) for (const k of [1, 3, 4, 5, 17, 129]) for (const n of [2, 3, 4, 5, 7, 9, 17, 130, 301]) check(m, k, n, f32, seed++);
      check(2, 700, 1500, f32, seed++); // large B: declined on first use, then resident
    });

    it(`${dt} batched and broadcast offsets (batched matvec with k = 1…64 right-hand sides)`, () => {
      const r = rng(f32 ? 7 : 8);
      const m = 37, k = 29;
      for (const n of [1, 2, 5, 16, 64]) {
        // a: 3 batches; b: one matrix broadcast over them (repeated offset 0), then the reverse
        const a = fill(r, 3 * m * k, f32), b = fill(r, k * n, f32);
        const aOff = Int32Array.from([0, m * k, 2 * m * k]), bOff = new Int32Array(3);
        expectClose(runWasm(a, b, m, k, n, aOff, bOff), reference(a, b, m, k, n, aOff, bOff), absProduct(a, b, m, k, n, aOff, bOff), k, `${dt} broadcast b n=${n}`);
        const a1 = fill(r, m * k, f32), b3 = fill(r, 3 * k * n, f32);
        const aOff1 = new Int32Array(3), bOff3 = Int32Array.from([2 * k * n, 0, k * n]);
        expectClose(runWasm(a1, b3, m, k, n, aOff1, bOff3), reference(a1, b3, m, k, n, aOff1, bOff3), absProduct(a1, b3, m, k, n, aOff1, bOff3), k, `${dt} broadcast a n=${n}`);
      }
    });

    it(`${dt} NaN and ±Inf propagate exactly as in the TypeScript loops (zero padding of edge tiles adds none)`, () => {
      const r = rng(f32 ? 9 : 10);
      for (const [m, k, n] of [[7, 9, 6], [5, 300, 1], [6, 5, 1], [130, 17, 11]] as const) {
        const a = fill(r, m * k, f32), b = fill(r, k * n, f32);
        a[(m - 1) * k + (k - 1)] = NaN; // last row of A: that output row becomes NaN
        a[1 % m * k] = Infinity; // ±Inf in A times signed B: ±Inf entries (NaN where opposite infinities meet)
        b[(k - 1) * n] = -Infinity; // last row of B, first column
        b[0] = 0; // Inf · 0 = NaN where A's Inf meets it
        const z = new Int32Array(1);
        const want = reference(a, b, m, k, n, z, z);
        expect(Array.from(want).some((v) => Number.isNaN(v)) && Array.from(want).some((v) => Math.abs(v) === Infinity)).to.equal(true);
        expectClose(runWasm(a, b, m, k, n, z, z), want, absProduct(a, b, m, k, n, z, z), k, `${dt} non-finite ${m}×${k}×${n}`);
      }
    });
  }

  it('wasmSum matches a sequential sum on odd lengths and propagates NaN/Inf', () => {
    const r = rng(13);
    for (const n of [0, 1, 7, 8, 9, 17, 1000, 100003]) {
      const a = fill(r, n, false) as Float64Array;
      let s = 0, sAbs = 0;
      for (let i = 0; i < n; i++) { s += a[i]; sAbs += Math.abs(a[i]); }
      // different association order: |error| ≤ 2·n·u·Σ|a_i| (u = 2⁻⁵³)
      expect(Math.abs(wasmSum(a)! - s)).to.be.at.most(2 * n * 2 ** -53 * sAbs);
    }
    const b = Float64Array.from([1, 2, 3, Infinity, 5, 6, 7, 8, 9]);
    expect(wasmSum(b)).to.equal(Infinity);
    b[8] = -Infinity; // in the scalar tail
    expect(wasmSum(b)).to.be.NaN;
    b[8] = NaN;
    b[3] = 1;
    expect(wasmSum(b)).to.be.NaN;
  });

  it('mixed dtypes and empty sizes decline (the TypeScript loops run them)', () => {
    const z = new Int32Array(1);
    expect(wasmMatmul(new Float64Array(4), new Float32Array(4), new Float64Array(4), 2, 2, 2, z, z)).to.equal(false);
    expect(wasmMatmul(new Float64Array(0), new Float64Array(0), new Float64Array(0), 0, 3, 0, z, z)).to.equal(false);
  });

  it('a matrix reused across matvecs stays resident (second use cached, later uses hit) and results stay correct', () => {
    clearResidentCache();
    const r = rng(11);
    const m = 200, k = 150; // 240 kB ≥ the 64 KiB caching floor
    const a = fill(r, m * k, false) as Float64Array;
    const z = new Int32Array(1);
    const before = residentStats()!;
    // call 0 declines (one matvec: copying the matrix in costs more than the TypeScript gemv), call 1 copies it into
    // the cache, calls 2–4 hit
    expect(wasmMatmul(a, fill(r, k, false), new Float64Array(m), m, k, 1, z, z)).to.equal(false);
    for (let call = 1; call < 5; call++) {
      const x = fill(r, k, false);
      expectClose(runWasm(a, x, m, k, 1, z, z, false), reference(a, x, m, k, 1, z, z), absProduct(a, x, m, k, 1, z, z), k, `cached matvec call ${call}`);
    }
    const after = residentStats()!;
    expect(after.hits - before.hits).to.equal(3);
    expect(after.entries).to.equal(before.entries + 1);
    // an equal-valued but distinct array is not confused with the cached one
    const a2 = Float64Array.from(a, (v) => -v), x = fill(r, k, false);
    expectClose(runWasm(a2, x, m, k, 1, z, z), reference(a2, x, m, k, 1, z, z), absProduct(a2, x, m, k, 1, z, z), k, 'distinct array');
    // the byte limit evicts: at 0 nothing stays, and nothing new is cached
    setResidentCacheLimit(0);
    expect(residentStats()!.entries).to.equal(0);
    for (let call = 0; call < 3; call++) runWasm(a, x, m, k, 1, z, z, false); // seen before: staged transiently, never cached
    expect(residentStats()!.entries).to.equal(0);
    // a limit of two matrices keeps at most two (least recently used evicted first)
    setResidentCacheLimit(2 * a.byteLength);
    const mats = [0, 1, 2].map(() => fill(r, m * k, false));
    for (let round = 0; round < 3; round++) for (const mat of mats) wasmMatmul(mat, x, new Float64Array(m), m, k, 1, z, z);
    const s = residentStats()!;
    expect(s.entries).to.equal(2);
    expect(s.bytes).to.be.at.most(s.limit);
    setResidentCacheLimit(256 * 1024 * 1024);
    clearResidentCache();
    expect(residentStats()!.entries).to.equal(0);
  });

  it('a resident copy is freed once its array is garbage collected (FinalizationRegistry)', async function () {
    this.timeout(20000);
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'the test suite runs node with --expose-gc (.mocharc.json)').to.be.a('function');
    clearResidentCache();
    const m = 300, k = 300, z = new Int32Array(1);
    const use = (): void => {
      const a = fill(rng(14), m * k, false); // 720 kB, reachable only inside this function
      for (let call = 0; call < 3; call++) wasmMatmul(a, fill(rng(call), k, false), new Float64Array(m), m, k, 1, z, z);
    };
    use();
    expect(residentStats()!.entries).to.equal(1);
    const allocated = residentStats()!.allocatedBytes;
    // finalization callbacks run asynchronously after a collection: collect and yield until it has run (bounded)
    for (let i = 0; i < 50 && residentStats()!.entries > 0; i++) {
      gc!();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(residentStats()!.entries).to.equal(0);
    expect(residentStats()!.allocatedBytes).to.be.at.most(allocated - m * k * 8);
  });

  it('worker-thread split (2 threads, shared memory): odd sizes, uneven slabs, batches, both dtypes', function () {
    this.timeout(30000);
    const savedThreshold = threadThreshold.matmul;
    threadThreshold.matmul = 0; // split even the small test products
    try {
      expect(setWasmThreads(2)).to.equal(2);
      for (const f32 of [false, true]) {
        check(9, 17, 3, f32, 21); // slab of 8 rows on the worker, 1 on the main thread
        check(130, 131, 133, f32, 22);
        check(261, 515, 13, f32, 23); // k crosses KC
        check(37, 29, 16, f32, 24, 3); // three batches
      }
      expect(setWasmThreads(1)).to.equal(1);
      expect(threadsInEffect()).to.equal(1);
      check(130, 131, 133, false, 25); // back on one thread
    } finally {
      setWasmThreads(1);
      threadThreshold.matmul = savedThreshold;
    }
  });

  it('tt.matmul on the cpu backend runs the kernels for float64 and float32 tensors (batched, 1-D promotion)', () => {
    tt.setBackend('cpu');
    const r = rng(12);
    const copiesBefore = residentStats()!.copies;
    for (const dtype of ['float64', 'float32'] as const) {
      const f32 = dtype === 'float32';
      const a = fill(r, 2 * 33 * 21, f32), b = fill(r, 21 * 19, f32), v = fill(r, 21, f32);
      const A = tt.tensor(a, { shape: [2, 33, 21], dtype }), B = tt.tensor(b, { shape: [21, 19], dtype }), V = tt.tensor(v, { dtype });
      const aOff = Int32Array.from([0, 33 * 21]), bOff = new Int32Array(2);
      const got = tt.matmul(A, B).data();
      expect(got).to.be.instanceOf(f32 ? Float32Array : Float64Array);
      expectClose(got, reference(a, b, 33, 21, 19, aOff, bOff), absProduct(a, b, 33, 21, 19, aOff, bOff), 21, `tt.matmul ${dtype}`);
      expectClose(tt.matmul(A, V).data(), reference(a, v, 33, 21, 1, aOff, bOff), absProduct(a, v, 33, 21, 1, aOff, bOff), 21, `tt.matmul matvec ${dtype}`);
    }
    expect(residentStats()!.copies - copiesBefore).to.equal(8); // two operands staged per product, four products
  });
});
