// tt.map and tt.mapReduce: values and gradients against explicit loops, finite differences, and the one-node checkpoint structure.
import { expect } from 'chai';
import * as tt from '../../src/index.js';

const T = (v: number[] | number[][]): tt.Tensor => tt.tensor(v);
const vals = (t: unknown): number[] => Array.from((t as tt.Tensor).data());

function closeTo(a: number[], b: number[], tol: number): void {
  expect(a.length).to.equal(b.length);
  a.forEach((x, i) => expect(Math.abs(x - b[i]), `index ${i}: ${x} vs ${b[i]}`).to.be.at.most(tol * Math.max(1, Math.abs(b[i]))));
}

// A per-element function with a nonlinearity, a parameter and a pytree output.
const f = (x: tt.PyTree, p: tt.PyTree): tt.PyTree => {
  const row = x as tt.Tensor;
  const w = (p as { w: tt.Tensor }).w;
  const h = tt.tanh(tt.mul(row, w));
  return { s: tt.sum(tt.exp(h)), v: tt.mul(h, row) };
};
const xs = T([[0.1, -0.4, 0.7], [1.2, 0.3, -0.5], [-0.9, 0.8, 0.2], [0.05, -1.1, 0.6], [0.4, 0.4, -0.3]]);
const w0 = T([0.7, -1.3, 0.5]);

function loopRef(x: tt.Tensor, w: tt.Tensor): { s: tt.Tensor; v: tt.Tensor } {
  const outs = [0, 1, 2, 3, 4].map((i) => f(tt.slice(x, [i], [1]).reshape([3]), { w }) as { s: tt.Tensor; v: tt.Tensor });
  return { s: tt.stack(outs.map((o) => o.s)), v: tt.stack(outs.map((o) => o.v)) };
}

describe('tape: map', () => {
  for (const checkpoint of [false, true]) {
    for (const batchSize of [1, 2, 5]) {
      it(`matches an explicit loop in value and gradient (checkpoint ${checkpoint}, batchSize ${batchSize})`, () => {
        const loss = (x: tt.Tensor, w: tt.Tensor, useMap: boolean): tt.Tensor => {
          const o = useMap ? tt.map(f, x, { batchSize, checkpoint, params: { w } }) as { s: tt.Tensor; v: tt.Tensor } : loopRef(x, w);
          return tt.add(tt.sum(tt.square(o.s)), tt.sum(tt.sin(o.v)));
        };
        const out = tt.map(f, xs, { batchSize, checkpoint, params: { w: w0 } }) as { s: tt.Tensor; v: tt.Tensor };
        const ref = loopRef(xs, w0);
        expect(out.s.shape).to.deep.equal([5]);
        expect(out.v.shape).to.deep.equal([5, 3]);
        // Same operations in the same order: equal to rounding.
        closeTo(vals(out.s), vals(ref.s), 1e-14);
        closeTo(vals(out.v), vals(ref.v), 1e-14);
        const g = tt.grad((x: tt.Tensor, w: tt.Tensor) => loss(x, w, true), { argnums: [0, 1] })(xs, w0) as tt.Tensor[];
        const gr = tt.grad((x: tt.Tensor, w: tt.Tensor) => loss(x, w, false), { argnums: [0, 1] })(xs, w0) as tt.Tensor[];
        closeTo(vals(g[0]), vals(gr[0]), 1e-12);
        closeTo(vals(g[1]), vals(gr[1]), 1e-12);
      });
    }
  }

  it('checkpointed map passes first- and second-order finite-difference checks', () => {
    // Central differences in float64: eps 1e-6 (first order) / 1e-4 (HVPs) give errors ~1e-8; rtol 1e-5 leaves margin.
    const loss = (x: tt.Tensor, w: tt.Tensor): tt.Tensor => {
      const o = tt.map(f, x, { batchSize: 2, checkpoint: true, params: { w } }) as { s: tt.Tensor; v: tt.Tensor };
      return tt.add(tt.sum(tt.square(o.s)), tt.sum(tt.sin(o.v)));
    };
    tt.testing.checkGrads(loss, [xs, w0], { rtol: 1e-5, order: 2 });
  });

  it('a checkpointed chunk keeps only its inputs on the tape', () => {
    const [out] = tt.vjp((x: tt.Tensor) => tt.map((r) => tt.exp(tt.sin(r as tt.Tensor)), x, { batchSize: 5, checkpoint: true }), xs);
    const node = (out as tt.Tensor)._node as unknown as { name: string; parents: tt.Tensor[] };
    expect(node.name).to.equal('checkpoint');
    expect(node.parents.every((p) => p._node === null || (p._node as unknown as { name: string }).name === 'takeRows')).to.equal(true);
  });

  it('validates its arguments', () => {
    expect(() => tt.map(f, [xs, T([1, 2])])).to.throw(tt.TracetapeError, /map: all leaves of xs must share the leading dimension: 5 vs 2/);
    expect(() => tt.map(f, xs, { batchSize: 0 })).to.throw(/map: options.batchSize must be a positive integer/);
    expect(() => tt.map(f, xs, { chunk: 2 } as Parameters<typeof tt.map>[2])).to.throw(/map: unknown option 'chunk'/);
    expect(() => tt.map(f, tt.tensor(3))).to.throw(/map: every leaf of xs needs a leading axis/);
  });
});

