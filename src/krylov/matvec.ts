/** Matrix-vector products as the Krylov solvers use them: validated raw application, and the matvec VJP used by the adjoints. */
import { Tensor, fromData, allocate, type DType, type TypedArray } from '../tensor/index.js';
import { noGrad, backward, makeLeaf, detach, tapeState, flatten, unflatten, type PyTree, type TreeDef } from '../tape/index.js';
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

/**
 * Run `fn` the way a transform's forward runs (recording on, one more transform level open), so that a matvec which
 * itself differentiates (e.g. a Hessian-vector product built with grad) keeps recording its inner backward.
 */
function recorded<T>(fn: () => T): T {
  const prev = tapeState.recording;
  tapeState.recording = true;
  tapeState.depth++;
  try {
    return fn();
  } finally {
    tapeState.recording = prev;
    tapeState.depth--;
  }
}

/**
 * Accumulates parameter gradients Σ ∂θ⟨a, A(θ) b⟩ over many matvec VJPs, differentiating only the tracked tensor leaves.
 * Each product records the user's matvec on the tape and pulls back only to the parameter leaves (fresh leaves made
 * once, reused by every call); a cotangent with respect to the input vector is never formed unless asked for.
 */
export class MatvecVjp<P> {
  private readonly leaves: Tensor[];
  private readonly def: TreeDef;
  private readonly trackedIdx: number[];
  /** Untracked-by-any-node leaf copies of the tracked parameter leaves (same data) and the params rebuilt on them. */
  private readonly fresh: Tensor[];
  private readonly freshParams: P;
  private readonly acc: Float64Array[];

  constructor(private readonly fn: string, private readonly matvec: Matvec<P>, private readonly params: P, private readonly n: number, private readonly dtype: DType) {
    const [leaves, def] = flatten(params);
    this.leaves = leaves;
    this.def = def;
    this.trackedIdx = leaves.map((l, i) => (l._tracked ? i : -1)).filter((i) => i >= 0);
    this.fresh = this.trackedIdx.map((i) => makeLeaf(detach(leaves[i])));
    const all = leaves.slice();
    this.trackedIdx.forEach((li, k) => { all[li] = this.fresh[k]; });
    this.freshParams = unflatten<P>(def, all);
    this.acc = this.trackedIdx.map((i) => new Float64Array(leaves[i].size));
  }

  /** True when some parameter leaf needs a gradient. */
  get needsParams(): boolean {
    return this.trackedIdx.length > 0;
  }

  /** Add the parameter cotangents `grads[offset + k]` (null: none reached that leaf) to the accumulators. */
  private accumulate(grads: readonly (Tensor | null)[], offset: number): void {
    for (let k = 0; k < this.trackedIdx.length; k++) {
      const g = grads[offset + k];
      if (!g) continue;
      const gd = g._data, a = this.acc[k];
      for (let i = 0; i < a.length; i++) a[i] += gd[i];
    }
  }

  /**
   * Symmetric operators: return A·x and accumulate ∂θ⟨y, A(θ)x⟩ (one recorded forward matvec plus the parameter part of
   * its VJP; for symmetric A(θ) this equals ∂θ⟨x, A(θ)y⟩). The returned array is the matvec's own output, read-only
   * for the caller and valid until the caller next writes `x` (a matvec may return a view of its input).
   */
  applyAccumulate(x: TypedArray, y: TypedArray, where: string): TypedArray {
    const xt = fromData(x, [this.n]);
    if (!this.needsParams) {
      const res = noGrad(() => this.matvec(xt, this.params));
      return checkMatvecOutput(this.fn, 'matvec', res, this.n, where)._data;
    }
    const res = recorded(() => this.matvec(xt, this.freshParams));
    checkMatvecOutput(this.fn, 'matvec', res, this.n, where);
    this.accumulate(backward([res], [fromData(y, [this.n])], this.fresh, false), 0);
    return res._data;
  }

  /** Like applyAccumulate, but copies A·x into `out`. */
  applyAndAccumulate(x: TypedArray, y: TypedArray, out: TypedArray, where: string): void {
    out.set(this.applyAccumulate(x, y, where));
  }

  /** General operators: write Aᵀ·y into `out` and accumulate ∂θ⟨y, A(θ)x⟩ (one matvec VJP at x with cotangent y). */
  transposeAndAccumulate(x: TypedArray, y: TypedArray, out: TypedArray, where: string): void {
    const xt = makeLeaf(fromData(x, [this.n]));
    const res = recorded(() => this.matvec(xt, this.needsParams ? this.freshParams : this.params));
    checkMatvecOutput(this.fn, 'matvec', res, this.n, where);
    const grads = backward([res], [fromData(y, [this.n])], [xt, ...this.fresh], false);
    const du = grads[0];
    if (du) {
      const bad = firstNonFinite(du._data);
      if (bad >= 0) throw new TracetapeError(this.fn, `the VJP of matvec returned a non-finite value (${du._data[bad]}) (${where})`);
      out.set(du._data);
    } else {
      out.fill(0);
    }
    this.accumulate(grads, 1);
  }

  /**
   * The accumulated parameter gradient as a pytree shaped like params (zeros for untracked leaves), or null when none
   * is tracked. Checked once for non-finite values (a NaN or ±Inf in any single VJP leaves the sum non-finite).
   */
  result(scale = 1): P | null {
    if (!this.needsParams) return null;
    const out: Tensor[] = this.leaves.map((l) => (l._tracked ? l : new Tensor(allocate(l.dtype, l.size), l.shape)));
    this.trackedIdx.forEach((li, k) => {
      const a = this.acc[k];
      const bad = firstNonFinite(a);
      if (bad >= 0) throw new TracetapeError(this.fn, `the VJP of matvec with respect to params returned a non-finite value (${a[bad]}) during the adjoint pass`);
      const leaf = this.leaves[li];
      if (leaf.dtype === 'float64' && scale === 1) { out[li] = fromData(a, leaf.shape); return; }
      const d = allocate(leaf.dtype, leaf.size);
      for (let i = 0; i < a.length; i++) d[i] = scale * a[i];
      out[li] = fromData(d, leaf.shape);
    });
    void this.dtype;
    return unflatten<P>(this.def, out);
  }
}
