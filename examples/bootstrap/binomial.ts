/**
 * Exact binomial sampling for the bootstrap example: log-factorials (Stirling series with a table for small
 * arguments), a buffered uniform stream on tracetape's counter-based PRNG, and Binomial(n, p) draws by
 * Hörmann's BTRS transformed rejection (n·p ≥ 10) or sequential inversion (small n·p).
 */
import * as tt from '../../src/index.js';

const LOG_FACT_TABLE_SIZE = 64;
const logFactTable = new Float64Array(LOG_FACT_TABLE_SIZE);
for (let k = 1; k < LOG_FACT_TABLE_SIZE; k++) logFactTable[k] = logFactTable[k - 1] + Math.log(k);

/** log(k!) for an integer k ≥ 0: a table below 64, the Stirling series to 1/k⁷ above (relative error < 1e-15). */
export function logFactorial(k: number): number {
  if (k < LOG_FACT_TABLE_SIZE) return logFactTable[k];
  const x = k + 1;
  const ix2 = 1 / (x * x);
  // log Γ(x) = (x − ½) log x − x + ½ log 2π + 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷)
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + (1 / 12 - ix2 * (1 / 360 - ix2 * (1 / 1260 - ix2 / 1680))) / x;
}

/** Uniforms in [0, 1) read sequentially from the stream of one PRNG key, refilled in blocks (no per-draw allocation). */
export class UniformStream {
  private readonly buf: Float64Array;
  private pos: number;
  private start = 0;
  constructor(private key: tt.random.PRNGKey, blockSize = 64) {
    this.buf = new Float64Array(blockSize);
    this.pos = blockSize;
  }
  /** Restart on a new key (reusing the buffer). */
  reset(key: tt.random.PRNGKey): void {
    this.key = key;
    this.start = 0;
    this.pos = this.buf.length;
  }
  /** The next uniform. */
  next(): number {
    if (this.pos === this.buf.length) {
      tt.random.fillUniform(this.key, this.buf, this.start);
      this.start += this.buf.length;
      this.pos = 0;
    }
    return this.buf[this.pos++];
  }
}

/** Binomial(n, p) by inversion: walk the CDF from 0 (expected n·p + 1 steps; used when n·p < 10). */
function binomialInversion(n: number, p: number, rng: UniformStream): number {
  const q = 1 - p;
  const s = p / q;
  let f = Math.exp(n * Math.log1p(-p));
  let u = rng.next();
  let k = 0;
  while (u > f && k < n) {
    u -= f;
    f *= (s * (n - k)) / (k + 1);
    k++;
  }
  return k;
}

/** Binomial(n, p) by BTRS (Hörmann 1993, "The generation of binomial random variates"), for p ≤ ½ and n·p ≥ 10. */
function binomialBtrs(n: number, p: number, rng: UniformStream): number {
  const q = 1 - p;
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const alpha = (2.83 + 5.1 / b) * spq;
  const vr = 0.92 - 4.2 / b;
  const m = Math.floor((n + 1) * p);
  const lpq = Math.log(p / q);
  const h = logFactorial(m) + logFactorial(n - m);
  for (;;) {
    const u = rng.next() - 0.5;
    let v = rng.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    v = Math.log((v * alpha) / (a / (us * us) + b));
    if (v <= h - logFactorial(k) - logFactorial(n - k) + (k - m) * lpq) return k;
  }
}

/** One exact Binomial(n, p) draw (n a non-negative integer, p in [0, 1]). */
export function binomial(n: number, p: number, rng: UniformStream): number {
  if (n === 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(n, 1 - p, rng);
  return n * p < 10 ? binomialInversion(n, p, rng) : binomialBtrs(n, p, rng);
}
