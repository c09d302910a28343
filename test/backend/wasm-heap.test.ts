/** The first-fit allocator over wasm linear memory used by the WebAssembly kernels: alignment, reuse, growth, limits. */
import { expect } from 'chai';
import { WasmHeap } from '../../src/backend/wasm/heap.js';

describe('backend: wasm heap allocator', () => {
  it('hands out 64-byte aligned, disjoint blocks above the reserved base and reuses freed gaps first-fit', () => {
    const mem = new WebAssembly.Memory({ initial: 1 });
    const heap = new WasmHeap(mem, 1024);
    const a = heap.alloc(10), b = heap.alloc(100), c = heap.alloc(64);
    expect([a, b, c]).to.deep.equal([1024, 1088, 1216]); // 10 → 64 bytes, 100 → 128 bytes
    for (const p of [a, b, c]) expect(p % 64).to.equal(0);
    expect(heap.usedBytes()).to.equal(64 + 128 + 64);
    heap.free(b);
    expect(heap.alloc(64)).to.equal(1088); // first gap that fits
    expect(heap.alloc(64)).to.equal(1152); // the rest of b's old block
    expect(heap.alloc(64)).to.equal(1280); // gap exhausted: after c
    heap.free(12345); // not a block start: ignored
    expect(heap.usedBytes()).to.equal(64 * 5);
  });

  it('grows the memory when the blocks outgrow it and keeps earlier contents', () => {
    const mem = new WebAssembly.Memory({ initial: 1 });
    const heap = new WasmHeap(mem, 1024);
    const a = heap.alloc(1000);
    new Float64Array(mem.buffer, a, 4).set([1, 2, 3, 4]);
    const big = heap.alloc(3 * 65536);
    expect(big).to.be.at.least(a + 1000);
    expect(heap.capacityBytes()).to.be.at.least(big + 3 * 65536);
    expect(Array.from(new Float64Array(mem.buffer, a, 4))).to.deep.equal([1, 2, 3, 4]);
  });

  it('returns -1 when the memory cannot grow (maximum reached)', () => {
    const mem = new WebAssembly.Memory({ initial: 1, maximum: 2 });
    const heap = new WasmHeap(mem, 1024);
    expect(heap.alloc(65536)).to.equal(1024);
    expect(heap.alloc(65536)).to.equal(-1);
    expect(heap.usedBytes()).to.equal(65536);
  });
});
