/** PRNG throughput: tt.random samplers (Philox4x32-10) against a Math.random fill of the same size, measured in one process. */
import * as tt from '../src/index.js';
import { fmtTiming, quick, table, time, writeSection } from './lib.js';

const n = quick ? 1e6 : 1e7;
const k = tt.random.key(0);
const baselineBuf = new Float64Array(n);
const baseline = time(() => { for (let i = 0; i < n; i++) baselineBuf[i] = Math.random(); });
const raw = new Uint32Array(4);
const blocks = time(() => { for (let b = 0; b < n / 2; b++) tt.random.philox4x32(k.k0, k.k1, b, 0, 0, 0, raw); });

const cases: [string, () => unknown][] = [
  ['uniform float64', () => tt.random.uniform(k, [n])],
  ['uniform float32', () => tt.random.uniform(k, [n], { dtype: 'float32' })],
  ['normal float64 (Box–Muller)', () => tt.random.normal(k, [n])],
  ['normal float32', () => tt.random.normal(k, [n], { dtype: 'float32' })],
  ['rademacher float64', () => tt.random.rademacher(k, [n])],
  ['sphere float64, rows of 1000', () => tt.random.sphere(k, [n / 1000, 1000])],
];
const rows: (string | number)[][] = [
  ['Math.random fill (baseline, not reproducible)', fmtTiming(baseline), (n / baseline.median / 1e3).toFixed(1), '1.00×'],
  [`philox4x32 blocks alone (${n / 2} calls)`, fmtTiming(blocks), (n / blocks.median / 1e3).toFixed(1), `${(blocks.median / baseline.median).toFixed(2)}×`],
];
for (const [name, f] of cases) {
  const t = time(f);
  rows.push([name, fmtTiming(t), (n / t.median / 1e3).toFixed(1), `${(t.median / baseline.median).toFixed(2)}×`]);
}
writeSection('random', 'PRNG throughput (tt.random, Philox4x32-10)', [
  `${n.toExponential(0)} draws per call, one thread; "time vs baseline" divides by a plain Math.random fill of a Float64Array of the same length measured in the same process.`,
  '',
  table(['sampler', 'time per call', 'M draws/s', 'time vs baseline'], rows),
].join('\n'));
