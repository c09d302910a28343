// grad / valueAndGrad / vjp / hvp / jvp, argnums, pytrees, nesting and perturbation confusion, against closed forms.
import { expect } from 'chai';
import * as tt from '../../src/index.js';

const T = (v: tt.NestedArray): tt.Tensor => tt.tensor(v);
const arr = (x: unknown): unknown => (x as tt.Tensor).toArray();
const close = (a: number[], b: number[], tol: number): void => {
  expect(a.length).to.equal(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i]), `index ${i}: ${v} vs ${b[i]}`).to.be.at.most(tol));
};

describe('tape: grad and valueAndGrad', () => {
  it('d/dx Σ x·eˣ = (1 + x)·eˣ', () => {
    const x = T([-1, 0, 0.5, 2]);
    const g = tt.grad((x: tt.Tensor) => tt.sum(tt.mul(x, tt.exp(x))))(x) as tt.Tensor;
    close(Array.from(g.data()), [-1, 0, 0.5, 2].map((v) => (1 + v) * Math.exp(v)), 1e-14);
  });

  it('argnums selects arguments and returns an array for an array', () => {
    const f = (a: tt.Tensor, b: tt.Tensor, c: tt.Tensor): tt.Tensor => tt.sum(tt.mul(tt.mul(a, b), c));
    const [a, b, c] = [T(2), T(3), T(5)];
    expect(arr(tt.grad(f)(a, b, c))).to.equal(15);
    expect(arr(tt.grad(f, { argnums: 2 })(a, b, c))).to.equal(6);
    const gs = tt.grad(f, { argnums: [0, 2] })(a, b, c) as tt.Tensor[];
    expect(gs.map((g) => g.item())).to.deep.equal([15, 6]);
  });

  it('valueAndGrad returns the value and a detached result', () => {
    const [v, g] = tt.valueAndGrad((x: tt.Tensor) => tt.sum(tt.square(x)))(T([1, 2]));
    expect(v.item()).to.equal(5);
    expect(arr(g)).to.deep.equal([2, 4]);
    expect(v._tracked).to.equal(false);
  });

  it('accepts a JS number as the differentiated argument', () => {
    expect((tt.grad((x: tt.Tensor) => tt.mul(x, x))(3 as unknown as tt.Tensor) as tt.Tensor).item()).to.equal(6);
  });

  it('pytree arguments give gradients of the same structure (static leaves kept)', () => {
    const params = { w: T([1, 2]), inner: [T(3), { b: T(-1) }], name: 'rbf' };
    type P = typeof params;
    const f = (p: P): tt.Tensor => tt.add(tt.sum(tt.mul(p.w, p.inner[0] as tt.Tensor)), tt.square((p.inner[1] as { b: tt.Tensor }).b));
    const g = tt.grad(f as (p: never) => tt.Tensor)(params as never) as { w: tt.Tensor; inner: [tt.Tensor, { b: tt.Tensor }]; name: string };
    expect(g.w.toArray()).to.deep.equal([3, 3]);
    expect(g.inner[0].item()).to.equal(3);
    expect(g.inner[1].b.item()).to.equal(-2);
    expect(g.name).to.equal('rbf');
  });

  it('an argument that does not reach the output gets a zero gradient', () => {
    const g = tt.grad((x: tt.Tensor, y: tt.Tensor) => tt.sum(y), { argnums: [0, 1] })(T([1, 2]), T([3])) as tt.Tensor[];
    expect(g[0].toArray()).to.deep.equal([0, 0]);
    expect(g[1].toArray()).to.deep.equal([1]);
  });

  it('a tensor used many times accumulates every path', () => {
    const g = tt.grad((x: tt.Tensor) => tt.sum(tt.add(tt.mul(x, x), tt.mul(x, tt.mul(x, x)))))(T(2)) as tt.Tensor;
    expect(g.item()).to.equal(2 * 2 + 3 * 4);
  });
});

