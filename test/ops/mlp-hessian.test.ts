// Acceptance: the Hessian of a 2-layer tanh MLP with softmax cross-entropy. The full Hessian is built column by
// column from grad-of-grad, checked for symmetry and against central differences of the gradient; HVPs (flat and
// pytree parameters) must equal H·v; the exact Hessian trace Σ_j e_jᵀ H e_j must equal the sum of H's diagonal.
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { rand, rng } from './helpers.js';

const D = 3, HID = 4, C = 3, B = 6;
const P = D * HID + HID + HID * C + C; // 31 parameters
const X = rand([B, D], 201, -1.5, 1.5);
const labels = [0, 2, 1, 1, 0, 2];

type Params = { W1: tt.Tensor; b1: tt.Tensor; W2: tt.Tensor; b2: tt.Tensor };

function lossOf(p: Params): tt.Tensor {
  const h = tt.tanh(tt.add(tt.matmul(X, p.W1), p.b1));
  return tt.nn.softmaxCrossEntropy(tt.add(tt.matmul(h, p.W2), p.b2), labels);
}

/** Unpack a flat parameter vector (W1 row-major, b1, W2 row-major, b2) with differentiable slices. */
function unpack(theta: tt.Tensor): Params {
  return {
    W1: tt.reshape(tt.slice(theta, [0], [D * HID]), [D, HID]),
    b1: tt.slice(theta, [D * HID], [HID]),
    W2: tt.reshape(tt.slice(theta, [D * HID + HID], [HID * C]), [HID, C]),
    b2: tt.slice(theta, [D * HID + HID + HID * C], [C]),
  };
}

const loss = (theta: tt.Tensor): tt.Tensor => lossOf(unpack(theta));
const gradient = (theta: tt.Tensor): tt.Tensor => tt.grad(loss)(theta) as tt.Tensor;
const basis = (j: number): tt.Tensor => { const e = new Float64Array(P); e[j] = 1; return tt.tensor(e); };

/** Normwise relative difference ‖a − b‖ / ‖b‖. */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / den);
}

describe('acceptance: Hessian of a 2-layer tanh MLP with softmax cross-entropy', function () {
  const theta = rand([P], 202, -0.8, 0.8);
  // Column j = ∇_θ (e_jᵀ ∇_θ L): the gradient of one gradient entry, i.e. grad of grad (H e_j by symmetry of H).
  let H: tt.Tensor;
  let Hd: number[][];
  before(() => {
    const columns: tt.Tensor[] = [];
    for (let j = 0; j < P; j++) columns.push(tt.grad((t: tt.Tensor) => tt.dot(gradient(t), basis(j)))(theta) as tt.Tensor);
    H = tt.stack(columns, 1); // H[:, j] = column j
    Hd = H.toArray() as number[][];
  });

  it('the grad-of-grad Hessian is symmetric and non-trivial', () => {
    let asym = 0, scale = 0;
    for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) {
      asym = Math.max(asym, Math.abs(Hd[i][j] - Hd[j][i]));
      scale = Math.max(scale, Math.abs(Hd[i][j]));
    }
    expect(scale).to.be.above(1e-2);
    // Both triangles come from different reverse sweeps; they agree to rounding (1e-13 relative to the largest entry).
    expect(asym).to.be.at.most(1e-13 * scale);
  });

  it('matches the Hessian from central differences of the gradient (float64, step 1e-5)', () => {
    const eps = 1e-5;
    const fd: number[] = [];
    const ad: number[] = [];
    const th = theta.data();
    for (let j = 0; j < P; j++) {
      const plus = Float64Array.from(th), minus = Float64Array.from(th);
      plus[j] += eps; minus[j] -= eps;
      const gp = gradient(tt.tensor(plus)).data(), gm = gradient(tt.tensor(minus)).data();
      for (let i = 0; i < P; i++) { fd.push((gp[i] - gm[i]) / (2 * eps)); ad.push(Hd[i][j]); }
    }
    // Truncation error ~ eps²·|∂³g| ≈ 1e-10 and cancellation error ~ 1e-16/eps ≈ 1e-11: 1e-7 leaves a wide margin
    // while still catching any wrong second-order rule (those give O(1) relative errors).
    expect(relDiff(ad, fd)).to.be.at.most(1e-7);
  });

  it('hvp(loss, [θ], [v]) equals H·v for random directions', () => {
    const u = rng(203);
    for (let r = 0; r < 5; r++) {
      const v = tt.tensor(Float64Array.from({ length: P }, () => u() - 0.5));
      const hv = (tt.hvp(loss, [theta], [v])[0] as tt.Tensor).data();
      const ref = tt.matmul(H, v).data();
      // Same exact derivatives summed in a different order: agreement to rounding.
      expect(relDiff(hv, ref)).to.be.at.most(1e-12);
    }
  });

  it('hvp over pytree parameters {W1, b1, W2, b2} equals H·v in the flat layout', () => {
    const p = unpack(theta);
    const params: Params = { W1: tt.tensor(p.W1), b1: tt.tensor(p.b1), W2: tt.tensor(p.W2), b2: tt.tensor(p.b2) };
    const v = rand([P], 204);
    const vt = unpack(v);
    const [hv] = tt.hvp((q: Params) => lossOf(q), [params], [vt]) as Params[];
    const flat = tt.concat([tt.reshape(hv.W1, [-1]), hv.b1, tt.reshape(hv.W2, [-1]), hv.b2]);
    expect(relDiff(flat.data(), tt.matmul(H, v).data())).to.be.at.most(1e-12);
  });

  it('the exact Hessian trace Σ_j e_jᵀ H e_j (by HVPs) equals the sum of the diagonal of H', () => {
    let exact = 0;
    for (let j = 0; j < P; j++) exact += (tt.hvp(loss, [theta], [basis(j)])[0] as tt.Tensor).data()[j];
    let diagSum = 0;
    for (let j = 0; j < P; j++) diagSum += Hd[j][j];
    expect(Math.abs(tt.trace(H).item() - diagSum)).to.be.at.most(1e-14 * Math.max(1, Math.abs(diagSum)));
    expect(Math.abs(exact - diagSum)).to.be.at.most(1e-12 * Math.max(1, Math.abs(diagSum)));
    expect(Math.abs(tt.sum(tt.diagonal(H)).item() - exact)).to.be.at.most(1e-12 * Math.max(1, Math.abs(exact)));
  });
});
