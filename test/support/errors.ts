// Shared test helper: assert that a call throws a TracetapeError from `fn` whose message contains `fragment`.
import { expect } from 'chai';
import * as tt from '../../src/index.js';

/** Expect `f()` to throw a TracetapeError whose message starts with `fn:` and includes `fragment`. */
export function expectError(f: () => unknown, fn: string, fragment: string): void {
  let caught: unknown = null;
  try { f(); } catch (e) { caught = e; }
  expect(caught, `expected ${fn} to throw`).to.be.instanceOf(tt.TracetapeError);
  const msg = (caught as Error).message;
  expect(msg.startsWith(`${fn}:`), msg).to.equal(true);
  expect(msg).to.include(fragment);
}
