/** checkGrads: compare reverse-mode gradients (and optionally HVPs) with central finite differences in float64. */
import { Tensor, allocate } from '../tensor/index.js';
import { grad, hvp, noGrad, flatten, unflatten, type PyTree } from '../tape/index.js';
import { check, checkOptions, describe } from '../util/errors.js';

/** Options of checkGrads. */
export interface CheckGradsOptions {
  /** Finite-difference step (default 1e-6 for first order, 1e-4 for second order). */
  eps?: number;
  /** Largest accepted normwise relative error ‖ad − fd‖ / max(‖fd‖, atol) (default 1e-6). */
  rtol?: number;
  /** Floor of the denominator, so gradients that are ~0 compare absolutely (default 1e-8). */
  atol?: number;
  /** 1: gradient vs finite differences of f; 2: also HVPs vs finite differences of the gradient (default 1). */
  order?: 1 | 2;
  /** Check only this many random directions instead of every coordinate (for large inputs). */
  directions?: number;
  /** Seed of the random directions (default 0). */
  seed?: number;
}

/** Result of checkGrads: the worst relative error seen per order. */
export interface CheckGradsResult {
  firstOrderError: number;
  secondOrderError?: number;
}

function leavesOf(args: unknown[]): { leaves: Tensor[]; rebuild: (vals: Tensor[]) => unknown[] } {
  const [leaves, def] = flatten(args);
  return { leaves, rebuild: (vals) => unflatten<unknown[]>(def, vals) };
}

function f64(t: Tensor): Float64Array {
  return Float64Array.from(t._data);
}

function withLeaf(leaves: Tensor[], li: number, values: Float64Array): Tensor[] {
  return leaves.map((l, i) => (i === li ? new Tensor(Float64Array.from(values), l.shape) : new Tensor(f64(l), l.shape)));
}

/** A deterministic pseudo-random generator (for directions only; not the library PRNG). */
function lcg(seed: number): () => number {
  let s = (seed * 2654435761 + 1) >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296 - 0.5; };
}

/** Directional derivative of scalar f along `dirs` (one direction per leaf) by central differences. */
function fdDirectional(f: (...a: unknown[]) => Tensor, leaves: Tensor[], rebuild: (v: Tensor[]) => unknown[], dirs: Float64Array[], eps: number): number {
  const shifted = (s: number): number => noGrad(() => {
    const vals = leaves.map((l, i) => { const d = f64(l); for (let k = 0; k < d.length; k++) d[k] += s * dirs[i][k]; return new Tensor(d, l.shape); });
    const out = f(...rebuild(vals));
    return out.item();
  });
  return (shifted(eps) - shifted(-eps)) / (2 * eps);
}

function relErr(a: number[], b: number[], atol: number): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), atol);
}

/**
 * Check the gradient of scalar `f(...args)` with respect to every tensor leaf of `args` against central differences
 * (float64); throws an Error describing the mismatch when the relative error exceeds `rtol`. Returns the errors seen.
 */
