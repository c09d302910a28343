/**
 * Hutch++ (Meyer, Musco, Musco, Woodruff 2021): tr(A) = tr(QᵀAQ) + Hutchinson on (I − QQᵀ)A(I − QQᵀ), where Q spans
 * A·S for a sketch S of probes. Differentiable in params (the orthonormalisation is taped).
 */
import type { Tensor } from '../tensor/index.js';
import type { PyTree } from '../tape/index.js';
import { add, div, mul, sub, sum } from '../ops/index.js';
import type * as random from '../random/index.js';
import { check, checkOptions, checkPositiveInt, describe } from '../util/errors.js';
import type { Matvec } from './integrands.js';
import type { Sampler } from './samplers.js';
import { applyAll, drawProbes, orthonormalise } from './sketch.js';

/** Options of hutchpp. */
export interface HutchppOptions {
  /** Probes used for the sketch S (default: half of the sampler's probes, rounded up); the rest are Hutchinson probes. */
  sketchSize?: number;
}

/**
 * Hutch++ trace estimator: `(matvec, key, params)` ⇒ scalar Tensor. With `num` probes and sketch size s it uses
 * s + rank(AS) + (num − s) ≤ num + s matvecs (1.5·num by default); error O(1/matvecs) instead of O(1/√matvecs).
 */
export function hutchpp<P = PyTree>(sampler: Sampler | ((key: random.PRNGKey) => Tensor), options?: HutchppOptions): <Q extends P>(matvec: Matvec<Q>, key: random.PRNGKey, params?: Q) => Tensor {
  const fn = 'stochtrace.hutchpp';
  check(typeof sampler === 'function', fn, () => `sampler must be a function (key) => Tensor[num, n], received ${describe(sampler)}`);
  checkOptions(fn, options, ['sketchSize']);
  if (options?.sketchSize !== undefined) checkPositiveInt(fn, 'options.sketchSize', options.sketchSize);
  return (matvec, key, params) => {
    check(typeof matvec === 'function', fn, () => `matvec must be a function (v, params) => Tensor, received ${describe(matvec)}`);
    const { probes, shape } = drawProbes(fn, sampler, key);
    const num = probes.length;
    const s = options?.sketchSize ?? Math.ceil(num / 2);
    check(s < num, fn, () => `sketchSize ${s} must be smaller than the number of probes ${num} (the rest are Hutchinson probes)`);
    const p = params as typeof params & {};
    const Q = orthonormalise(applyAll(fn, matvec, probes.slice(0, s), shape, p));
    const AQ = applyAll(fn, matvec, Q, shape, p);
    let low: Tensor | null = null;
    Q.forEach((q, j) => { const t = sum(mul(q, AQ[j])); low = low === null ? t : add(low, t); });
    const G = probes.slice(s).map((g) => {
      let r: Tensor = g;
      for (const q of Q) r = sub(r, mul(q, sum(mul(q, r))));
      return r;
    });
    const AG = applyAll(fn, matvec, G, shape, p);
    let rest: Tensor | null = null;
    G.forEach((g, i) => { const t = sum(mul(g, AG[i])); rest = rest === null ? t : add(rest, t); });
    const tail = div(rest as unknown as Tensor, G.length);
    return low === null ? tail : add(low, tail);
  };
}
