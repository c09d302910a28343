// Keys: construction from seeds, immutability, split/foldIn determinism and distinctness, pytree behaviour, bad input.
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { expectError } from '../support/errors.js';

const { random } = tt;
type PRNGKey = tt.random.PRNGKey;


describe('random: keys', () => {
  it('key(seed) holds the low and high 32 bits of the seed and prints readably', () => {
    const k = random.key(42);
    expect([k.k0, k.k1]).to.deep.equal([42, 0]);
    expect(k.toString()).to.equal('PRNGKey(0x0000002a, 0x00000000)');
    const big = random.key(2 ** 53);
    expect([big.k0, big.k1]).to.deep.equal([0, 2 ** 21]);
    const mid = random.key(3 * 2 ** 32 + 7);
    expect([mid.k0, mid.k1]).to.deep.equal([7, 3]);
  });

  it('keys are immutable values compared with equals', () => {
    const k = random.key(1);
    expect(Object.isFrozen(k)).to.equal(true);
    expect(() => { (k as unknown as { k0: number }).k0 = 5; }).to.throw(TypeError);
    expect(k.equals(random.key(1))).to.equal(true);
    expect(k.equals(random.key(2))).to.equal(false);
  });

  it('split and foldIn are deterministic and give distinct keys', () => {
    const k = random.key(7);
    const a = random.split(k, 5), b = random.split(k, 5);
    expect(a.map(String)).to.deep.equal(b.map(String));
    expect(random.split(k).length).to.equal(2);
    // Prefix property: the first children do not depend on n.
    expect(random.split(k, 2).map(String)).to.deep.equal(a.slice(0, 2).map(String));
    const folded = Array.from({ length: 5 }, (_, i) => random.foldIn(k, i));
    const all = [k, ...a, ...folded, random.foldIn(k, 2 ** 53)].map(String);
    expect(new Set(all).size).to.equal(all.length);
    expect(random.foldIn(k, 3).equals(random.foldIn(k, 3))).to.equal(true);
  });

  it('a key is a static leaf in pytrees and passes through grad untouched', () => {
    const k = random.key(3);
    const [leaves, def] = tt.tree.flatten({ k, w: tt.tensor([1, 2]) });
    expect(leaves.length).to.equal(1);
    const back = tt.tree.unflatten<{ k: PRNGKey }>(def, leaves);
    expect(back.k).to.equal(k);
    const f = (p: { k: PRNGKey; w: tt.Tensor }): tt.Tensor => tt.sum(tt.mul(p.w, random.normal(p.k, [2])));
    const g = tt.grad(f)({ k, w: tt.tensor([1, 2]) }) as { k: PRNGKey; w: tt.Tensor };
    expect(g.k).to.equal(k);
    expect(Array.from(g.w._data)).to.deep.equal(Array.from(random.normal(k, [2])._data));
  });
});

describe('random: bad input throws TracetapeError', () => {
  const k = random.key(0);
  it('key: negative, non-integer, too large, non-number seeds', () => {
    expectError(() => random.key(-1), 'random.key', 'seed must be an integer in [0, 2^53]');
    expectError(() => random.key(1.5), 'random.key', 'received number 1.5');
    expectError(() => random.key(2 ** 53 + 2), 'random.key', 'seed');
    expectError(() => random.key(NaN), 'random.key', 'seed');
    expectError(() => random.key('3' as unknown as number), 'random.key', 'received string 3');
  });
  it('split and foldIn: bad n, bad data, not a key', () => {
    expectError(() => random.split(k, 0), 'random.split', 'n must be an integer in [1, 2^32]');
    expectError(() => random.split(k, 2.5), 'random.split', 'n must be');
    expectError(() => random.split(3 as unknown as PRNGKey), 'random.split', 'key must be a PRNGKey');
    expectError(() => random.foldIn(k, -1), 'random.foldIn', 'data must be an integer in [0, 2^53]');
    expectError(() => random.foldIn({ k0: 1, k1: 2 } as unknown as PRNGKey, 1), 'random.foldIn', 'key must be a PRNGKey');
  });
  it('samplers: bad key, shape, dtype, unknown option, bad bounds', () => {
    expectError(() => random.normal(42 as unknown as PRNGKey, [2]), 'random.normal', 'key must be a PRNGKey');
    expectError(() => random.normal(k, [2, -1]), 'random.normal', 'shape must contain non-negative integers');
    expectError(() => random.uniform(k, [2.5]), 'random.uniform', 'shape must contain non-negative integers');
    expectError(() => random.rademacher(k, 'big' as unknown as number[]), 'random.rademacher', 'shape must be an array');
    expectError(() => random.normal(k, [2], { dtype: 'int32' as 'float64' }), 'random.normal', "options.dtype must be 'float64' or 'float32'");
    expectError(() => random.normal(k, [2], { mean: 1 } as unknown as { dtype: 'float64' }), 'random.normal', "unknown option 'mean'");
    expectError(() => random.sphere(k, [3], { dtyp: 'float32' } as unknown as { dtype: 'float64' }), 'random.sphere', "unknown option 'dtyp'");
    expectError(() => random.uniform(k, [2], { minval: 1, maxval: 1 }), 'random.uniform', 'minval must be less than options.maxval');
    expectError(() => random.uniform(k, [2], { maxval: Infinity }), 'random.uniform', 'maxval must be a finite number');
    expectError(() => random.sphere(k, []), 'random.sphere', 'at least one axis');
    expectError(() => random.normal(k, [2 ** 20, 2 ** 20]), 'random.normal', 'more than');
  });
  it('fill*: bad output array or start', () => {
    expectError(() => random.fillNormal(k, [0, 0] as unknown as Float64Array), 'random.fillNormal', 'out must be a Float64Array or Float32Array');
    expectError(() => random.fillUniform(k, new Float64Array(2), -1), 'random.fillUniform', 'start must be');
    expectError(() => random.fillRademacher(k, new Float64Array(2), 0.5), 'random.fillRademacher', 'start must be');
    expectError(() => random.fillSphere(k, new Float64Array(6), 4), 'random.fillSphere', 'out.length must be a multiple of the row length 4');
    expectError(() => random.fillSphere(k, new Float64Array(8), 4, 2), 'random.fillSphere', 'start must be a non-negative multiple of the row length 4');
    expectError(() => random.fillSphere(k, new Float64Array(8), 0), 'random.fillSphere', 'n (the row length) must be a positive integer');
  });
});