describe('tape: mapReduce', () => {
  const g = (x: tt.PyTree, p: tt.PyTree): tt.PyTree => {
    const o = f(x, p) as { s: tt.Tensor; v: tt.Tensor };
    return { s: o.s, v: o.v };
  };
  for (const checkpoint of [false, true]) {
    for (const batchSize of [1, 2, 3, 5]) {
      it(`sum/mean equal the stacked map's sum and gradients (checkpoint ${checkpoint}, batchSize ${batchSize})`, () => {
        const viaMap = (x: tt.Tensor, w: tt.Tensor): tt.Tensor => {
          const o = tt.map(g, x, { params: { w } }) as { s: tt.Tensor; v: tt.Tensor };
          return tt.add(tt.square(tt.sum(o.s)), tt.sum(tt.cos(tt.sum(o.v, 0))));
        };
        const viaReduce = (x: tt.Tensor, w: tt.Tensor): tt.Tensor => {
          const o = tt.mapReduce(g, x, { batchSize, checkpoint, params: { w } }) as { s: tt.Tensor; v: tt.Tensor };
          return tt.add(tt.square(o.s), tt.sum(tt.cos(o.v)));
        };
        // Sums are formed in a different association order: agree to 1e-13 relative.
        closeTo([viaReduce(xs, w0).item()], [viaMap(xs, w0).item()], 1e-13);
        const mean = tt.mapReduce(g, xs, { batchSize, checkpoint, params: { w: w0 }, reduce: 'mean' }) as { s: tt.Tensor };
        closeTo([mean.s.item()], [tt.sum((tt.map(g, xs, { params: { w: w0 } }) as { s: tt.Tensor }).s).item() / 5], 1e-13);
        const ga = tt.grad(viaReduce, { argnums: [0, 1] })(xs, w0) as tt.Tensor[];
        const gb = tt.grad(viaMap, { argnums: [0, 1] })(xs, w0) as tt.Tensor[];
        closeTo(vals(ga[0]), vals(gb[0]), 1e-12);
        closeTo(vals(ga[1]), vals(gb[1]), 1e-12);
      });
    }
  }

  it('checkpointed mapReduce is one node whose parents are the differentiated inputs only, and passes checkGrads (order 2)', () => {
    const [out] = tt.vjp((w: tt.Tensor) => tt.mapReduce((r, p) => tt.sum(tt.exp(tt.mul(r as tt.Tensor, p as tt.Tensor))), xs, { params: w, batchSize: 2 }), w0);
    const node = (out as tt.Tensor)._node as unknown as { name: string; parents: tt.Tensor[] };
    expect(node.name).to.equal('mapReduce:chunkedSum');
    expect(node.parents.length).to.equal(1);
    expect(node.parents[0]._leaf).to.equal(true);
    const loss = (x: tt.Tensor, w: tt.Tensor): tt.Tensor => {
      const o = tt.mapReduce(g, x, { batchSize: 2, params: { w } }) as { s: tt.Tensor; v: tt.Tensor };
      return tt.add(tt.square(o.s), tt.sum(tt.cos(o.v)));
    };
    // Same tolerances as for map above.
    tt.testing.checkGrads(loss, [xs, w0], { rtol: 1e-5, order: 2 });
  });

  it('reports progress in both passes and rejects non-finite values', () => {
    const seen: string[] = [];
    tt.grad((w: tt.Tensor) => tt.mapReduce((r, p) => tt.sum(tt.mul(r as tt.Tensor, p as tt.Tensor)), xs, {
      params: w, batchSize: 2, onProgress: ({ phase, done, total }) => seen.push(`${phase}${done}/${total}`),
    }) as tt.Tensor)(w0);
    expect(seen).to.deep.equal(['forward1/3', 'forward2/3', 'forward3/3', 'backward1/3', 'backward2/3', 'backward3/3']);
    expect(() => tt.mapReduce((r) => tt.log(tt.sub(r as tt.Tensor, 1)), xs)).to.throw(tt.TracetapeError, /mapReduce: chunk 0 produced a non-finite value/);
    expect(() => tt.mapReduce(f, xs, { reduce: 'max' } as unknown as Parameters<typeof tt.mapReduce>[2])).to.throw(/options.reduce must be 'sum' or 'mean'/);
  });

  it('reduces 20,000 scalar elements without stacking (constant result size)', () => {
    const idx = tt.arange(20000);
    const out = tt.mapReduce((i) => tt.square(i as tt.Tensor), idx, { batchSize: 1000 }) as tt.Tensor;
    // Σ i² for i < N is N(N−1)(2N−1)/6, exact in float64 at this size.
    expect(out.item()).to.equal((20000 * 19999 * 39999) / 6);
  });
});

