/** Function transforms: grad, valueAndGrad, vjp, hvp, jvp (nestable to any order). */
import { Tensor, methodTable, onesLike, zerosLike, asTensor } from '../tensor/index.js';
import { TracetapeError, check, checkOptions, describe } from '../util/errors.js';
import { backward } from './backward.js';
import { isRecording, record } from './node.js';
import { backwardCreatesGraph, openTransform, withRecording } from './state.js';
import { type PyTree, type TreeDef, flatten, unflatten } from './pytree.js';

/** Options of grad/valueAndGrad: which positional arguments to differentiate. */
export interface GradOptions {
  argnums?: number | number[];
}

/** @internal A fresh tensor with `x`'s values that the tape tracks; linked to `x` when `x` itself is tracked. */
export function makeLeaf(x: Tensor): Tensor {
  const out = new Tensor(x._data, x.shape);
  if (isRecording([x])) record('leaf', [out], [x], ([g]) => [g]);
  else out._leaf = true;
  return out;
}

/** @internal A fresh, untracked tensor with `x`'s values. */
export function detach(x: Tensor): Tensor {
  return new Tensor(x._data, x.shape);
}

interface Prepared {
  args: unknown[];
  wrt: Tensor[];
  defs: { argnum: number; def: TreeDef; start: number; count: number }[];
}

function prepare(fn: string, args: unknown[], argnums: readonly number[]): Prepared {
  const out = args.slice();
  const wrt: Tensor[] = [];
  const defs: Prepared['defs'] = [];
  for (const a of argnums) {
    check(a >= 0 && a < args.length, fn, () => `argnums contains ${a} but the function was called with ${args.length} argument(s)`);
    let arg = args[a];
    if (typeof arg === 'number') arg = asTensor(fn, `argument ${a}`, arg);
    const [leaves, def] = flatten(arg);
    check(leaves.length > 0, fn, () => `argument ${a} has no Tensor leaves to differentiate (received ${describe(args[a])})`);
    const fresh = leaves.map(makeLeaf);
    defs.push({ argnum: a, def, start: wrt.length, count: fresh.length });
    wrt.push(...fresh);
    out[a] = unflatten(def, fresh);
  }
  return { args: out, wrt, defs };
}

function normaliseArgnums(fn: string, argnums: number | number[] | undefined): { list: number[]; single: boolean } {
  if (argnums === undefined) return { list: [0], single: true };
  if (typeof argnums === 'number') {
    check(Number.isInteger(argnums) && argnums >= 0, fn, `argnums must be a non-negative integer or an array of them, received ${argnums}`);
    return { list: [argnums], single: true };
  }
  check(Array.isArray(argnums) && argnums.length > 0 && argnums.every((a) => Number.isInteger(a) && a >= 0), fn,
    () => `argnums must be a non-negative integer or a non-empty array of them, received ${describe(argnums)}`);
  check(new Set(argnums).size === argnums.length, fn, `argnums must not repeat, received [${argnums.join(',')}]`);
  return { list: argnums.slice(), single: false };
}

function gradsToTrees(p: Prepared, flat: (Tensor | null)[]): PyTree[] {
  return p.defs.map(({ def, start, count }) =>
    unflatten<PyTree>(def, flat.slice(start, start + count).map((g, i) => g ?? zerosLike(p.wrt[start + i]))));
}

/** Differentiate scalar-valued `f` at `args`: returns [value, grads for argnums]. */
function valueAndGradImpl(fn: string, f: (...a: never[]) => unknown, options: GradOptions | undefined, args: unknown[]): [Tensor, PyTree] {
  checkOptions(fn, options, ['argnums']);
  check(typeof f === 'function', fn, () => `f must be a function, received ${describe(f)}`);
  const { list, single } = normaliseArgnums(fn, options?.argnums);
  const p = prepare(fn, args, list);
  const { value: out, outerRecording } = openTransform(() => (f as (...a: unknown[]) => unknown)(...p.args));
  if (!(out instanceof Tensor) || out.size !== 1) {
    throw new TracetapeError(fn, `f must return a scalar Tensor (one element), received ${describe(out)}`);
  }
  const createGraph = outerRecording && backwardCreatesGraph();
  const flat = backward([out], [onesLike(out)], p.wrt, createGraph);
  const trees = gradsToTrees(p, flat);
  const value = createGraph ? out : detach(out);
  return [value, single ? trees[0] : trees];
}

/** The gradient type of an argument of type T: numbers become scalar Tensors, pytrees keep their structure. */
export type GradOf<T> = T extends number ? Tensor : T;
/** Gradients of the arguments listed in N (a tuple of argument indices). */
export type GradsOf<A extends unknown[], N extends readonly number[]> = { -readonly [K in keyof N]: N[K] extends number ? GradOf<A[N[K]]> : never };

/** Gradient of scalar-valued `f` with respect to the arguments in `argnums` (default 0); pytree arguments give pytree gradients. */
export function grad<A extends unknown[]>(f: (...args: A) => Tensor): (...args: A) => GradOf<A[0]>;
export function grad<A extends unknown[], N extends number>(f: (...args: A) => Tensor, options: { argnums: N }): (...args: A) => GradOf<A[N]>;
export function grad<A extends unknown[], const N extends readonly number[]>(f: (...args: A) => Tensor, options: { argnums: N }): (...args: A) => GradsOf<A, N>;
export function grad<A extends unknown[]>(f: (...args: A) => Tensor, options?: GradOptions): (...args: A) => unknown;
export function grad<A extends unknown[]>(f: (...args: A) => Tensor, options?: GradOptions): (...args: A) => unknown {
  return (...args) => valueAndGradImpl('grad', f as (...a: never[]) => unknown, options, args)[1];
}

