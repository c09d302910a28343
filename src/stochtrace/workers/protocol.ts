/**
 * The messages between the calling thread and the stochtrace worker threads, and the workers' bootstrap script.
 * A job asks one worker for the float64 sums of chunks first … last−1 of an estimate: of the chunk outputs ('forward')
 * or of their VJPs w.r.t. the parameter leaves for given cotangents ('backward').
 */
import type { PortableDescription } from '../../util/portable.js';

/** A tensor on the wire: `ref` names it in the worker's cache; data/shape/dtype travel only when the worker lacks it. */
export interface WireTensor {
  ref: number;
  data?: Float64Array | Float32Array;
  shape?: number[];
}

/** A pytree structure on the wire (TreeDef with static objects replaced by portable references). */
export type WireDef =
  | { kind: 'leaf' }
  | { kind: 'static'; value: string | number | boolean | null | undefined }
  | { kind: 'portable'; ref: number; desc?: PortableDescription }
  | { kind: 'array'; children: WireDef[] }
  | { kind: 'object'; keys: string[]; children: WireDef[] };

/** A job as built by the caller (before per-worker encoding of the parameters). */
export interface JobMessage {
  type: 'forward' | 'backward';
  /** Public function name for errors. */
  fn: string;
  op: PortableDescription;
  integrand: PortableDescription;
  sampler: PortableDescription;
  key: [number, number];
  /** The params pytree (encoded per worker by wire.encodeJob). */
  params: unknown;
  chunk: number;
  num: number;
  needSecond: boolean;
  /** Probe 0's value (the shift of the second moments), one array per output leaf. */
  shift: { data: Float64Array | Float32Array; shape: number[] }[];
  /** Chunks first … last−1. */
  first: number;
  last: number;
  /** Send a progress reply after every chunk (with the running sums when `type` is 'forward'). */
  progress: boolean;
  /** backward: cotangents of the output leaves, and which parameter leaves need a gradient. */
  cts?: (Float64Array | Float32Array)[];
  wanted?: boolean[];
}

/** A job as a worker receives it. */
export type EncodedJob = Omit<JobMessage, 'params'> & { params: { def: WireDef; leaves: WireTensor[] } };

/** Replies of a worker. */
export type Reply =
  | { type: 'ready' }
  | { type: 'progress'; done: number; sums: (Float64Array | Float32Array | null)[] }
  | { type: 'done'; sums: (Float64Array | Float32Array | null)[] }
  | { type: 'error'; fn: string; message: string };

/** Symbol.for key of the worker entry point, attached to the exported `shutdownWorkers` function. */
export const WORKER_MAIN = 'tracetape.stochtrace.workerMain';

/**
 * The worker bootstrap (CommonJS, run with eval): import tracetape, then hand the port to its worker entry point.
 * Node 20 does not carry tsx's loader into worker threads, so when the sources fail to load as TypeScript the script
 * registers tsx (resolved next to the sources) and retries.
 */
export const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { entry, port, signal, main } = workerData;
const sig = new Int32Array(signal);
function post(m) { port.postMessage(m); Atomics.add(sig, 0, 1); Atomics.notify(sig, 0); }
async function registerTsx() {
  const { createRequire } = require('node:module');
  const { pathToFileURL } = require('node:url');
  const path = require('node:path');
  const pj = createRequire(entry).resolve('tsx/package.json');
  const api = require(pj).exports['./esm/api'];
  const file = typeof api === 'string' ? api : (typeof api.import === 'string' ? api.import : api.import.default);
  (await import(pathToFileURL(path.join(path.dirname(pj), file)).href)).register();
}
async function load() {
  try { return await import(entry); } catch (e) {
    if (!e || e.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw e;
    await registerTsx();
    return await import(entry + '?tsx'); // a new specifier: the failed import stays cached under the old one
  }
}
load().then((lib) => {
  const st = lib.stochtrace || (lib.default && lib.default.stochtrace);
  const serve = st && st.shutdownWorkers && st.shutdownWorkers[Symbol.for(main)];
  if (typeof serve !== 'function') throw new Error(entry + ' has no stochtrace worker entry point');
  serve(port, sig);
}).catch((e) => post({ type: 'error', fn: 'stochtrace worker', message: String((e && e.stack) || e) }));
`;
