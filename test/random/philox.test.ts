// Philox4x32-10 block function against the Random123 known-answer vectors, and the documented counter layout of the streams.
import { expect } from 'chai';
import * as tt from '../../src/index.js';

const { random } = tt;

describe('random: philox4x32', () => {
  // Random123 tests/kat_vectors, the three "philox4x32 10" lines: counter (4 words), key (2 words) -> output (4 words).
  const KAT: { ctr: number[]; key: number[]; out: number[] }[] = [
    { ctr: [0, 0, 0, 0], key: [0, 0], out: [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8] },
    { ctr: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], key: [0xffffffff, 0xffffffff], out: [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd] },
    { ctr: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], key: [0xa4093822, 0x299f31d0], out: [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1] },
  ];
  for (const [i, v] of KAT.entries()) {
    it(`matches Random123 known-answer vector ${i + 1}`, () => {
      const out = new Uint32Array(4);
      random.philox4x32(v.key[0], v.key[1], v.ctr[0], v.ctr[1], v.ctr[2], v.ctr[3], out);
      expect(Array.from(out)).to.deep.equal(v.out);
    });
  }

  it('reads its arguments modulo 2^32 (signed and unsigned forms agree)', () => {
    const a = new Uint32Array(4), b = new Uint32Array(4);
    random.philox4x32(-1, -1, -1, -1, -1, -1, a);
    random.philox4x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, b);
    expect(Array.from(a)).to.deep.equal(Array.from(b));
  });
});

describe('random: bit-to-float recipes', () => {
  it('bitsToUniform covers [0, 1) with 53 bits; bitsToUniform32 is its 24-bit truncation', () => {
    expect(random.bitsToUniform(0, 0)).to.equal(0);
    expect(random.bitsToUniform(0xffffffff, 0xffffffff)).to.equal(1 - 2 ** -53);
    expect(random.bitsToUniform(0x80000000, 0)).to.equal(0.5);
    expect(random.bitsToUniform(0, 0x800)).to.equal(2 ** -53); // bit 11 of lo is the lowest bit used
    expect(random.bitsToUniform(0, 0x7ff)).to.equal(0); // the low 11 bits of lo are dropped
    expect(random.bitsToUniform32(0xffffffff)).to.equal(1 - 2 ** -24);
    expect(Math.fround(random.bitsToUniform32(0xffffffff))).to.equal(1 - 2 ** -24);
    for (const hi of [0x12345678, 0xdeadbeef, 0x00000100, 0xfffffeff]) {
      expect(random.bitsToUniform32(hi)).to.equal(Math.floor(random.bitsToUniform(hi, 0xabcdef12) * 2 ** 24) / 2 ** 24);
    }
  });

  it('the open recipes never return 0 or 1, even in float32', () => {
    expect(random.bitsToOpenUniform(0, 0)).to.equal(2 ** -53);
    expect(random.bitsToOpenUniform(0xffffffff, 0xffffffff)).to.equal(1 - 2 ** -53);
    expect(random.bitsToOpenUniform(0, 0x1000)).to.equal(3 * 2 ** -53); // bit 12 of lo is the lowest bit used
    expect(random.bitsToOpenUniform32(0)).to.equal(2 ** -24);
    expect(random.bitsToOpenUniform32(0xffffffff)).to.equal(1 - 2 ** -24);
    expect(Math.fround(random.bitsToOpenUniform32(0xffffffff))).to.be.below(1);
    expect(Math.fround(random.bitsToOpenUniform32(0))).to.be.above(0);
  });
});

describe('random: documented counter layout', () => {
  const k = random.key(20240523);
  const w = new Uint32Array(4);
  const block = (b: number): Uint32Array => {
    random.philox4x32(k.k0, k.k1, b % 2 ** 32, Math.floor(b / 2 ** 32), 0, 0, w);
    return w;
  };

  it('uniform element i uses words 2q, 2q+1 of block floor(i/2) (float64) or word 2q (float32)', () => {
    const u64 = random.uniform(k, [11])._data;
    const u32 = random.uniform(k, [11], { dtype: 'float32' })._data;
    for (let i = 0; i < 11; i++) {
      const q = i % 2, ws = block(Math.floor(i / 2));
      expect(u64[i]).to.equal(random.bitsToUniform(ws[2 * q], ws[2 * q + 1]));
      expect(u32[i]).to.equal(random.bitsToUniform32(ws[2 * q]));
    }
  });

  it('normal elements 2b, 2b+1 are the Box–Muller pair of block b', () => {
    const z = random.normal(k, [9])._data;
    for (let i = 0; i < 9; i++) {
      const ws = block(Math.floor(i / 2));
      const r = Math.sqrt(-2 * Math.log(random.bitsToOpenUniform(ws[0], ws[1])));
      const th = 2 * Math.PI * random.bitsToUniform(ws[2], ws[3]);
      expect(z[i]).to.equal(i % 2 === 0 ? r * Math.cos(th) : r * Math.sin(th));
    }
  });

  it('rademacher element i is the top bit of word i mod 4 of block floor(i/4)', () => {
    const s = random.rademacher(k, [13])._data;
    for (let i = 0; i < 13; i++) expect(s[i]).to.equal(block(Math.floor(i / 4))[i % 4] >>> 31 ? 1 : -1);
  });

  it('fill* with a start offset reproduces the matching slice of the stream (any start parity)', () => {
    const full64 = new Float64Array(40), full32 = new Float32Array(40), rad = new Float64Array(40);
    random.fillNormal(k, full64); random.fillUniform(k, full32); random.fillRademacher(k, rad);
    for (const start of [0, 1, 2, 3, 5, 17]) {
      for (const len of [1, 2, 3, 7, 40 - start]) {
        if (start + len > 40) continue;
        const a = new Float64Array(len), b = new Float32Array(len), c = new Float64Array(len);
        random.fillNormal(k, a, start); random.fillUniform(k, b, start); random.fillRademacher(k, c, start);
        expect(Array.from(a)).to.deep.equal(Array.from(full64.subarray(start, start + len)));
        expect(Array.from(b)).to.deep.equal(Array.from(full32.subarray(start, start + len)));
        expect(Array.from(c)).to.deep.equal(Array.from(rad.subarray(start, start + len)));
      }
    }
  });

  it('fillSphere with a row-aligned start reproduces the matching rows of random.sphere (both dtypes)', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const full = random.sphere(k, [6, 5], { dtype })._data;
      const part = dtype === 'float32' ? new Float32Array(10) : new Float64Array(10);
      random.fillSphere(k, part, 5, 15);
      expect(Array.from(part)).to.deep.equal(Array.from(full.subarray(15, 25)));
    }
  });

  it('the block counter carries into c1 past 2^32 blocks', () => {
    const start = 2 * 2 ** 32 - 2; // elements of blocks 2^32 - 1 and 2^32
    const a = new Float64Array(4);
    random.fillUniform(k, a, start);
    const w0 = Array.from(block(2 ** 32 - 1)), w1 = Array.from(block(2 ** 32));
    expect(a[0]).to.equal(random.bitsToUniform(w0[0], w0[1]));
    expect(a[2]).to.equal(random.bitsToUniform(w1[0], w1[1]));
    random.philox4x32(k.k0, k.k1, 0, 1, 0, 0, w);
    expect(w1).to.deep.equal(Array.from(w));
  });
});
