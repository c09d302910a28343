/**
 * The Lanczos and Arnoldi iterations written op by op on the tape (`gradient: 'backprop'`): the baseline the adjoint
 * passes are measured against. Same arithmetic as the raw forward passes; memory grows with every taped step.
 */
import { Tensor, zeros, type DType } from '../tensor/index.js';
import { add, sub, mul, div, sqrt, sum, square, matmul, stack, reshape } from '../ops/index.js';
import { checkMatvecOutput, type Matvec } from './matvec.js';
import { normRaw } from './vectors.js';

/** Taped outputs of the Lanczos iteration. */
export interface LanczosTensors { Q: Tensor; alphas: Tensor; betas: Tensor; residual: Tensor; initNormInv: Tensor }
/** Taped outputs of the Arnoldi iteration. */
export interface ArnoldiTensors { Q: Tensor; H: Tensor; residual: Tensor; initNormInv: Tensor }

function norm2(x: Tensor): Tensor {
  return sqrt(sum(square(x)));
}

/** Lanczos taped op by op; breakdown (‖w‖ ≤ tol·‖A q_k‖) stops the loop and pads with constant zeros. */
export function lanczosBackprop<P>(fn: string, matvec: Matvec<P>, v0: Tensor, params: P, K: number, reortho: 'full' | 'none', tol: number): LanczosTensors {
  const n = v0.shape[0];
  const dt = { dtype: v0.dtype };
  const c = div(1, norm2(v0));
  let q = mul(v0, c);
  const qs: Tensor[] = [q];
  const as: Tensor[] = [];
  const bs: Tensor[] = [];
  let residual: Tensor | null = null;
  for (let k = 0; k < K; k++) {
    const w0 = checkMatvecOutput(fn, 'matvec', matvec(q, params), n, `iteration ${k}`);
    const scale = normRaw(w0._data, 0, n);
    const a = sum(mul(q, w0));
    let w = sub(w0, mul(a, q));
    if (k > 0) w = sub(w, mul(bs[k - 1], qs[k - 1]));
    if (reortho === 'full') {
      const Qk = stack(qs);
      for (let pass = 0; pass < 2; pass++) w = sub(w, matmul(matmul(Qk, w), Qk));
    }
    as.push(a);
    const b = norm2(w);
    if (!(b.item() > tol * scale)) { bs.push(zeros([], dt)); break; }
    bs.push(b);
    if (k < K - 1) { q = div(w, b); qs.push(q); } else residual = w;
  }
  while (qs.length < K) qs.push(zeros([n], dt));
  while (as.length < K) as.push(zeros([], dt));
  while (bs.length < K) bs.push(zeros([], dt));
  return {
    Q: stack(qs),
    alphas: stack(as),
    betas: K > 1 ? stack(bs.slice(0, K - 1)) : zeros([0], dt),
    residual: residual ?? zeros([n], dt),
    initNormInv: c,
  };
}

/** Arnoldi taped op by op (classical Gram–Schmidt, a second pass with 'full'); breakdown pads with constant zeros. */
export function arnoldiBackprop<P>(fn: string, matvec: Matvec<P>, v0: Tensor, params: P, K: number, reortho: 'full' | 'none', tol: number): ArnoldiTensors {
  const n = v0.shape[0];
  const dt = { dtype: v0.dtype };
  const c = div(1, norm2(v0));
  let q = mul(v0, c);
  const qs: Tensor[] = [q];
  const cols: Tensor[] = [];
  let residual: Tensor | null = null;
  for (let k = 0; k < K; k++) {
    const w0 = checkMatvecOutput(fn, 'matvec', matvec(q, params), n, `iteration ${k}`);
    const scale = normRaw(w0._data, 0, n);
    const Qk = stack(qs);
    let h = matmul(Qk, w0);
    let w = sub(w0, matmul(h, Qk));
    if (reortho === 'full') {
      const s = matmul(Qk, w);
      w = sub(w, matmul(s, Qk));
      h = add(h, s);
    }
    const b = norm2(w);
    const broke = !(b.item() > tol * scale);
    // Embed h (length k+1) into a column of length K with the first k+1 columns of the identity.
    const E = identityColumns(v0.dtype, k + 1, K);
    let col = matmul(E, h);
    if (!broke && k < K - 1) col = add(col, mul(b, reshape(identityColumns(v0.dtype, 1, K, k + 1), [K])));
    cols.push(col);
    if (broke) break;
    if (k < K - 1) { q = div(w, b); qs.push(q); } else residual = w;
  }
  while (qs.length < K) qs.push(zeros([n], dt));
  while (cols.length < K) cols.push(zeros([K], dt));
  return { Q: stack(qs), H: stack(cols, 1), residual: residual ?? zeros([n], dt), initNormInv: c };
}

/** Constant K×cnt block of the identity's columns start..start+cnt−1. */
function identityColumns(dtype: DType, cnt: number, K: number, start = 0): Tensor {
  const d = dtype === 'float32' ? new Float32Array(K * cnt) : new Float64Array(K * cnt);
  for (let j = 0; j < cnt; j++) d[(start + j) * cnt + j] = 1;
  return new Tensor(d, [K, cnt]);
}
