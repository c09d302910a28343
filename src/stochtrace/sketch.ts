/**
 * Shared pieces of the variance-reduced estimators: drawing probes, applying the matvec to a block of vectors, and a
 * differentiable modified Gram–Schmidt (run twice, "twice is enough") that drops numerically dependent vectors.
 */
import { Tensor, fromData } from '../tensor/index.js';
import { div, mul, reshape, sqrt, stack, sub, sum } from '../ops/index.js';
import * as random from '../random/index.js';
import { TracetapeError, check, describe } from '../util/errors.js';
import { applyMatvec, type Matvec } from './integrands.js';
import { type Sampler, isSampler } from './samplers.js';

/** @internal The probes of `sampler(key)` as a list of untracked 1-D vectors (each flattened to length n), plus the probe shape. */
export function drawProbes(fn: string, sampler: Sampler | ((key: random.PRNGKey) => Tensor), key: random.PRNGKey): { probes: Tensor[]; shape: number[]; n: number } {
  check(key instanceof random.PRNGKey, fn, () => `key must be a PRNGKey (tt.random.key(seed)), received ${describe(key)}`);
  const block = isSampler(sampler) ? sampler.rows(key, 0, sampler.num) : sampler(key);
  check(block instanceof Tensor && block.shape.length >= 2, fn, () => `sampler(key) must return a Tensor[num, ...shape], received ${describe(block)}`);
  const num = block.shape[0], n = block.size / num;
  const probes: Tensor[] = [];
  for (let i = 0; i < num; i++) probes.push(fromData(block._data.subarray(i * n, (i + 1) * n), [n]));
  return { probes, shape: block.shape.slice(1), n };
}

/** @internal A v for each (flattened) vector v; the matvec sees probe-shaped tensors. Checks for NaN/Inf. */
export function applyAll<P>(fn: string, matvec: Matvec<P>, vs: readonly Tensor[], shape: readonly number[], params: P): Tensor[] {
  const n = vs.length > 0 ? vs[0].size : 0;
  return vs.map((v, i) => {
    const x = shape.length === 1 ? v : reshape(v, shape.slice());
    const av = applyMatvec(fn, matvec, x, params);
    const d = av._data;
    for (let j = 0; j < d.length; j++) {
      if (!Number.isFinite(d[j])) throw new TracetapeError(fn, `matvec returned a non-finite value (${d[j]}) at index ${j} for vector ${i}`);
    }
    return shape.length === 1 ? av : reshape(av, [n]);
  });
}

/**
 * @internal Orthonormal basis of span(vs) by modified Gram–Schmidt with one re-orthogonalisation pass, in differentiable
 * ops. A vector whose norm falls below `dropTol` × its original norm (numerically dependent) is dropped.
 */
export function orthonormalise(vs: readonly Tensor[], dropTol = 1e-10): Tensor[] {
  const q: Tensor[] = [];
  for (const v of vs) {
    const norm0 = Math.sqrt(sumSq(v));
    if (norm0 === 0) continue;
    let w = v;
    for (let pass = 0; pass < 2; pass++) for (const qj of q) w = sub(w, mul(qj, sum(mul(qj, w))));
    const nrm = Math.sqrt(sumSq(w));
    if (nrm <= dropTol * norm0) continue;
    q.push(div(w, sqrt(sum(mul(w, w)))));
  }
  return q;
}

function sumSq(v: Tensor): number {
  const d = v._data;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i] * d[i];
  return s;
}

/** @internal Stack 1-D vectors as the rows of a matrix. */
export function rowsOf(vs: readonly Tensor[]): Tensor {
  return stack(vs.slice(), 0);
}
