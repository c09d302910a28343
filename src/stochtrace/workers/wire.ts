/**
 * Parameters on the wire to the stochtrace workers. Tensors are immutable, so each tensor (and each static built-in
 * object such as a CSR pattern) gets an id once; a worker keeps the objects of its last job, and the next job sends only
 * ids for those (the backward of an estimate reuses its forward's parameters without copying them again).
 */
import { Tensor } from '../../tensor/index.js';
import { type TreeDef, flatten, unflatten, type PyTree } from '../../tape/index.js';
import { TracetapeError, describe } from '../../util/errors.js';
import { portableOf, rebuildPortable } from '../../util/portable.js';
import type { EncodedJob, JobMessage, WireDef, WireTensor } from './protocol.js';

/** The caller's record of which ids a worker holds. */
export interface WireCache {
  known: Set<number>;
}

const ids = new WeakMap<object, number>();
let nextId = 1;

function idOf(o: object): number {
  let id = ids.get(o);
  if (id === undefined) { id = nextId++; ids.set(o, id); }
  return id;
}

/** Encode `job` for one worker (params as ids, with the data the worker lacks); `known` is its cache once it got the job. */
export function encodeJob(fn: string, job: JobMessage, cache: WireCache): { message: EncodedJob; transfer: ArrayBuffer[]; known: Set<number> } {
  const [leaves, def] = flatten(job.params);
  const known = new Set<number>();
  const transfer: ArrayBuffer[] = [];
  const encodeLeaf = (t: Tensor): WireTensor => {
    const ref = idOf(t);
    known.add(ref);
    if (cache.known.has(ref)) return { ref };
    const d = t._data as Float64Array | Float32Array;
    // A view into a larger buffer is copied (postMessage would clone the whole buffer); the copy can be transferred.
    if (d.byteOffset === 0 && d.byteLength === d.buffer.byteLength) return { ref, data: d, shape: t.shape.slice() };
    const copy = d.slice();
    transfer.push(copy.buffer as ArrayBuffer);
    return { ref, data: copy, shape: t.shape.slice() };
  };
  const encodeDef = (d: TreeDef): WireDef => {
    switch (d.kind) {
      case 'leaf': return d;
      case 'array': return { kind: 'array', children: d.children.map(encodeDef) };
      case 'object': return { kind: 'object', keys: d.keys, children: d.children.map(encodeDef) };
      case 'static': {
        const v = d.value;
        if (v === null || v === undefined || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return { kind: 'static', value: v };
        const desc = portableOf(v);
        if (desc === null) {
          throw new TracetapeError(fn, `options.workers: params holds a ${describe(v)} that cannot be sent to worker threads `
            + '(params may hold tensors, numbers, strings, booleans and built-in objects such as tt.ops.csrPattern)');
        }
        const ref = idOf(v as object);
        known.add(ref);
        return cache.known.has(ref) ? { kind: 'portable', ref } : { kind: 'portable', ref, desc };
      }
    }
  };
  const wireDef = encodeDef(def);
  const wireLeaves = leaves.map(encodeLeaf);
  return { message: { ...job, params: { def: wireDef, leaves: wireLeaves } }, transfer, known };
}

/** The worker's objects from its last job, by id. */
export interface WorkerObjects {
  byRef: Map<number, unknown>;
}

/** Rebuild the params pytree of a job in a worker; afterwards `objects` holds exactly this job's objects. */
export function decodeParams(params: EncodedJob['params'], objects: WorkerObjects): PyTree {
  const next = new Map<number, unknown>();
  const lookup = (ref: number): unknown => {
    if (next.has(ref)) return next.get(ref);
    if (!objects.byRef.has(ref)) throw new Error(`object ${ref} is neither sent nor held by this worker`);
    return objects.byRef.get(ref);
  };
  const leaves = params.leaves.map((w) => {
    const t = w.data !== undefined ? new Tensor(w.data, w.shape as number[]) : lookup(w.ref) as Tensor;
    next.set(w.ref, t);
    return t;
  });
  const rebuild = (d: WireDef): TreeDef => {
    switch (d.kind) {
      case 'leaf': return d;
      case 'static': return d;
      case 'array': return { kind: 'array', children: d.children.map(rebuild) };
      case 'object': return { kind: 'object', keys: d.keys, children: d.children.map(rebuild) };
      case 'portable': {
        const value = d.desc !== undefined ? rebuildPortable(d.desc) : lookup(d.ref);
        next.set(d.ref, value);
        return { kind: 'static', value };
      }
    }
  };
  const def = rebuild(params.def);
  objects.byRef = next;
  return unflatten<PyTree>(def, leaves);
}
