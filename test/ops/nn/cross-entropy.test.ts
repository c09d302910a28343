// softmaxCrossEntropy: hand-computed losses, one-hot vs class-index labels, reductions, closed-form gradients
// ((softmax − y)/B), gradients in the labels, and second-order checks.
import { expect } from 'chai';
import * as tt from '../../../src/index.js';
import { rand, expectClose } from '../helpers.js';

/** Reference per-example loss: −Σ_c y_c (z_c − log Σ exp z), with terms of zero probability left out (0·log 0 = 0). */
function ceRef(z: number[][], y: number[][]): number[] {
  return z.map((row, b) => {
    const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    return -row.reduce((s, v, c) => (y[b][c] === 0 ? s : s + y[b][c] * (v - lse)), 0);
  });
}

function oneHotRows(labels: number[], classes: number): number[][] {
  return labels.map((l) => Array.from({ length: classes }, (_, c) => (c === l ? 1 : 0)));
}

describe('nn/softmaxCrossEntropy', () => {
  const logits = rand([4, 3], 111, -2, 2);
  const labels = [2, 0, 1, 2];
  const z = logits.toArray() as number[][];
  const y = oneHotRows(labels, 3);
  const per = ceRef(z, y);
  const meanLoss = per.reduce((a, b) => a + b, 0) / 4;

  it('class-index labels (Tensor, array, Int32Array) and one-hot labels give the hand-computed mean loss', () => {
    expectClose(tt.nn.softmaxCrossEntropy(logits, tt.tensor(labels)), [meanLoss], [], 1e-14);
    expectClose(tt.nn.softmaxCrossEntropy(logits, labels), [meanLoss], [], 1e-14);
    expectClose(tt.nn.softmaxCrossEntropy(logits, Int32Array.from(labels)), [meanLoss], [], 1e-14);
    expectClose(tt.nn.softmaxCrossEntropy(logits, tt.tensor(y)), [meanLoss], [], 1e-14);
  });

  it('reductions: mean (default), sum and none', () => {
    expectClose(tt.nn.softmaxCrossEntropy(logits, labels, { reduction: 'sum' }), [meanLoss * 4], [], 1e-14);
    expectClose(tt.nn.softmaxCrossEntropy(logits, labels, { reduction: 'none' }), per, [4], 1e-14);
    expectClose(tt.nn.softmaxCrossEntropy(logits, labels, { reduction: 'mean' }), [meanLoss], [], 1e-14);
  });

  it('soft (probability) labels: loss by hand, and the gradient in the labels is −logSoftmax/B', () => {
    const soft = tt.nn.softmax(rand([4, 3], 112));
    const sy = soft.toArray() as number[][];
    const ref = ceRef(z, sy).reduce((a, b) => a + b, 0) / 4;
    expectClose(tt.nn.softmaxCrossEntropy(logits, soft), [ref], [], 1e-14);
    const gy = tt.grad((l: tt.Tensor) => tt.nn.softmaxCrossEntropy(logits, l))(soft) as tt.Tensor;
    expectClose(gy, tt.div(tt.neg(tt.nn.logSoftmax(logits)), 4).data(), [4, 3], 1e-15);
    tt.testing.checkGrads((a: tt.Tensor, b: tt.Tensor) => tt.nn.softmaxCrossEntropy(a, tt.nn.softmax(b)), [logits, rand([4, 3], 113)], { order: 2 });
  });

  it('the gradient in the logits is (softmax − onehot)/B; second order matches finite differences', () => {
    const g = tt.grad((l: tt.Tensor) => tt.nn.softmaxCrossEntropy(l, labels))(logits) as tt.Tensor;
    const p = tt.nn.softmax(logits).toArray() as number[][];
    expectClose(g, p.flatMap((row, b) => row.map((v, c) => (v - y[b][c]) / 4)), [4, 3], 1e-15);
    tt.testing.checkGrads((l: tt.Tensor) => tt.nn.softmaxCrossEntropy(l, labels), [logits], { order: 2 });
    tt.testing.checkGrads((l: tt.Tensor) => tt.nn.softmaxCrossEntropy(l, labels, { reduction: 'sum' }), [logits], { order: 2 });
  });

  it('higher-rank logits [B, T, C] with index labels [B, T] average over all leading positions', () => {
    const l3 = rand([2, 3, 4], 114, -2, 2);
    const idx = [[0, 3, 1], [2, 2, 0]];
    const rows = (l3.toArray() as number[][][]).flat();
    const ref = ceRef(rows, oneHotRows(idx.flat(), 4)).reduce((a, b) => a + b, 0) / 6;
    expectClose(tt.nn.softmaxCrossEntropy(l3, tt.tensor(idx)), [ref], [], 1e-14);
    expect(tt.nn.softmaxCrossEntropy(l3, tt.tensor(idx), { reduction: 'none' }).shape).to.deep.equal([2, 3]);
    tt.testing.checkGrads((l: tt.Tensor) => tt.nn.softmaxCrossEntropy(l, tt.tensor(idx)), [l3], { order: 2 });
  });

  it('a single example: 1-D logits with a scalar index label; float32 stays float32', () => {
    const l = tt.tensor([1, 2, 3]);
    expectClose(tt.nn.softmaxCrossEntropy(l, tt.tensor(0)), [-(1 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)))], [], 1e-14);
    const l32 = rand([2, 3], 115, -1, 1, 'float32');
    expect(tt.nn.softmaxCrossEntropy(l32, [0, 1]).dtype).to.equal('float32');
  });

  it('masked classes (−∞ logits) give a finite loss and finite gradients for both label kinds', () => {
    const masked = tt.tensor([[0.5, -Infinity, 1.5], [-Infinity, 0.2, -0.3]]);
    const ref = ceRef(masked.toArray() as number[][], oneHotRows([2, 1], 3));
    const want = (ref[0] + ref[1]) / 2;
    expectClose(tt.nn.softmaxCrossEntropy(masked, [2, 1]), [want], [], 1e-14);
    expectClose(tt.nn.softmaxCrossEntropy(masked, tt.tensor(oneHotRows([2, 1], 3))), [want], [], 1e-14);
    const g1 = tt.grad((l: tt.Tensor) => tt.nn.softmaxCrossEntropy(l, [2, 1]))(masked) as tt.Tensor;
    const [g2, gy] = tt.grad((l: tt.Tensor, yy: tt.Tensor) => tt.nn.softmaxCrossEntropy(l, yy), { argnums: [0, 1] })(masked, tt.tensor(oneHotRows([2, 1], 3)));
    for (const g of [g1, g2, gy]) expect(Array.from(g.data()).every(Number.isFinite), g.toString()).to.equal(true);
    expectClose(g2, g1.data(), [2, 3], 1e-15);
    expect((g1.toArray() as number[][])[0][1]).to.equal(0);
  });
});
