/**
 * The small Bayesian neural network of the Laplace example: a 1 → H → H → 1 tanh MLP whose weights live in one flat
 * parameter vector (so the GGN is a P × P operator on it), toy 1-D regression data, MAP training with Adam, and the
 * GGN pieces: per-datum Jacobian rows by VJPs, and GGN-vector products J ᵀ(J v)/σ² either from the stored Jacobian or
 * fully matrix-free by a JVP and a VJP through the network.
 */
import * as tt from '../../src/index.js';

/** Layer shapes of the MLP (weights [in, out] and biases [out]). */
export interface Architecture {
  hidden: number;
  /** [shape, offset] of each parameter block in the flat vector. */
  blocks: { shape: number[]; offset: number; size: number }[];
  size: number;
}

/** The architecture 1 → hidden → hidden → 1. */
export function architecture(hidden: number): Architecture {
  const shapes = [[1, hidden], [hidden], [hidden, hidden], [hidden], [hidden, 1], [1]];
  let offset = 0;
  const blocks = shapes.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const b = { shape, offset, size };
    offset += size;
    return b;
  });
  return { hidden, blocks, size: offset };
}

/** Network outputs f(θ; X) for X [N, 1] → [N]. */
export function forward(arch: Architecture, theta: tt.Tensor, X: tt.Tensor): tt.Tensor {
  const p = arch.blocks.map((b) => tt.reshape(tt.slice(theta, [b.offset], [b.size]), b.shape));
  const h1 = tt.tanh(tt.add(tt.matmul(X, p[0]), p[1]));
  const h2 = tt.tanh(tt.add(tt.matmul(h1, p[2]), p[3]));
  return tt.reshape(tt.add(tt.matmul(h2, p[4]), p[5]), [X.shape[0]]);
}

/** Glorot-style initial weights, zero biases. */
export function initTheta(arch: Architecture, key: tt.random.PRNGKey): tt.Tensor {
  const z = tt.random.normal(key, [arch.size]).data();
  const out = new Float64Array(arch.size);
  for (const b of arch.blocks) {
    if (b.shape.length === 1) continue;
    const scale = Math.sqrt(2 / (b.shape[0] + b.shape[1]));
    for (let i = 0; i < b.size; i++) out[b.offset + i] = scale * z[b.offset + i];
  }
  return tt.tensor(out);
}

/** Toy 1-D regression: x ~ U[−2, 2], y = sin(2x) + x/2 + σ·ε. */
export function toyData(N: number, noise: number, key: tt.random.PRNGKey): { X: tt.Tensor; y: tt.Tensor } {
  const [kx, ke] = tt.random.split(key, 2);
  const x = tt.random.uniform(kx, [N, 1], { minval: -2, maxval: 2 });
  const y = tt.add(tt.add(tt.sin(tt.mul(x, 2)), tt.mul(x, 0.5)), tt.mul(tt.random.normal(ke, [N, 1]), noise));
  return { X: x, y: tt.reshape(y, [N]) };
}

/** Negative log joint for MAP training: ½Σ(y − f)²/σ² + ½δ‖θ‖². */
export function negLogJoint(arch: Architecture, theta: tt.Tensor, X: tt.Tensor, y: tt.Tensor, noise: number, delta: number): tt.Tensor {
  const r = tt.sub(forward(arch, theta, X), y);
  return tt.add(tt.mul(tt.sum(tt.square(r)), 0.5 / (noise * noise)), tt.mul(tt.sum(tt.square(theta)), 0.5 * delta));
}

/** The Jacobian J (N × P) of the outputs w.r.t. θ, one VJP per datum (never the P × P GGN). */
export function jacobian(arch: Architecture, theta: tt.Tensor, X: tt.Tensor): tt.Tensor {
  const N = X.shape[0];
  const [, pullback] = tt.vjp((t: tt.Tensor) => forward(arch, t, X), theta);
  const J = new Float64Array(N * arch.size);
  const e = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    e.fill(0);
    e[i] = 1;
    const [g] = pullback(tt.tensor(e)) as [tt.Tensor];
    J.set(g._data, i * arch.size);
  }
  return tt.tensor(J, { shape: [N, arch.size] });
}

/** GGN-vector product from the stored Jacobian: Jᵀ(J v)/σ² (two thin products, O(N·P)). */
export function ggnFromJacobian(J: tt.Tensor, noise: number): (v: tt.Tensor) => tt.Tensor {
  const Jt = tt.transpose(J);
  const s = 1 / (noise * noise);
  return (v) => tt.mul(tt.matmul(Jt, tt.matmul(J, v)), s);
}

/** GGN-vector product without any Jacobian: J v by a JVP and Jᵀ(·) by a VJP through the network. */
export function ggnMatrixFree(arch: Architecture, theta: tt.Tensor, X: tt.Tensor, noise: number): (v: tt.Tensor) => tt.Tensor {
  const f = (t: tt.Tensor): tt.Tensor => forward(arch, t, X);
  const [, pullback] = tt.vjp(f, theta);
  const s = 1 / (noise * noise);
  return (v) => {
    const [, Jv] = tt.jvp(f, [theta], [v]) as [tt.Tensor, tt.Tensor];
    const [g] = pullback(tt.mul(Jv, s)) as [tt.Tensor];
    return g;
  };
}
