// The tape is freed after backward: 10,000 repeated grad calls keep the heap flat (needs --expose-gc, set in .mocharc).
import { expect } from 'chai';
import * as tt from '../../src/index.js';

const gc = (globalThis as { gc?: () => void }).gc;

function heap(): number {
  gc!(); gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe('tape: memory', () => {
  it('10,000 grad calls on a small function keep the heap flat', function () {
    if (!gc) throw new Error('this test needs node --expose-gc (mocha is configured with it)');
    this.timeout(60000);
    const w = tt.tensor(Array.from({ length: 64 }, (_, i) => Math.sin(i)));
    const f = (w: tt.Tensor): tt.Tensor => tt.sum(tt.tanh(tt.mul(w, tt.exp(tt.neg(tt.square(w))))));
    const g = tt.grad(f);
    for (let i = 0; i < 500; i++) g(w); // warm up JIT and caches
    const before = heap();
    let last: tt.Tensor | null = null;
    for (let i = 0; i < 10000; i++) last = g(w) as tt.Tensor;
    const after = heap();
    expect(last!.shape).to.deep.equal([64]);
    // Each call allocates ~20 tensors of 64 doubles (~10 KiB) plus nodes; 10,000 leaked calls would be > 100 MiB.
    // A flat heap may still move by a few hundred KiB from JIT/code-space noise: allow 2 MiB.
    expect(after - before, `heap grew by ${((after - before) / 1024).toFixed(0)} KiB`).to.be.below(2 * 2 ** 20);
  });

  it('a checkpointed function keeps nothing from its forward pass on the tape', () => {
    const big = tt.tensor(new Float64Array(1 << 16).fill(0.5));
    const inner = (x: tt.Tensor): tt.Tensor => tt.sum(tt.exp(tt.mul(tt.sin(x), x)));
    const out = tt.vjp((x: tt.Tensor) => tt.checkpoint(inner)(x), big)[0] as tt.Tensor;
    // The checkpoint node's only parent is the leaf: no intermediate (sin, mul, exp) tensors are reachable.
    const node = out._node as unknown as { parents: tt.Tensor[]; name: string };
    expect(node.name).to.equal('checkpoint');
    expect(node.parents.length).to.equal(1);
    expect(node.parents[0]._leaf).to.equal(true);
    expect(node.parents[0]._node).to.equal(null);
  });
});