describe('tape: closures in chunked combinators', () => {
  const theta = T([0.3, -0.2, 0.5]);
  it('a checkpointed map/mapReduce/estimator that closes over a differentiated tensor is an error, not a silently lost gradient', () => {
    const viaMap = (w: tt.Tensor): tt.Tensor => tt.sum(tt.map((r, p) => tt.mul(tt.mul(r as tt.Tensor, w), p as tt.Tensor), xs, { checkpoint: true, batchSize: 2, params: w }) as tt.Tensor);
    expect(() => tt.grad(viaMap)(theta)).to.throw(tt.TracetapeError, /map: the chunk function uses a tensor of shape \[3\] that is being differentiated but was not passed in params/);
    const viaReduce = (w: tt.Tensor): tt.Tensor => tt.sum(tt.mapReduce((r, p) => tt.mul(tt.mul(r as tt.Tensor, w), p as tt.Tensor), xs, { params: w }) as tt.Tensor);
    expect(() => tt.grad(viaReduce)(theta)).to.throw(/mapReduce: the chunk function uses a tensor/);
    const e = tt.exp(theta); // a constant (untracked) closure is fine
    expect(() => tt.vjp((w: tt.Tensor) => tt.mapReduce((r, p) => tt.sum(tt.mul(tt.mul(r as tt.Tensor, e), p as tt.Tensor)), xs, { params: w }), theta)).to.not.throw();
    const est = tt.stochtrace.estimator(tt.stochtrace.trace(), tt.stochtrace.rademacher(3, { num: 4 }), { chunkSize: 2 });
    expect(() => tt.grad((w: tt.Tensor) => est((v, s) => tt.mul(tt.mul(v, w), s as tt.Tensor), tt.random.key(0), w) as tt.Tensor)(theta))
      .to.throw(/stochtrace.estimator: the chunk function uses a tensor of shape \[3\]/);
  });

  it('without checkpoint, or with nothing in params, closures get correct gradients through the tape', () => {
    const g = tt.grad((w: tt.Tensor) => tt.sum(tt.map((r) => tt.mul(r as tt.Tensor, w), xs, { checkpoint: true, batchSize: 2 }) as tt.Tensor))(theta) as tt.Tensor;
    closeTo(vals(g), vals(tt.sum(xs, 0)), 1e-14);
    const key = tt.random.key(1);
    const run = (opts: { chunkSize: number; checkpoint?: boolean }, viaParams: boolean): tt.Tensor => tt.grad((w: tt.Tensor) => {
      const est = tt.stochtrace.estimator(tt.stochtrace.trace(), tt.stochtrace.rademacher(3, { num: 4 }), opts);
      return (viaParams ? est((v, p) => tt.mul(tt.exp(p as tt.Tensor), v), key, w) : est((v) => tt.mul(tt.exp(w), v), key)) as tt.Tensor;
    })(theta) as tt.Tensor;
    // tr(diag(exp(w))) is estimated exactly by Rademacher probes: the gradient is exp(w).
    const want = theta.data().map(Math.exp);
    for (const g of [run({ chunkSize: 2 }, true), run({ chunkSize: 2, checkpoint: false }, false), run({ chunkSize: 2 }, false)]) {
      closeTo(vals(g), Array.from(want), 1e-14);
    }
  });
});

describe('tape: map output checks', () => {
  it('rejects elements whose outputs differ in shape, with and without checkpoint', () => {
    const ragged = (x: tt.PyTree, p: tt.PyTree): tt.PyTree => {
      const r = x as tt.Tensor;
      return r._data[0] > 0.5 ? tt.mul(r, p as tt.Tensor) : tt.sum(tt.mul(r, p as tt.Tensor));
    };
    for (const checkpoint of [false, true]) {
      expect(() => tt.grad((w: tt.Tensor) => tt.sum(tt.map(ragged, xs, { checkpoint, batchSize: 5, params: w }) as tt.Tensor))(w0))
        .to.throw(tt.TracetapeError, /map: f returned shape \[(3)?\] for element 1 but \[(3)?\] for element 0/);
    }
  });
});
