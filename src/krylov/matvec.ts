/** Matrix-vector products as the Krylov solvers use them: validated raw application, and the matvec VJP used by the adjoints. */
import { Tensor, fromData, allocate, type DType, type TypedArray } from '../tensor/index.js';
import { noGrad, vjp, flatten, unflatten, type PyTree, type TreeDef } from '../tape/index.js';
import { TracetapeError, check, describe, fmtShape } from '../util/index.js';
import { firstNonFinite } from './vectors.js';

/**
 * A linear operator given by its action: `matvec(v, params)` returns A(params)·v for a 1-D `v`, built from differentiable
 * ops. `params` is any pytree; every tensor the product depends on and that should receive a gradient must be passed
 * through it (tensors captured in a closure are treated as constants by the adjoint passes).
 */
export type Matvec<P = PyTree> = (v: Tensor, params: P) => Tensor;

/** Check that `matvec` is a function. */
export function checkMatvec(fn: string, name: string, matvec: unknown): void {
  check(typeof matvec === 'function', fn, () => `${name} must be a function (v, params) => Tensor, received ${describe(matvec)}`);
}

/** Check the output of a matvec: a Tensor of shape [n] with finite entries (NaN/Inf are reported, never propagated). */
export function checkMatvecOutput(fn: string, name: string, out: unknown, n: number, where: string): Tensor {
  if (!(out instanceof Tensor)) throw new TracetapeError(fn, `${name} must return a Tensor, received ${describe(out)} (${where})`);
  check(out.shape.length === 1 && out.shape[0] === n, fn, () => `${name} must return a vector of shape [${n}], received shape ${fmtShape(out.shape)} (${where})`);
  const bad = firstNonFinite(out._data);
  if (bad >= 0) throw new TracetapeError(fn, `${name} returned a non-finite value (${out._data[bad]} at index ${bad}) (${where})`);
  return out;
}

/** Apply `matvec` to the raw vector `x` (untaped) and copy the validated result into `out`. */
export function applyRaw<P>(fn: string, matvec: Matvec<P>, x: TypedArray, params: P, n: number, out: TypedArray, where: string, name = 'matvec'): void {
  const res = noGrad(() => matvec(fromData(x, [n]), params));
  out.set(checkMatvecOutput(fn, name, res, n, where)._data);
}

/** Accumulates parameter gradients Σ ∂θ⟨a, A(θ) b⟩ over many matvec VJPs, differentiating only the tracked tensor leaves. */
export class MatvecVjp<P> {
  private readonly leaves: Tensor[];
  private readonly def: TreeDef;
  private readonly trackedIdx: number[];
  private readonly acc: Float64Array[];

  constructor(private readonly fn: string, private readonly matvec: Matvec<P>, private readonly params: P, private readonly n: number, private readonly dtype: DType) {
    const [leaves, def] = flatten(params);
    this.leaves = leaves;
    this.def = def;
    this.trackedIdx = leaves.map((l, i) => (l._tracked ? i : -1)).filter((i) => i >= 0);
    this.acc = this.trackedIdx.map((i) => new Float64Array(leaves[i].size));
  }

  /** True when some parameter leaf needs a gradient. */
  get needsParams(): boolean {
    return this.trackedIdx.length > 0;
  }

  private rebuild(sub: Tensor[]): P {
    const all = this.leaves.slice();
    this.trackedIdx.forEach((li, k) => { all[li] = sub[k]; });
    return unflatten<P>(this.def, all);
  }

  private accumulate(grads: PyTree[], offset: number): void {
    for (let k = 0; k < this.trackedIdx.length; k++) {
      const g = grads[offset + k] as Tensor;
      const gd = g._data, a = this.acc[k];
      const bad = firstNonFinite(gd);
      if (bad >= 0) throw new TracetapeError(this.fn, `the VJP of matvec with respect to params returned a non-finite value (${gd[bad]}) during the adjoint pass`);
      for (let i = 0; i < a.length; i++) a[i] += gd[i];
    }
  }

  /**
   * Symmetric operators: write A·x into `out` and accumulate ∂θ⟨y, A(θ)x⟩ (one forward matvec plus the parameter
   * part of its VJP; for symmetric A(θ) this equals ∂θ⟨x, A(θ)y⟩).
   */
  applyAndAccumulate(x: TypedArray, y: TypedArray, out: TypedArray, where: string): void {
    const xt = fromData(x, [this.n]);
    if (!this.needsParams) { applyRaw(this.fn, this.matvec, x, this.params, this.n, out, where); return; }
    const f = (...sub: Tensor[]): Tensor => this.matvec(xt, this.rebuild(sub));
    const [res, pullback] = vjp(f as (...a: never[]) => Tensor, ...this.trackedIdx.map((i) => this.leaves[i]));
    out.set(checkMatvecOutput(this.fn, 'matvec', res, this.n, where)._data);
    this.accumulate(pullback(fromData(y, [this.n])), 0);
  }

  /** General operators: write Aᵀ·y into `out` and accumulate ∂θ⟨y, A(θ)x⟩ (one matvec VJP at x with cotangent y). */
  transposeAndAccumulate(x: TypedArray, y: TypedArray, out: TypedArray, where: string): void {
    const xt = fromData(x, [this.n]);
    const f = (u: Tensor, ...sub: Tensor[]): Tensor => this.matvec(u, this.needsParams ? this.rebuild(sub) : this.params);
    const [res, pullback] = vjp(f as (...a: never[]) => Tensor, xt, ...this.trackedIdx.map((i) => this.leaves[i]));
    checkMatvecOutput(this.fn, 'matvec', res, this.n, where);
    const grads = pullback(fromData(y, [this.n]));
    const du = grads[0] as Tensor;
    const bad = firstNonFinite(du._data);
    if (bad >= 0) throw new TracetapeError(this.fn, `the VJP of matvec returned a non-finite value (${du._data[bad]}) (${where})`);
    out.set(du._data);
    this.accumulate(grads, 1);
  }

  /** The accumulated parameter gradient as a pytree shaped like params (zeros for untracked leaves), or null when none is tracked. */
  result(scale = 1): P | null {
    if (!this.needsParams) return null;
    const out = this.leaves.map((l) => new Tensor(allocate(l.dtype, l.size), l.shape));
    this.trackedIdx.forEach((li, k) => {
      const d = allocate(this.leaves[li].dtype, this.leaves[li].size);
      const a = this.acc[k];
      for (let i = 0; i < a.length; i++) d[i] = scale * a[i];
      out[li] = fromData(d, this.leaves[li].shape);
    });
    void this.dtype;
    return unflatten<P>(this.def, out);
  }
}
