/**
 * Platform glue for the kernel worker pool (threads.ts): which kind of thread this code runs on, whether it may block
 * on Atomics.wait, and how to start one kernel worker from an inline script — Node's worker_threads (reached through
 * process.getBuiltinModule, so no `node:` import enters the browser bundle) or a browser Web Worker created from a Blob
 * URL (nothing extra to serve). Both receive the same message: the compiled module, the shared memory, a control block.
 */

/** Where the pool's workers come from: Node worker_threads, browser Web Workers, or nowhere. */
export type WorkerPlatform = 'node' | 'browser' | 'none';

/** What every kernel worker is handed at start. */
export interface WorkerInit {
  /** The shared-memory kernels module (compiled once, cloned to each worker). */
  module: WebAssembly.Module;
  /** The pool's shared memory (imported by the module as env.memory). */
  memory: WebAssembly.Memory;
  /** The worker's control block (Int32 words over a SharedArrayBuffer). */
  control: SharedArrayBuffer;
  /** Byte address of the worker's own 128-byte scratch tile. */
  tile: number;
}

/** A started worker: stop it. */
export interface WorkerHandle {
  /** Stop the worker now (it may be blocked in Atomics.wait). */
  terminate(): void;
}

interface NodeWorker { unref(): void; terminate(): Promise<number>; on(event: 'error', cb: (e: unknown) => void): void }
interface WorkerThreadsModule { Worker: new (src: string, opts: { eval: true; workerData: unknown; execArgv: string[] }) => NodeWorker }
interface BrowserWorker { postMessage(msg: unknown): void; terminate(): void; onerror: ((e: { message?: string }) => void) | null }
interface BrowserGlobals {
  Worker?: new (url: string, opts?: { name?: string }) => BrowserWorker;
  Blob?: new (parts: string[], opts: { type: string }) => unknown;
  URL?: { createObjectURL?(b: unknown): string; revokeObjectURL?(u: string): void };
  crossOriginIsolated?: boolean;
}

function workerThreads(): WorkerThreadsModule | null {
  const p = typeof process === 'object' && process !== null ? (process as unknown as { getBuiltinModule?: (id: string) => unknown }) : null;
  const mod = typeof p?.getBuiltinModule === 'function' ? p.getBuiltinModule('node:worker_threads') : undefined;
  return mod ? (mod as WorkerThreadsModule) : null;
}

const g = globalThis as unknown as BrowserGlobals;

/** The platform whose workers this thread can start. */
export function workerPlatform(): WorkerPlatform {
  if (workerThreads()) return 'node';
  if (typeof g.Worker === 'function' && typeof g.Blob === 'function' && typeof g.URL?.createObjectURL === 'function') return 'browser';
  return 'none';
}

/** Whether a browser page (or worker) is cross-origin isolated (undefined outside browsers). */
export function crossOriginIsolation(): boolean | undefined {
  return typeof g.crossOriginIsolated === 'boolean' ? g.crossOriginIsolated : undefined;
}

let blocking: boolean | undefined;

/**
 * Whether this thread may block in Atomics.wait: true in Node and in Web Workers, false on a browser's main thread
 * (where Atomics.wait throws). Probed once by a zero-timeout wait on a value that does not match.
 */
export function canBlock(): boolean {
  if (blocking === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blocking = true;
    } catch {
      blocking = false;
    }
  }
  return blocking;
}

/** Node: the worker script after its prelude (`serve` is defined by the loop source). */
const NODE_PRELUDE = `
serve(process.getBuiltinModule('node:worker_threads').workerData); // works as CommonJS and as ESM (--input-type=module)
`;

/** Browser: wait for the init message, then serve until told to exit. */
const BROWSER_PRELUDE = `
self.onmessage = (e) => { self.onmessage = null; serve(e.data); self.close(); };
`;

let blobUrl: { source: string; url: string } | null = null;

/**
 * Start one worker running `loopSource` (which must define `function serve(init)`; it runs until the control block says
 * exit). Errors raised while the worker starts are reported to `onError`. Throws where no workers can be started.
 */
export function startWorker(loopSource: string, init: WorkerInit, onError: (message: string) => void): WorkerHandle {
  const wt = workerThreads();
  if (wt) {
    const w = new wt.Worker(loopSource + NODE_PRELUDE, { eval: true, workerData: init, execArgv: [] }); // plain JS: no loaders (e.g. tsx) needed
    w.unref(); // an idle pool never keeps the process alive
    w.on('error', (e) => onError(String(e)));
    return { terminate: () => { w.terminate().catch(() => undefined); } };
  }
  if (workerPlatform() !== 'browser') throw new Error('no worker threads on this platform');
  const source = loopSource + BROWSER_PRELUDE;
  if (!blobUrl || blobUrl.source !== source) {
    if (blobUrl) g.URL!.revokeObjectURL?.(blobUrl.url);
    blobUrl = { source, url: g.URL!.createObjectURL!(new g.Blob!([source], { type: 'text/javascript' })) };
  }
  const w = new g.Worker!(blobUrl.url, { name: 'tracetape-kernels' });
  w.onerror = (e) => onError(e.message || 'the Web Worker did not start (is worker-src blob: allowed by the Content-Security-Policy?)');
  w.postMessage(init);
  return { terminate: () => w.terminate() };
}
