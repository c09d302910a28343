/** Pytrees: nested arrays and plain objects with Tensor leaves; flatten, unflatten and map. */
import { Tensor } from '../tensor/index.js';
import { TracetapeError } from '../util/errors.js';

/** A Tensor, or an array or plain object of pytrees. Anything else (numbers, strings, functions, class instances) is a static leaf. */
export type PyTree = Tensor | number | string | boolean | null | undefined | PyTree[] | { [key: string]: PyTree } | ((...args: never[]) => unknown) | object;

/** The structure of a pytree with its tensor leaves removed. */
export type TreeDef =
  | { kind: 'leaf' }
  | { kind: 'static'; value: unknown }
  | { kind: 'array'; children: TreeDef[] }
  | { kind: 'object'; keys: string[]; children: TreeDef[] };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/** Split a pytree into its tensor leaves (depth-first, object keys in insertion order) and its structure. */
export function flatten(tree: unknown): [Tensor[], TreeDef] {
  const leaves: Tensor[] = [];
  const rec = (t: unknown): TreeDef => {
    if (t instanceof Tensor) { leaves.push(t); return { kind: 'leaf' }; }
    if (Array.isArray(t)) return { kind: 'array', children: t.map(rec) };
    if (isPlainObject(t)) {
      const keys = Object.keys(t);
      return { kind: 'object', keys, children: keys.map((k) => rec(t[k])) };
    }
    // Anything else (numbers, strings, functions, class instances such as PRNG keys) is a static leaf.
    return { kind: 'static', value: t };
  };
  const def = rec(tree);
  return [leaves, def];
}

/** Rebuild a pytree from a structure and tensor leaves (the inverse of flatten). */
export function unflatten<T = PyTree>(def: TreeDef, leaves: readonly (Tensor | null)[]): T {
  let pos = 0;
  const rec = (d: TreeDef): unknown => {
    switch (d.kind) {
      case 'leaf':
        if (pos >= leaves.length) throw new TracetapeError('tree.unflatten', `too few leaves: structure needs more than ${leaves.length}`);
        return leaves[pos++];
      case 'static': return d.value;
      case 'array': return d.children.map(rec);
      case 'object': {
        const o: Record<string, unknown> = {};
        d.keys.forEach((k, i) => { o[k] = rec(d.children[i]); });
        return o;
      }
    }
  };
  const out = rec(def);
  if (pos !== leaves.length) throw new TracetapeError('tree.unflatten', `structure has ${pos} leaves, received ${leaves.length}`);
  return out as T;
}

/** Number of tensor leaves in a structure. */
export function numLeaves(def: TreeDef): number {
  switch (def.kind) {
    case 'leaf': return 1;
    case 'static': return 0;
    default: return def.children.reduce((a, c) => a + numLeaves(c), 0);
  }
}

/** Apply `fn` to corresponding tensor leaves of one or more pytrees of the same structure. */
export function map<T = PyTree>(fn: (...leaves: Tensor[]) => Tensor, tree: unknown, ...rest: unknown[]): T {
  const [leaves, def] = flatten(tree);
  const others = rest.map((r) => {
    const [l] = flatten(r);
    if (l.length !== leaves.length) throw new TracetapeError('tree.map', `pytrees differ: ${leaves.length} vs ${l.length} leaves`);
    return l;
  });
  return unflatten<T>(def, leaves.map((leaf, i) => fn(leaf, ...others.map((o) => o[i]))));
}