export function checkGrads(f: (...args: never[]) => Tensor, args: unknown[], options: CheckGradsOptions = {}): CheckGradsResult {
  const fn = 'checkGrads';
  checkOptions(fn, options, ['eps', 'rtol', 'atol', 'order', 'directions', 'seed']);
  check(typeof f === 'function', fn, () => `f must be a function, received ${describe(f)}`);
  check(Array.isArray(args), fn, () => `args must be an array of arguments, received ${describe(args)}`);
  const order = options.order ?? 1;
  const rtol = options.rtol ?? 1e-6;
  const atol = options.atol ?? 1e-8;
  const ff = f as (...a: unknown[]) => Tensor;
  const { leaves, rebuild } = leavesOf(args);
  check(leaves.length > 0, fn, 'args contain no Tensor to differentiate');
  const asF64 = leaves.map((l) => new Tensor(f64(l), l.shape));
  const wrapped = (...ls: Tensor[]): Tensor => ff(...rebuild(ls));
  const argnums = leaves.map((_, i) => i);
  const ad = grad(wrapped as (...a: Tensor[]) => Tensor, { argnums })(...asF64) as Tensor[];
  const rand = lcg(options.seed ?? 0);
  const eps1 = options.eps ?? 1e-6;
  const adList: number[] = [], fdList: number[] = [];
  const dirsList: Float64Array[][] = [];
  if (options.directions !== undefined) {
    for (let r = 0; r < options.directions; r++) dirsList.push(asF64.map((l) => { const d = new Float64Array(l.size); for (let k = 0; k < d.length; k++) d[k] = rand(); return d; }));
  } else {
    asF64.forEach((l, li) => { for (let k = 0; k < l.size; k++) dirsList.push(asF64.map((m, mi) => { const d = new Float64Array(m.size); if (mi === li) d[k] = 1; return d; })); });
  }
  for (const dirs of dirsList) {
    let s = 0;
    ad.forEach((g, i) => { const gd = g._data; for (let k = 0; k < gd.length; k++) s += gd[k] * dirs[i][k]; });
    adList.push(s);
    fdList.push(fdDirectional(wrapped as (...a: unknown[]) => Tensor, asF64, (v) => v, dirs, eps1));
  }
  const firstOrderError = relErr(adList, fdList, atol);
  if (!(firstOrderError <= rtol)) {
    throw new Error(`checkGrads: first-order relative error ${firstOrderError.toExponential(3)} exceeds rtol ${rtol}\n  autodiff: [${adList.slice(0, 8).map((v) => v.toPrecision(8)).join(', ')}${adList.length > 8 ? ', …' : ''}]\n  finite-d: [${fdList.slice(0, 8).map((v) => v.toPrecision(8)).join(', ')}${fdList.length > 8 ? ', …' : ''}]`);
  }
  const result: CheckGradsResult = { firstOrderError };
  if (order === 2) {
    const eps2 = options.eps ?? 1e-4;
    const nDirs = Math.min(options.directions ?? 3, 3);
    const hvErrs: number[] = [];
    const adH: number[] = [], fdH: number[] = [];
    for (let r = 0; r < nDirs; r++) {
      const v = asF64.map((l) => { const d = allocate('float64', l.size) as Float64Array; for (let k = 0; k < d.length; k++) d[k] = rand(); return new Tensor(d, l.shape); });
      const hv = hvp(wrapped as (...a: Tensor[]) => Tensor, asF64, v) as Tensor[];
      const gradAt = (s: number): Tensor[] => {
        const shifted = asF64.map((l, i) => { const d = f64(l); const vd = v[i]._data; for (let k = 0; k < d.length; k++) d[k] += s * vd[k]; return new Tensor(d, l.shape); });
        return grad(wrapped as (...a: Tensor[]) => Tensor, { argnums })(...shifted) as Tensor[];
      };
      const gp = gradAt(eps2), gm = gradAt(-eps2);
      hv.forEach((h, i) => { for (let k = 0; k < h.size; k++) { adH.push(h._data[k]); fdH.push((gp[i]._data[k] - gm[i]._data[k]) / (2 * eps2)); } });
    }
    const e2 = relErr(adH, fdH, atol);
    hvErrs.push(e2);
    const rtol2 = Math.max(rtol, 1e-6);
    if (!(e2 <= rtol2)) {
      throw new Error(`checkGrads: second-order (HVP) relative error ${e2.toExponential(3)} exceeds rtol ${rtol2}\n  autodiff: [${adH.slice(0, 8).map((x) => x.toPrecision(8)).join(', ')}]\n  finite-d: [${fdH.slice(0, 8).map((x) => x.toPrecision(8)).join(', ')}]`);
    }
    result.secondOrderError = Math.max(...hvErrs);
  }
  return result;
}