/** Like grad, but returns `[value, grads]`. */
export function valueAndGrad<A extends unknown[]>(f: (...args: A) => Tensor): (...args: A) => [Tensor, GradOf<A[0]>];
export function valueAndGrad<A extends unknown[], N extends number>(f: (...args: A) => Tensor, options: { argnums: N }): (...args: A) => [Tensor, GradOf<A[N]>];
export function valueAndGrad<A extends unknown[], const N extends readonly number[]>(f: (...args: A) => Tensor, options: { argnums: N }): (...args: A) => [Tensor, GradsOf<A, N>];
export function valueAndGrad<A extends unknown[]>(f: (...args: A) => Tensor, options?: GradOptions): (...args: A) => [Tensor, unknown];
export function valueAndGrad<A extends unknown[]>(f: (...args: A) => Tensor, options?: GradOptions): (...args: A) => [Tensor, unknown] {
  return (...args) => valueAndGradImpl('valueAndGrad', f as (...a: never[]) => unknown, options, args);
}

/** Pullback from `vjp`: maps an output cotangent (shaped like the output) to one cotangent per primal. */
export type Pullback = (cotangent: PyTree) => PyTree[];

/** Evaluate `f(...primals)` and return `[out, pullback]`; the pullback may be called any number of times. */
export function vjp<R extends PyTree>(f: (...args: never[]) => R, ...primals: unknown[]): [R, Pullback] {
  const fn = 'vjp';
  check(typeof f === 'function', fn, () => `f must be a function, received ${describe(f)}`);
  const p = prepare(fn, primals, primals.map((_, i) => i));
  const { value: out } = openTransform(() => (f as (...a: unknown[]) => R)(...p.args));
  const [outLeaves, outDef] = flatten(out);
  const pullback: Pullback = (cotangent) => {
    const [ctLeaves] = flatten(cotangent);
    check(ctLeaves.length === outLeaves.length, 'vjp pullback', () => `cotangent has ${ctLeaves.length} tensor leaves, the output has ${outLeaves.length}`);
    ctLeaves.forEach((c, i) => check(c.shape.length === outLeaves[i].shape.length && c.shape.every((d, k) => d === outLeaves[i].shape[k]),
      'vjp pullback', () => `cotangent leaf ${i} has shape [${c.shape}], the output leaf has shape [${outLeaves[i].shape}]`));
    const flat = backward(outLeaves, ctLeaves, p.wrt, backwardCreatesGraph());
    return gradsToTrees(p, flat);
  };
  return [out, pullback];
}

/** @internal Sum of elementwise products of two pytrees of the same structure (a scalar tensor). */
export function treeVdot(a: unknown, b: unknown): Tensor {
  const [la] = flatten(a);
  const [lb] = flatten(b);
  check(la.length === lb.length, 'treeVdot', () => `pytrees differ: ${la.length} vs ${lb.length} leaves`);
  let acc: Tensor | null = null;
  for (let i = 0; i < la.length; i++) {
    const term = methodTable.call('sum', methodTable.call('mul', la[i], lb[i]));
    acc = acc === null ? term : methodTable.call('add', acc, term);
  }
  return acc ?? asTensor('treeVdot', 'a', 0);
}

/** Hessian-vector product of scalar `f` at `primals` (an array of arguments) along `tangents`; returns an array like `primals`. */
export function hvp<A extends unknown[]>(f: (...args: A) => Tensor, primals: A, tangents: A): { [K in keyof A]: GradOf<A[K]> } {
  check(Array.isArray(primals) && Array.isArray(tangents) && primals.length === tangents.length, 'hvp',
    () => `primals and tangents must be arrays of the same length, received ${describe(primals)} and ${describe(tangents)}`);
  const argnums = primals.map((_, i) => i);
  const inner = (...xs: unknown[]): Tensor => {
    const gs = valueAndGradImpl('hvp', f as (...a: never[]) => unknown, { argnums }, xs)[1] as PyTree[];
    return treeVdot(gs, tangents);
  };
  return valueAndGradImpl('hvp', inner, { argnums }, primals)[1] as { [K in keyof A]: GradOf<A[K]> };
}

/** Jacobian-vector product by double VJP: returns `[f(...primals), J·tangents]`. */
export function jvp<R extends PyTree>(f: (...args: never[]) => R, primals: unknown[], tangents: unknown[]): [R, PyTree] {
  check(Array.isArray(primals) && Array.isArray(tangents) && primals.length === tangents.length, 'jvp',
    () => `primals and tangents must be arrays of the same length, received ${describe(primals)} and ${describe(tangents)}`);
  let out: R | null = null;
  let outDef: TreeDef | null = null;
  let outLeaves: Tensor[] = [];
  const { value: tangentOut } = openTransform(() => {
    const [o, pullback] = vjp(f, ...primals);
    out = o;
    [outLeaves, outDef] = flatten(o);
    const us = outLeaves.map((t) => zerosLike(t));
    const g = (...u: Tensor[]): Tensor => treeVdot(pullback(unflatten(outDef as TreeDef, u)), tangents);
    return valueAndGradImpl('jvp', g, { argnums: us.map((_, i) => i) }, us)[1] as Tensor[];
  });
  const det = withRecording(false, () => unflatten<R>(outDef as TreeDef, outLeaves.map(detach)));
  void out;
  return [det, unflatten<PyTree>(outDef as unknown as TreeDef, tangentOut as Tensor[])];
}
