// Bad input to ops: each case must throw a TracetapeError whose message names the function, the argument,
// and what was expected vs what was received.
import { expect } from 'chai';
import * as tt from '../../src/index.js';

/** Run `f`, assert it throws a TracetapeError from `fn` whose message matches every pattern. */
function expectError(fn: string, f: () => unknown, patterns: (string | RegExp)[]): void {
  let caught: unknown = null;
  try { f(); } catch (e) { caught = e; }
  expect(caught, `expected ${fn} to throw`).to.be.instanceOf(tt.TracetapeError);
  const err = caught as tt.TracetapeError;
  expect(err.fn).to.equal(fn);
  expect(err.message.startsWith(`${fn}: `), err.message).to.equal(true);
  for (const p of patterns) {
    if (typeof p === 'string') expect(err.message).to.include(p);
    else expect(err.message).to.match(p);
  }
}

const bad = (v: unknown): never => v as never; // pass deliberately ill-typed arguments past the type checker

describe('ops: bad input throws TracetapeError with a clear message', () => {
  const A = tt.ones([3, 4]);

  it('matmul: inner dimensions that do not align', () => {
    expectError('matmul', () => tt.matmul(A, tt.ones([5, 2])), ['a.shape [3,4] and b.shape [5,2] do not align (4 vs 5)']);
    expectError('matmul', () => tt.matmul(A, tt.ones([5])), ['a.shape [3,4]', 'b.shape [5]', '(4 vs 5)']);
  });

  it('matmul and dot: non-Tensor and wrong-rank arguments', () => {
    expectError('matmul', () => tt.matmul(A, bad([[1, 2]])), ['b must be a Tensor', 'received array(length 1)']);
    expectError('matmul', () => tt.matmul(tt.tensor(2), A), ['rank ≥ 1', 'a.shape []']);
    expectError('dot', () => tt.dot(A, tt.ones([4])), ['1-D', 'Tensor[3,4]']);
  });

  it('binary ops: shapes that cannot be broadcast, and non-numeric arguments', () => {
    expectError('add', () => tt.add(tt.ones([2, 3]), tt.ones([4])), ['[2,3]', '[4]', 'cannot be broadcast', '3 vs 4']);
    expectError('mul', () => tt.mul(A, bad('2')), ['b must be a Tensor or a number', "string 2"]);
    expectError('exp', () => tt.exp(bad(null)), ['x must be a Tensor or a number', 'received null']);
    expectError('broadcastTo', () => tt.broadcastTo(tt.ones([3]), [2, 4]), ['[3]', '[2,4]']);
  });

  it('reductions: out-of-range and repeated axes', () => {
    expectError('sum', () => tt.sum(A, 2), ['axis 2 is out of range', 'rank 2']);
    expectError('mean', () => tt.mean(A, [0, -2]), ['repeated']);
    expectError('max', () => tt.max(bad([1, 2])), ['x must be a Tensor', 'array(length 2)']);
  });

  it('reshape and transpose: wrong sizes and bad permutations', () => {
    expectError('reshape', () => tt.reshape(A, [5, 2]), ['x.shape [3,4] (12 elements)', '[5,2] (10 elements)']);
    expectError('reshape', () => tt.reshape(A, [-1, -1]), ['only one entry', '-1']);
    expectError('transpose', () => tt.transpose(A, [0, 0]), ['repeated', '[0,0]']);
    expectError('squeeze', () => tt.squeeze(A, 0), ['axis 0 has length 3, expected 1']);
  });

  it('slice: begin out of range, size too large, too many entries, non-Tensor x', () => {
    expectError('slice', () => tt.slice(A, [4, 0]), ['begin[0] = 4', 'axis 0 of length 3', 'x.shape [3,4]', '-3 ≤ begin ≤ 3']);
    expectError('slice', () => tt.slice(A, [1, -5]), ['begin[1] = -5', 'axis 1 of length 4']);
    expectError('slice', () => tt.slice(A, [1, 1], [3, 2]), ['size[0] = 3', 'does not fit axis 0 of length 3 from begin 1', '0 ≤ size ≤ 2 or -1']);
    expectError('slice', () => tt.slice(A, [0, 0, 0]), ['begin has 3 entries but x has rank 2']);
    expectError('slice', () => tt.slice(A, [0.5]), ['begin must contain integers', '0.5']);
    expectError('slice', () => tt.slice(bad('x'), [0]), ['x must be a Tensor', 'string x']);
  });

  it('concat and stack: mismatched shapes, ranks, axes, empty and non-Tensor lists', () => {
    expectError('concat', () => tt.concat([A, tt.ones([3, 5])], 0), ['xs[1].shape [3,5]', 'xs[0].shape [3,4]', 'axis 1 (5 vs 4)', 'only axis 0 may differ']);
    expectError('concat', () => tt.concat([A, tt.ones([3])], 0), ['xs[1].shape [3] has rank 1, expected rank 2']);
    expectError('concat', () => tt.concat([A, A], 2), ['axis 2 is out of range', 'rank 2', '-2 ≤ axis < 2']);
    expectError('concat', () => tt.concat([]), ['at least one Tensor', 'empty array']);
    expectError('concat', () => tt.concat(bad([A, 3])), ['xs[1] must be a Tensor', 'number 3']);
    expectError('stack', () => tt.stack([A, tt.ones([4, 3])]), ['xs[1].shape [4,3] differs from xs[0].shape [3,4]']);
  });

  it('take: indices out of range, non-integer indices, bad axis', () => {
    expectError('take', () => tt.take(A, [0, 4], 1), ['indices[1] = 4', 'axis 1 of length 4', '[-4, 4)']);
    expectError('take', () => tt.take(A, [1.5]), ['indices[0] = 1.5']);
    expectError('take', () => tt.take(A, [0], 3), ['axis 3 is out of range for x of rank 2']);
    expectError('take', () => tt.take(A, bad('0')), ['indices must be', 'string 0']);
    expectError('take', () => tt.take(A, bad(new Float64Array([0]))), ['indices must be', 'Float64Array']);
  });

  it('diag, diagonal, trace: wrong ranks and offsets', () => {
    expectError('diagonal', () => tt.diagonal(tt.ones([3])), ['rank ≥ 2', 'received shape [3]']);
    expectError('diag', () => tt.diag(tt.ones([2, 2, 2])), ['1-D', '2-D', 'received shape [2,2,2]']);
    expectError('diag', () => tt.diag(tt.ones([2]), 0.5), ['k (the diagonal offset) must be an integer', 'number 0.5']);
    expectError('trace', () => tt.trace(tt.ones([4])), ['rank ≥ 2', 'received shape [4]']);
  });

  it('softmax and logSoftmax: bad axis and scalar input', () => {
    expectError('logSoftmax', () => tt.nn.logSoftmax(A, 2), ['axis 2 is out of range for x of rank 2']);
    expectError('softmax', () => tt.nn.softmax(tt.tensor(1)), ['rank ≥ 1', 'received shape []']);
  });

  it('softmaxCrossEntropy: label shapes, out-of-range classes, wrong option names and values', () => {
    expectError('softmaxCrossEntropy', () => tt.nn.softmaxCrossEntropy(A, tt.ones([3, 3])), ['labels.shape [3,3] must equal logits.shape [3,4]', 'or be [3]']);
    expectError('softmaxCrossEntropy', () => tt.nn.softmaxCrossEntropy(A, tt.tensor([0, 4, 1])), ['labels[1] = 4', 'integer in [0, 4)']);
    expectError('softmaxCrossEntropy', () => tt.nn.softmaxCrossEntropy(A, tt.tensor([0, NaN, 1])), ['labels[1] = NaN is not a class index']);
    expectError('softmaxCrossEntropy', () => tt.nn.softmaxCrossEntropy(bad([[1, 2]]), [0]), ['logits must be a Tensor', 'array(length 1)']);
    expectError('softmaxCrossEntropy', () => tt.nn.softmaxCrossEntropy(A, [0, 1]), ['2 class indices', '2 rows', 'logits.shape [3,4]']);
    expectError('softmaxCrossEntropy', () => tt.nn.softmaxCrossEntropy(A, [0, 1, 2], bad({ reduce: 'sum' })), ["unknown option 'reduce'", 'reduction']);
    expectError('softmaxCrossEntropy', () => tt.nn.softmaxCrossEntropy(A, [0, 1, 2], bad({ reduction: 'avg' })), ["'mean', 'sum' or 'none'", 'string avg']);
  });

  it('conv2d: ranks, channel mismatch, kernels larger than the input, misspelt and invalid options', () => {
    const x = tt.ones([1, 2, 4, 4]);
    expectError('conv2d', () => tt.nn.conv2d(tt.ones([2, 4, 4]), tt.ones([1, 2, 3, 3])), ['x must be 4-D [N, C, H, W]', 'x.shape [2,4,4]']);
    expectError('conv2d', () => tt.nn.conv2d(x, tt.ones([1, 3, 3, 3])), ['x.shape [1,2,4,4]', 'w.shape [1,3,3,3]', 'input channels (2 vs 3)']);
    expectError('conv2d', () => tt.nn.conv2d(x, tt.ones([1, 2, 5, 5])), ['spans 5×5', 'padded input 4×4']);
    expectError('conv2d', () => tt.nn.conv2d(x, tt.ones([1, 2, 3, 3]), bad({ strides: 2 })), ["unknown option 'strides'", 'stride, padding, dilation']);
    expectError('conv2d', () => tt.nn.conv2d(x, tt.ones([1, 2, 3, 3]), { stride: 0 }), ['options.stride must be an integer ≥ 1', 'number 0']);
    expectError('conv2d', () => tt.nn.conv2d(x, tt.ones([1, 2, 3, 3]), bad({ padding: [1, 1, 1] })), ['options.padding', '[1,1,1]']);
  });
});
