/** Dense linalg cost (tt.linalg): forward and forward+gradient times, in units of one n×n tt.matmul measured in the same process. */
import * as tt from '../src/index.js';
import { fmtTiming, quick, table, time, writeSection } from './lib.js';

const sizes = quick ? [50, 100] : [50, 200];

function randomMatrix(n: number, seed: number): tt.Tensor {
  let s = seed;
  const d = new Float64Array(n * n);
  for (let i = 0; i < d.length; i++) { s = (s * 16807) % 2147483647; d[i] = s / 2147483647 - 0.5; }
  return tt.tensor(d, { shape: [n, n] });
}

const rows: (string | number)[][] = [];
for (const n of sizes) {
  const G = randomMatrix(n, 7);
  const S = tt.add(tt.div(tt.matmul(G, tt.transpose(G)), n / 12), tt.eye(n)); // SPD, eigenvalues in ~[1, 5]
  const A = tt.add(tt.mul(G, 2 / Math.sqrt(n)), tt.mul(tt.eye(n), 2)); // well-conditioned, non-symmetric
  const E = tt.mul(G, 4 / Math.sqrt(n)); // ‖E‖₁ ≈ 2–3: Padé 13 with a few squarings
  const b = tt.ones([n]);
  const d = tt.full([n], 2), e = tt.full([n - 1], -1);
  const W = randomMatrix(n, 11);
  const baseline = time(() => tt.matmul(G, G));
  rows.push([n, `tt.matmul n×n (baseline)`, fmtTiming(baseline), '1.0×', '']);
  const cases: [string, () => unknown, () => unknown][] = [
    ['eighTridiagonal', () => tt.linalg.eighTridiagonal(d, e),
      () => tt.grad((dd: tt.Tensor) => tt.sum(tt.mul(tt.linalg.eighTridiagonal(dd, e).vectors, W)))(d)],
    ['eigh', () => tt.linalg.eigh(S), () => tt.grad((X: tt.Tensor) => tt.sum(tt.mul(tt.linalg.eigh(X).vectors, W)))(S)],
    ['cholesky', () => tt.linalg.cholesky(S), () => tt.grad((X: tt.Tensor) => tt.sum(tt.mul(tt.linalg.cholesky(X), W)))(S)],
    ['solve (vector b)', () => tt.linalg.solve(A, b), () => tt.grad((X: tt.Tensor) => tt.sum(tt.linalg.solve(X, b)))(A)],
    ['slogdet', () => tt.linalg.slogdet(A), () => tt.grad((X: tt.Tensor) => tt.linalg.slogdet(X).logabsdet)(A)],
    ['expm', () => tt.linalg.expm(E), () => tt.grad((X: tt.Tensor) => tt.sum(tt.mul(tt.linalg.expm(X), W)))(E)],
  ];
  for (const [name, fwd, both] of cases) {
    const tf = time(fwd, quick ? 3 : 5);
    const tb = time(both, quick ? 3 : 3);
    rows.push([n, name, fmtTiming(tf), `${(tf.median / baseline.median).toFixed(1)}×`, `${fmtTiming(tb)} (${(tb.median / baseline.median).toFixed(1)}×)`]);
  }
}

writeSection('linalg', 'Dense linear algebra (tt.linalg, float64)', [
  'Forward time and forward+gradient time of each op on an n×n input, one thread. "× matmul" divides by one n×n `tt.matmul` (2n³ flops) timed in the same process, so the ratios are a machine-independent cost in matmul units. Gradients use a loss that touches every output entry (eigenvector and factor cotangents are dense). The expm gradient exponentiates a 2n×2n block matrix.',
  '',
  table(['n', 'op', 'forward', '× matmul', 'forward + gradient (× matmul)'], rows),
].join('\n'));
