/** customVjp, stopGradient, noGrad and checkpoint: ways to control what the tape records. */
import { Tensor, zerosLike } from '../tensor/index.js';
import { TracetapeError, check, describe, fmtShape } from '../util/errors.js';
import { isRecording, record } from './node.js';
import { withRecording } from './state.js';
import { type PyTree, type TreeDef, flatten, unflatten, numLeaves } from './pytree.js';
import { detach, vjp } from './transforms.js';

/** Flatten per-argument cotangent pytrees returned by a user rule into one list aligned with the arguments' leaves. */
function flattenArgCotangents(fn: string, cts: unknown, argDefs: TreeDef[], argLeaves: Tensor[][]): (Tensor | null)[] {
  check(Array.isArray(cts) && cts.length === argDefs.length, fn,
    () => `bwd must return an array with one cotangent per argument (${argDefs.length}), received ${describe(cts)}`);
  const flat: (Tensor | null)[] = [];
  (cts as unknown[]).forEach((c, i) => {
    const n = numLeaves(argDefs[i]);
    if (c === null || c === undefined) { for (let k = 0; k < n; k++) flat.push(null); return; }
    const [leaves] = flatten(c);
    check(leaves.length === n, fn, () => `cotangent for argument ${i} has ${leaves.length} tensor leaves, the argument has ${n}`);
    leaves.forEach((g, k) => {
      const want = argLeaves[i][k].shape;
      check(g.shape.length === want.length && g.shape.every((d, j) => d === want[j]), fn,
        () => `cotangent for argument ${i} leaf ${k} has shape ${fmtShape(g.shape)}, expected ${fmtShape(want)}`);
      flat.push(g);
    });
  });
  return flat;
}

function fillZeros(cts: (Tensor | null)[], like: Tensor[]): Tensor[] {
  return cts.map((c, i) => c ?? zerosLike(like[i]));
}

/**
 * A function with a hand-written VJP. `fwd(...args)` returns `[out, residuals]`; `bwd(residuals, cotangent)` returns one
 * cotangent pytree per argument (null for none). The forward runs untaped: only one node is recorded for the call.
 */
export function customVjp<A extends unknown[], R extends PyTree, Res>(
  f: (...args: A) => R,
  fwd: (...args: A) => [R, Res],
  bwd: (residuals: Res, cotangent: R) => unknown[],
): (...args: A) => R {
  const fn = 'customVjp';
  check(typeof f === 'function' && typeof fwd === 'function' && typeof bwd === 'function', fn, 'f, fwd and bwd must be functions');
  return (...args: A): R => {
    const flat = args.map((a) => flatten(a));
    const argLeaves = flat.map(([l]) => l);
    const all = argLeaves.flat();
    if (!isRecording(all)) return f(...args);
    const result = withRecording(false, () => fwd(...args));
    if (!Array.isArray(result) || result.length !== 2) {
      throw new TracetapeError(fn, `fwd must return [out, residuals], received ${describe(result)}`);
    }
    const [out, res] = result;
    const [outLeaves, outDef] = flatten(out);
    const fresh = outLeaves.map(detach);
    record('customVjp', fresh, all, (cts) => {
      const ctTree = unflatten<R>(outDef, fillZeros(cts, fresh));
      return flattenArgCotangents(fn, bwd(res, ctTree), flat.map(([, d]) => d), argLeaves);
    });
    return unflatten<R>(outDef, fresh);
  };
}

/** The same values with no gradient flowing back (works on pytrees). */
export function stopGradient<T extends PyTree>(x: T): T {
  const [leaves, def] = flatten(x);
  return unflatten<T>(def, leaves.map(detach));
}

/** Run `fn` without recording anything on the tape. */
export function noGrad<T>(fn: () => T): T {
  check(typeof fn === 'function', 'noGrad', () => `fn must be a function, received ${describe(fn)}`);
  return withRecording(false, fn);
}

/**
 * Rematerialisation: the forward pass keeps only f's inputs; the backward pass recomputes f and backpropagates through it.
 * Memory of f's intermediates is released after the forward, at the cost of one extra forward in backward.
 */
export function checkpoint<A extends unknown[], R extends PyTree>(f: (...args: A) => R): (...args: A) => R {
  check(typeof f === 'function', 'checkpoint', () => `f must be a function, received ${describe(f)}`);
  return (...args: A): R => {
    const flat = args.map((a) => flatten(a));
    const argLeaves = flat.map(([l]) => l);
    const all = argLeaves.flat();
    if (!isRecording(all)) return f(...args);
    const out = withRecording(false, () => f(...args));
    const [outLeaves, outDef] = flatten(out);
    const fresh = outLeaves.map(detach);
    record('checkpoint', fresh, all, (cts) => {
      const tensorArgIdx = argLeaves.map((l, i) => (l.length > 0 ? i : -1)).filter((i) => i >= 0);
      const g = (...sub: unknown[]): R => {
        const full = args.slice() as unknown[];
        tensorArgIdx.forEach((ai, k) => { full[ai] = sub[k]; });
        return f(...(full as A));
      };
      const [, pullback] = vjp(g, ...tensorArgIdx.map((i) => args[i]));
      const grads = pullback(unflatten<PyTree>(outDef, fillZeros(cts, fresh)));
      const perArg: unknown[] = args.map(() => null);
      tensorArgIdx.forEach((ai, k) => { perArg[ai] = grads[k]; });
      return flattenArgCotangents('checkpoint', perArg, flat.map(([, d]) => d), argLeaves);
    });
    return unflatten<R>(outDef, fresh);
  };
}
