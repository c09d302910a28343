/**
 * The stochtrace worker pool (Node only): worker_threads created lazily on the first estimate that asks for them, reused
 * afterwards, unref'd (an idle pool never keeps the process alive) and ended by `shutdownWorkers()`. Each worker loads
 * tracetape itself (the TypeScript sources when this file runs from them, else the bundle this code is part of) and
 * serves jobs from a MessagePort. The calling thread stays synchronous: it posts the jobs, then blocks in Atomics.wait on
 * a shared counter that workers bump after every reply, and reads the replies with receiveMessageOnPort.
 * node:worker_threads is reached through process.getBuiltinModule, never imported, so browser bundles stay Node-free.
 */
import type * as WorkerThreads from 'node:worker_threads';
import { TracetapeError } from '../../util/errors.js';
import type { JobMessage, Reply } from './protocol.js';
import { WORKER_MAIN, WORKER_SOURCE } from './protocol.js';
import { type WireCache, encodeJob } from './wire.js';

/** One worker: its thread, our end of its port, and the objects it holds from its last job. */
interface PoolWorker {
  worker: WorkerThreads.Worker;
  port: WorkerThreads.MessagePort;
  cache: WireCache;
}

interface Pool {
  wt: typeof WorkerThreads;
  workers: PoolWorker[];
  /** [0]: bumped by workers after every reply; [1]: 1 asks running jobs to stop. */
  signal: Int32Array;
  busy: boolean;
}

let pool: Pool | null = null;

function workerThreads(fn: string): typeof WorkerThreads {
  const p = typeof process === 'object' && process !== null ? (process as unknown as { getBuiltinModule?: (id: string) => unknown }) : null;
  const mod = p?.getBuiltinModule?.('node:worker_threads') as typeof WorkerThreads | undefined;
  if (mod === undefined || typeof SharedArrayBuffer !== 'function') {
    throw new TracetapeError(fn, 'options.workers needs Node.js (≥ 20.16) worker_threads and SharedArrayBuffer; run without it in this environment');
  }
  if (!mod.isMainThread) throw new TracetapeError(fn, 'options.workers cannot be used inside a worker thread');
  return mod;
}

/** The module the workers import: the library's root (sources under a TypeScript loader, or the bundle holding this code). */
function libraryEntry(): string {
  const here = import.meta.url;
  if (typeof here !== 'string' || here === '') throw new Error('cannot locate tracetape (import.meta.url is unavailable)');
  const m = /\/stochtrace\/workers\/pool\.(ts|js)$/.exec(here);
  return m === null ? here : new URL(`../../index.${m[1]}`, here).href;
}

/** Receive every queued reply of `w`, passing each to `handle`. */
function drain(wt: typeof WorkerThreads, w: PoolWorker, handle: (r: Reply) => void): void {
  for (;;) {
    const got = wt.receiveMessageOnPort(w.port);
    if (got === undefined) return;
    handle(got.message as Reply);
  }
}

/** Block until every worker in `active` has sent a final reply ('ready', 'done' or 'error'). */
function waitAll(p: Pool, active: readonly number[], handle: (w: number, r: Reply) => void): void {
  const pending = new Set(active);
  while (pending.size > 0) {
    const seen = Atomics.load(p.signal, 0);
    for (const w of [...pending]) {
      drain(p.wt, p.workers[w], (r) => {
        if (r.type === 'ready' || r.type === 'done' || r.type === 'error') pending.delete(w);
        handle(w, r);
      });
    }
    if (pending.size > 0) Atomics.wait(p.signal, 0, seen);
  }
}

function startWorkers(fn: string, count: number): Pool {
  if (pool === null) {
    const wt = workerThreads(fn);
    pool = { wt, workers: [], signal: new Int32Array(new SharedArrayBuffer(8)), busy: false };
  }
  const p = pool;
  const fresh: number[] = [];
  const entry = libraryEntry();
  while (p.workers.length < count) {
    const { port1, port2 } = new p.wt.MessageChannel();
    const worker = new p.wt.Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { entry, port: port2, signal: p.signal.buffer, main: WORKER_MAIN },
      transferList: [port2],
    });
    worker.unref();
    port1.unref();
    fresh.push(p.workers.length);
    p.workers.push({ worker, port: port1, cache: { known: new Set() } });
  }
  if (fresh.length > 0) {
    let failure = '';
    waitAll(p, fresh, (_w, r) => { if (r.type === 'error') failure = r.message; });
    if (failure !== '') {
      const dead = p.workers.splice(p.workers.length - fresh.length, fresh.length);
      for (const w of dead) void w.worker.terminate();
      throw new TracetapeError(fn, `the worker threads could not load tracetape (${failure})`);
    }
  }
  return p;
}

/** What a job sends back: its final sums (null for leaves it was not asked for). */
export type JobResult = (Float64Array | Float32Array | null)[];

/**
 * Run one job per worker (job w on worker w, starting the pool as needed) and block until all finish; `onProgress`
 * receives their progress replies. Any worker error (or an exception from onProgress) stops the others at their next
 * chunk and is rethrown here as a TracetapeError of `fn`.
 */
export function runJobs(fn: string, jobs: readonly JobMessage[], onProgress: (w: number, done: number, sums: JobResult) => void): JobResult[] {
  if (pool?.busy) throw new TracetapeError(fn, 'the worker pool is busy (a parallel estimate was started from inside another one, e.g. from onProgress)');
  const p = startWorkers(fn, jobs.length);
  p.busy = true;
  try {
    Atomics.store(p.signal, 1, 0);
    const active = jobs.map((_, w) => w);
    // Encode every job before posting any, so that an encoding error leaves no worker running.
    const encoded = jobs.map((job, w) => encodeJob(fn, job, p.workers[w].cache));
    encoded.forEach(({ message, transfer, known }, w) => {
      p.workers[w].port.postMessage(message, transfer);
      p.workers[w].cache.known = known;
    });
    const results: JobResult[] = jobs.map(() => []);
    let failure: unknown = null;
    waitAll(p, active, (w, r) => {
      if (r.type === 'error') {
        p.workers[w].cache.known.clear();
        if (failure === null) failure = new TracetapeError(r.fn || fn, r.message);
        Atomics.store(p.signal, 1, 1);
      } else if (r.type === 'done') {
        results[w] = r.sums;
      } else if (r.type === 'progress' && failure === null) {
        try { onProgress(w, r.done, r.sums); } catch (e) { failure = e; Atomics.store(p.signal, 1, 1); }
      }
    });
    if (failure !== null) throw failure;
    return results;
  } finally {
    p.busy = false;
  }
}

/** Number of worker threads now running in the stochtrace pool (0 before the first parallel estimate). */
export function workerCount(): number {
  return pool === null ? 0 : pool.workers.length;
}

/**
 * Terminate the worker threads of parallel stochtrace estimates (`options.workers`); the next such estimate starts a
 * fresh pool. Optional: the pool is unref'd and never keeps the process alive. Resolves when every thread has exited.
 */
export async function shutdownWorkers(): Promise<void> {
  const p = pool;
  if (p === null) return;
  if (p.busy) throw new TracetapeError('stochtrace.shutdownWorkers', 'cannot shut the pool down while an estimate runs on it (called from onProgress?)');
  pool = null;
  await Promise.all(p.workers.map((w) => { w.port.close(); return w.worker.terminate(); }));
}