describe('tape: higher order', () => {
  it('grad of grad of x³ is 6x; third derivative is 6', () => {
    const d1 = (x: tt.Tensor): tt.Tensor => tt.grad((y: tt.Tensor) => tt.pow(y, 3))(x) as tt.Tensor;
    const d2 = (x: tt.Tensor): tt.Tensor => tt.grad(d1)(x) as tt.Tensor;
    expect(d2(T(1.5)).item()).to.be.closeTo(9, 1e-12);
    expect((tt.grad(d2)(T(1.5)) as tt.Tensor).item()).to.be.closeTo(6, 1e-12);
  });

  it('no perturbation confusion: d/dx [x · d/dy (x + y)] at y = 1 equals 1', () => {
    const f = (x: tt.Tensor): tt.Tensor => tt.mul(x, tt.grad((y: tt.Tensor) => tt.add(x, y))(T(1)) as tt.Tensor);
    expect((tt.grad(f)(T(7)) as tt.Tensor).item()).to.equal(1);
  });

  it('no perturbation confusion: d/dx [d/dy (x·y)] = 1 (inner gradient depends on x)', () => {
    const f = (x: tt.Tensor): tt.Tensor => tt.grad((y: tt.Tensor) => tt.mul(x, y))(T(5)) as tt.Tensor;
    expect((tt.grad(f)(T(3)) as tt.Tensor).item()).to.equal(1);
  });

  it('hvp matches the analytic Hessian of Σ xᵢ² xⱼ couplings', () => {
    // f(x) = (Σ x)³ → H = 6 (Σ x) 11ᵀ
    const x = T([0.5, -1, 2]);
    const v = T([1, 2, 3]);
    const hv = tt.hvp((x: tt.Tensor) => tt.pow(tt.sum(x), 3), [x], [v])[0] as tt.Tensor;
    const s = 1.5, vs = 6;
    close(Array.from(hv.data()), [6 * s * vs, 6 * s * vs, 6 * s * vs], 1e-12);
  });

  it('jvp by double VJP equals J·t for a nonlinear map', () => {
    const f = (x: tt.Tensor): tt.Tensor => tt.mul(tt.sin(x), x);
    const x = T([0.1, 1, 2]);
    const t = T([1, -1, 0.5]);
    const [out, jt] = tt.jvp(f, [x], [t]);
    close(Array.from((out as tt.Tensor).data()), [0.1, 1, 2].map((v) => Math.sin(v) * v), 1e-15);
    close(Array.from((jt as tt.Tensor).data()), [0.1, 1, 2].map((v, i) => (Math.cos(v) * v + Math.sin(v)) * [1, -1, 0.5][i]), 1e-14);
  });

  it('vjp returns a reusable pullback', () => {
    const [out, pb] = tt.vjp((a: tt.Tensor, b: tt.Tensor) => tt.mul(a, b), T([1, 2]), T([3, 4]));
    expect((out as tt.Tensor).toArray()).to.deep.equal([3, 8]);
    const [ga, gb] = pb(T([1, 1])) as tt.Tensor[];
    expect(ga.toArray()).to.deep.equal([3, 4]);
    expect(gb.toArray()).to.deep.equal([1, 2]);
    const [ga2] = pb(T([2, 0])) as tt.Tensor[];
    expect(ga2.toArray()).to.deep.equal([6, 0]);
  });
});

describe('tape: customVjp, stopGradient, noGrad, checkpoint', () => {
  it('customVjp uses the hand-written rule (deliberately scaled, to prove it is the one used)', () => {
    const f = tt.customVjp(
      (x: tt.Tensor) => tt.square(x),
      (x: tt.Tensor) => [tt.square(x), x] as [tt.Tensor, tt.Tensor],
      (x: tt.Tensor, g: tt.Tensor) => [tt.mul(tt.mul(x, g), 20)],
    );
    expect((tt.grad((x: tt.Tensor) => tt.sum(f(x)))(T([1, 2])) as tt.Tensor).toArray()).to.deep.equal([20, 40]);
    // outside a transform, f is just evaluated
    expect(f(T([3])).toArray()).to.deep.equal([9]);
  });

  it('customVjp supports second order when bwd is differentiable in its residuals', () => {
    const cube = tt.customVjp(
      (x: tt.Tensor) => tt.pow(x, 3),
      (x: tt.Tensor) => [tt.pow(x, 3), x] as [tt.Tensor, tt.Tensor],
      (x: tt.Tensor, g: tt.Tensor) => [tt.mul(g, tt.mul(tt.square(x), 3))],
    );
    const d2 = tt.grad((x: tt.Tensor) => tt.grad((y: tt.Tensor) => tt.sum(cube(y)))(x) as tt.Tensor)(T(2)) as tt.Tensor;
    expect(d2.item()).to.be.closeTo(12, 1e-12);
  });

  it('customVjp may run a nested transform inside its backward (the tfjs trap)', () => {
    const f = tt.customVjp(
      (x: tt.Tensor) => tt.sum(tt.exp(x)),
      (x: tt.Tensor) => [tt.sum(tt.exp(x)), x] as [tt.Tensor, tt.Tensor],
      (x: tt.Tensor, g: tt.Tensor) => [tt.mul(tt.grad((y: tt.Tensor) => tt.sum(tt.exp(y)))(x) as tt.Tensor, g)],
    );
    const g = tt.grad(f)(T([0, 1])) as tt.Tensor;
    close(Array.from(g.data()), [1, Math.E], 1e-15);
  });

  it('customVjp validates what bwd returns', () => {
    const bad = tt.customVjp((x: tt.Tensor) => x, (x: tt.Tensor) => [tt.mul(x, 1), null] as [tt.Tensor, null], () => [T([1, 2, 3])]);
    expect(() => tt.grad((x: tt.Tensor) => tt.sum(bad(x)))(T([1, 2]))).to.throw(tt.TracetapeError, /customVjp: cotangent for argument 0 leaf 0 has shape \[3\], expected \[2\]/);
  });

  it('stopGradient and noGrad cut the gradient', () => {
    const g = tt.grad((x: tt.Tensor) => tt.sum(tt.mul(x, tt.stopGradient(x))))(T([2, 3])) as tt.Tensor;
    expect(g.toArray()).to.deep.equal([2, 3]);
    const g2 = tt.grad((x: tt.Tensor) => tt.add(tt.sum(x), tt.noGrad(() => tt.sum(tt.square(x)))))(T([2, 3])) as tt.Tensor;
    expect(g2.toArray()).to.deep.equal([1, 1]);
  });

  it('checkpoint gives the same first and second derivatives and recomputes f in backward', () => {
    let calls = 0;
    const body = (x: tt.Tensor, w: { a: tt.Tensor }): tt.Tensor => { calls++; return tt.tanh(tt.mul(x, w.a)); };
    const ck = tt.checkpoint(body);
    const x = T([0.3, -0.7]);
    const w = { a: T(1.3) };
    const plain = tt.grad((x: tt.Tensor, w: { a: tt.Tensor }) => tt.sum(tt.square(body(x, w))), { argnums: [0, 1] })(x, w as never) as [tt.Tensor, { a: tt.Tensor }];
    calls = 0;
    const viaCk = tt.grad((x: tt.Tensor, w: { a: tt.Tensor }) => tt.sum(tt.square(ck(x, w))), { argnums: [0, 1] })(x, w as never) as [tt.Tensor, { a: tt.Tensor }];
    expect(calls).to.equal(2); // forward once, recomputed once in backward
    close(Array.from(viaCk[0].data()), Array.from(plain[0].data()), 1e-15);
    expect(viaCk[1].a.item()).to.be.closeTo(plain[1].a.item(), 1e-15);
    const h1 = tt.hvp((x: tt.Tensor) => tt.sum(tt.square(body(x, w))), [x], [T([1, 2])])[0] as tt.Tensor;
    const h2 = tt.hvp((x: tt.Tensor) => tt.sum(tt.square(ck(x, w))), [x], [T([1, 2])])[0] as tt.Tensor;
    close(Array.from(h2.data()), Array.from(h1.data()), 1e-14);
  });
});

