/**
 * Portable descriptions: built-in closures (linear operators, integrands, samplers) and static parameter objects (CSR
 * patterns) carry a serialisable description under a hidden symbol, and their module registers how to rebuild them
 * from it, so another thread (the stochtrace worker pool) can reconstruct the very same function. User closures have
 * no description: functions cannot be sent between threads.
 */
import { TracetapeError } from './errors.js';

/** The hidden property holding an object's description. */
export const PORTABLE: unique symbol = Symbol.for('tracetape.portable') as never;

/** A field of a description: what the structured clone of postMessage carries unchanged. */
export type PortableValue = string | number | boolean | null | undefined | readonly number[] | Int32Array | Float64Array;

/** A serialisable description: `kind` names the registered rebuilder; the other fields are its arguments. */
export interface PortableDescription {
  readonly kind: string;
  readonly [field: string]: PortableValue;
}

const rebuilders = new Map<string, (d: PortableDescription) => unknown>();

/** Attach `description` to `target` (non-enumerable, frozen) and return `target`. */
export function makePortable<T extends object>(target: T, description: PortableDescription): T {
  Object.defineProperty(target, PORTABLE, { value: Object.freeze({ ...description }), enumerable: false });
  return target;
}

/** The description attached to `x`, or null for anything without one (user closures, plain values). */
export function portableOf(x: unknown): PortableDescription | null {
  if ((typeof x !== 'function' && typeof x !== 'object') || x === null) return null;
  const d = (x as { [PORTABLE]?: PortableDescription })[PORTABLE];
  return d !== undefined && typeof d.kind === 'string' ? d : null;
}

/** Register how descriptions of `kind` are rebuilt (called once by the module that defines the object). */
export function registerPortable(kind: string, rebuild: (d: PortableDescription) => unknown): void {
  rebuilders.set(kind, rebuild);
}

/** Rebuild the object a description came from (its module must have been loaded). */
export function rebuildPortable(d: PortableDescription): unknown {
  const r = rebuilders.get(d.kind);
  if (r === undefined) throw new TracetapeError('rebuildPortable', `no rebuilder is registered for kind '${d.kind}'`);
  return r(d);
}
