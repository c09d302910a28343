/**
 * `adjointPrimitive`: registers a Krylov solver as one tape node whose backward is a hand-written adjoint pass.
 * Like tape's customVjp, but outputs that receive no cotangent are passed to the backward as null instead of
 * materialised zeros: a loss that ignores the K×n basis Q then costs no K×n cotangent (the memory target of the adjoints).
 */
import type { Tensor } from '../tensor/index.js';
import { record, isRecording, withRecording, detach, flatten, unflatten, numLeaves, type TreeDef } from '../tape/index.js';
import { TracetapeError, check, describe, fmtShape } from '../util/index.js';

/** A pytree shaped like R whose tensor leaves may be null (no cotangent reached that output). */
export type Cotangents<R> = R extends Tensor ? Tensor | null : { [K in keyof R]: Cotangents<R[K]> };

/**
 * Wrap `fwd` (untaped forward returning [out, residuals]) and `bwd` (residuals, cotangents with nulls → one cotangent
 * pytree or null per argument) as a differentiable function of its tensor arguments.
 */
export function adjointPrimitive<A extends unknown[], R, Res>(
  name: string,
  fwd: (...args: A) => [R, Res],
  bwd: (residuals: Res, cotangent: Cotangents<R>) => unknown[],
): (...args: A) => R {
  return (...args: A): R => {
    const flat = args.map((a) => flatten(a));
    const all = flat.flatMap(([l]) => l);
    if (!isRecording(all)) return withRecording(false, () => fwd(...args))[0];
    const [out, res] = withRecording(false, () => fwd(...args));
    const [outLeaves, outDef] = flatten(out);
    const fresh = outLeaves.map(detach);
    record(name, fresh, all, (cts) => {
      const ctTree = unflatten<Cotangents<R>>(outDef, cts as Tensor[]);
      const perArg = bwd(res, ctTree);
      check(Array.isArray(perArg) && perArg.length === args.length, name, () => `adjoint must return one cotangent per argument, received ${describe(perArg)}`);
      const result: (Tensor | null)[] = [];
      perArg.forEach((c, i) => {
        const [argLeaves, argDef] = flat[i];
        if (c === null || c === undefined) { for (let k = 0; k < numLeaves(argDef as TreeDef); k++) result.push(null); return; }
        const [leaves] = flatten(c);
        if (leaves.length !== argLeaves.length) throw new TracetapeError(name, `adjoint returned ${leaves.length} cotangent leaves for argument ${i}, expected ${argLeaves.length}`);
        leaves.forEach((g, k) => {
          check(g.shape.length === argLeaves[k].shape.length && g.shape.every((d, j) => d === argLeaves[k].shape[j]), name,
            () => `adjoint cotangent for argument ${i} leaf ${k} has shape ${fmtShape(g.shape)}, expected ${fmtShape(argLeaves[k].shape)}`);
          result.push(g);
        });
      });
      return result;
    });
    return unflatten<R>(outDef, fresh);
  };
}