describe('tape: pytree utilities', () => {
  it('flatten/unflatten round-trip and map', () => {
    const tree = { a: T(1), b: [T(2), 3, { c: T([4, 5]) }] };
    const [leaves, def] = tt.tree.flatten(tree);
    expect(leaves.length).to.equal(3);
    const back = tt.tree.unflatten(def, leaves) as typeof tree;
    expect(back.b[1]).to.equal(3);
    const doubled = tt.tree.map((t: tt.Tensor) => tt.mul(t, 2), tree) as { b: [tt.Tensor, number, { c: tt.Tensor }] };
    expect(doubled.b[2].c.toArray()).to.deep.equal([8, 10]);
    expect(() => tt.tree.unflatten(def, leaves.slice(0, 2))).to.throw(tt.TracetapeError, /too few leaves/);
  });
});

describe('tape: bad input', () => {
  it('grad of a non-scalar function names the function and what it received', () => {
    expect(() => tt.grad((x: tt.Tensor) => tt.mul(x, 2))(T([1, 2]))).to.throw(tt.TracetapeError, /^grad: f must return a scalar Tensor \(one element\), received Tensor\[2\]/);
  });
  it('argnums out of range', () => {
    expect(() => tt.grad((x: tt.Tensor) => tt.sum(x), { argnums: 3 })(T(1))).to.throw(tt.TracetapeError, /^grad: argnums contains 3 but the function was called with 1 argument/);
  });
  it('misspelt option', () => {
    expect(() => tt.grad((x: tt.Tensor) => tt.sum(x), { argnum: 0 } as unknown as tt.GradOptions)(T(1))).to.throw(tt.TracetapeError, /^grad: unknown option 'argnum'/);
  });
  it('differentiating an argument without tensors', () => {
    expect(() => tt.grad((x: string) => T(1) as tt.Tensor)('abc' as never)).to.throw(tt.TracetapeError, /no Tensor leaves/);
  });
  it('a pullback given a wrongly shaped cotangent', () => {
    const [, pb] = tt.vjp((a: tt.Tensor) => tt.mul(a, 2), T([1, 2]));
    expect(() => pb(T([1, 2, 3]))).to.throw(tt.TracetapeError, /^vjp pullback: cotangent leaf 0 has shape \[3\]/);
  });
  it('hvp with mismatched primals and tangents', () => {
    expect(() => tt.hvp((x: tt.Tensor) => tt.sum(x), [T(1)], [] as never)).to.throw(tt.TracetapeError, /^hvp: primals and tangents must be arrays of the same length/);
  });
});
