/**
 * The worker side of the stochtrace pool: rebuild the operator, integrand, sampler and parameters of a job from their
 * descriptions, then sum chunks first … last−1 exactly as the in-process estimator does (probeChunkFn), in float64:
 * the chunk outputs (forward) or their VJPs w.r.t. the wanted parameter leaves (backward, recomputing each chunk).
 */
import type { MessagePort } from 'node:worker_threads';
import { Tensor } from '../../tensor/index.js';
import { type PyTree, checkFinite, flatten, unflatten, vjp, withRecording } from '../../tape/index.js';
import { setBackend } from '../../backend/index.js';
import { setWasmThreads } from '../../backend/wasm/index.js';
import { PRNGKey } from '../../random/index.js';
import { TracetapeError } from '../../util/errors.js';
import { rebuildPortable } from '../../util/portable.js';
import type { Integrand, Matvec } from '../integrands.js';
import type { Sampler } from '../samplers.js';
import { probeChunkFn, type ChunkSums, type ProbeChunkSpec } from '../probe-chunk.js';
import type { EncodedJob, Reply } from './protocol.js';
import { decodeParams, type WorkerObjects } from './wire.js';

type Sums = (Float64Array | null)[];

function addInto(acc: Sums | null, leaves: readonly (Tensor | null)[]): Sums {
  if (acc === null) return leaves.map((l) => (l === null ? null : Float64Array.from(l._data)));
  for (let k = 0; k < leaves.length; k++) {
    const a = acc[k], l = leaves[k];
    if (a === null || l === null) continue;
    const x = l._data;
    for (let i = 0; i < a.length; i++) a[i] += x[i];
  }
  return acc;
}

/** Run one job; `report(done, sums)` after every chunk when the job asks for progress; `stop()` true ends it early. */
function runJob(job: EncodedJob, objects: WorkerObjects, report: (done: number, sums: Sums) => void, stop: () => boolean): Sums {
  const { fn } = job;
  const params = decodeParams(job.params, objects);
  const sampler = rebuildPortable(job.sampler) as Sampler;
  const key = new PRNGKey(job.key[0], job.key[1]);
  const spec: ProbeChunkSpec = {
    fn,
    integrand: rebuildPortable(job.integrand) as Integrand<PyTree, PyTree>,
    matvec: rebuildPortable(job.op) as Matvec<PyTree>,
    rows: (start, count) => sampler.rows(key, start, count),
    chunk: job.chunk,
    num: job.num,
    needSecond: job.needSecond,
  };
  const shift = job.shift.map((s) => new Tensor(s.data, s.shape));
  const chunkFn = probeChunkFn(spec, { shift, outDef: null });
  let acc: Sums | null = null;
  if (job.type === 'forward') {
    withRecording(false, () => {
      for (let c = job.first; c < job.last && !stop(); c++) {
        const [leaves] = flatten(chunkFn(c, params));
        checkFinite(fn, leaves, c);
        acc = addInto(acc, leaves);
        if (job.progress) report(c - job.first + 1, acc);
      }
    });
    return acc ?? [];
  }
  // backward: differentiate only the wanted parameter leaves; the others enter as constants.
  const [leaves, def] = flatten(params);
  const wanted = job.wanted as boolean[];
  const m = shift.length;
  const cts = (job.cts as (Float64Array | Float32Array)[]).map((d, k) => new Tensor(d, shift[k % m].shape));
  const ctTree: ChunkSums = { s1: cts.slice(0, m), s2: cts.slice(m) };
  const wantedLeaves = leaves.filter((_, k) => wanted[k]);
  const withLeaves = (ws: Tensor[]): PyTree => {
    let j = 0;
    return unflatten<PyTree>(def, leaves.map((l, k) => (wanted[k] ? ws[j++] : l)));
  };
  for (let c = job.first; c < job.last && !stop(); c++) {
    const [, pullback] = vjp((ws: Tensor[]) => chunkFn(c, withLeaves(ws)), wantedLeaves);
    const grads = pullback(ctTree)[0] as Tensor[];
    let j = 0;
    acc = addInto(acc, leaves.map((_, k) => (wanted[k] ? grads[j++] : null)));
    if (job.progress) report(c - job.first + 1, []);
  }
  return acc ?? leaves.map(() => null);
}

/** The worker entry point: serve jobs from `port` forever, bumping `signal[0]` after every reply. */
export function serveJobs(port: MessagePort, signal: Int32Array): void {
  setBackend('cpu');
  setWasmThreads(1);
  const objects: WorkerObjects = { byRef: new Map() };
  const post = (r: Reply): void => {
    port.postMessage(r);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  port.on('message', (job: EncodedJob) => {
    try {
      const stop = (): boolean => Atomics.load(signal, 1) !== 0;
      const sums = runJob(job, objects, (done, s) => post({ type: 'progress', done, sums: s }), stop);
      post({ type: 'done', sums });
    } catch (e) {
      objects.byRef = new Map();
      post({ type: 'error', fn: e instanceof TracetapeError ? e.fn : job.fn, message: e instanceof TracetapeError ? e.message.slice(e.fn.length + 2) : String((e as Error)?.stack ?? e) });
    }
  });
  post({ type: 'ready' });
}
