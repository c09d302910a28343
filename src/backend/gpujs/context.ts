/**
 * The gpu.js context of the gpujs backend: picks the best synchronous gpu.js mode, compiles kernels once per
 * (name, shape, constants) key and caches them, and flattens kernel results into one Float32Array.
 */
import { GPU, type IKernelRunShortcut } from 'gpu.js';
import { TracetapeError } from '../../util/errors.js';

/** A compiled kernel called with flat typed arrays and numbers. */
export type CompiledKernel = (...args: (ArrayLike<number> | number)[]) => Float32Array;

/** At most this many compiled kernels are kept (each holds buffers sized for its arguments); older ones are destroyed. */
const MAX_CACHED = 96;

/** gpu.js modes in order of preference for the synchronous tape (WebGPU is asynchronous-only: see `report`). */
const PREFERENCE = ['headlessgl', 'webgl2', 'webgl', 'webasm', 'cpu'] as const;
type SyncMode = (typeof PREFERENCE)[number];

function supported(mode: SyncMode): boolean {
  switch (mode) {
    case 'headlessgl': return GPU.isHeadlessGLSupported;
    case 'webgl2': return GPU.isWebGL2Supported;
    case 'webgl': return GPU.isWebGLSupported;
    case 'webasm': return GPU.isWebAssemblySupported;
    case 'cpu': return true;
  }
}

/**
 * The mode a compiled kernel runs in: gpu.js reports every GL kernel as 'gpu', so the context type tells WebGL2 from
 * WebGL (browsers) and headless GL (Node); other kernels report their own mode ('webasm', 'cpu', ...).
 */
function resolveMode(kernel: { constructor: { mode?: string }; context?: unknown }, requested: string): string {
  const mode = kernel.constructor.mode ?? requested;
  if (mode !== 'gpu') return mode;
  const g = globalThis as { WebGL2RenderingContext?: new () => unknown; WebGLRenderingContext?: new () => unknown };
  if (g.WebGL2RenderingContext && kernel.context instanceof g.WebGL2RenderingContext) return 'webgl2';
  if (g.WebGLRenderingContext && kernel.context instanceof g.WebGLRenderingContext) return 'webgl';
  return requested === 'headlessgl' ? 'headlessgl' : 'gpu';
}

function envMode(): string | undefined {
  return typeof process !== 'undefined' ? process.env?.TRACETAPE_GPUJS_MODE : undefined;
}

/** The lazily created gpu.js instance, its mode, and the kernel cache. */
export class GpujsContext {
  readonly gpu: GPU;
  /** The mode requested from gpu.js. */
  readonly requested: SyncMode;
  /** The mode kernels actually run in (read from a compiled kernel: gpu.js may degrade a mode to cpu). */
  readonly mode: string;
  /** Human-readable account of the choice. */
  readonly report: string;
  private readonly cache = new Map<string, IKernelRunShortcut>();
  /** Number of kernels compiled so far (tests check that repeated calls do not recompile). */
  compiled = 0;

  constructor() {
    const forced = envMode();
    if (forced !== undefined && !(PREFERENCE as readonly string[]).includes(forced)) {
      throw new TracetapeError('setBackend', `TRACETAPE_GPUJS_MODE must be one of ${PREFERENCE.join(', ')}, received ${JSON.stringify(forced)}`);
    }
    const probed = PREFERENCE.map((m) => `${m}: ${supported(m) ? 'yes' : 'no'}`).join(', ');
    const candidates: SyncMode[] = forced !== undefined ? [forced as SyncMode] : PREFERENCE.filter(supported);
    const failures: string[] = [];
    let chosen: { gpu: GPU; requested: SyncMode; mode: string } | null = null;
    for (const requested of candidates) {
      // A mode can be reported as supported and still fail to run (e.g. headless GL without a display): try a probe kernel.
      try {
        const gpu = new GPU({ mode: requested });
        const probe = gpu.createKernel('function (a) { return a[this.thread.x] + 1; }').setOutput([4]);
        const r = probe(new Float32Array([1, 2, 3, 4])) as unknown as ArrayLike<number>;
        if (r[3] !== 5) throw new Error(`probe kernel returned ${r[3]} instead of 5`);
        const mode = resolveMode(probe.kernel as unknown as { constructor: { mode?: string }; context?: unknown }, requested);
        probe.destroy();
        chosen = { gpu, requested, mode };
        break;
      } catch (e) {
        failures.push(`${requested} failed (${(e as Error).message})`);
      }
    }
    if (chosen === null) throw new TracetapeError('setBackend', `no gpu.js mode could run a kernel: ${failures.join('; ')}`);
    this.gpu = chosen.gpu;
    this.requested = chosen.requested;
    this.mode = chosen.mode;
    const webgpu = GPU.isWebGPUSupported
      ? 'WebGPU is present but asynchronous-only in gpu.js (every call returns a Promise), which the synchronous tape cannot await'
      : 'WebGPU: not available here (no navigator.gpu)';
    const fell = failures.length > 0 ? `; ${failures.join('; ')}` : '';
    this.report = `gpu.js ${forced ? `mode forced by TRACETAPE_GPUJS_MODE=${forced}` : 'best synchronous mode'}; probed ${probed}${fell}; ${webgpu}`;
  }

  /**
   * The kernel cached under `key`, compiled on first use from `source` with fixed output size, constants and loop bound.
   * gpu.js fixes argument sizes at compile time, so the cache key also includes the lengths of the array arguments.
   */
  kernel(key: string, source: string, output: number[], constants: Record<string, number>, loopMax: number): CompiledKernel {
    return (...args) => {
      let sig = key;
      for (const a of args) sig += typeof a === 'number' ? ':n' : `:${a.length}`;
      let k = this.cache.get(sig);
      if (k === undefined) {
        k = this.gpu.createKernel(source)
          .setOutput(output)
          .setConstants(constants)
          .setImmutable(true)
          .setPipeline(false)
          .setPrecision('single')
          .setTactic('precision')
          .setLoopMaxIterations(Math.max(1, Math.ceil(loopMax)));
        this.cache.set(sig, k);
        this.compiled++;
        if (this.cache.size > MAX_CACHED) {
          // Least recently compiled first (Map keeps insertion order); each kernel owns its argument buffers.
          const [oldKey, oldKernel] = this.cache.entries().next().value as [string, IKernelRunShortcut];
          this.cache.delete(oldKey);
          oldKernel.destroy();
        }
      }
      return flatten(k(...(args as unknown as number[])) as unknown, output);
    };
  }
}

/** Copy a gpu.js result (a Float32Array, or nested arrays of Float32Array rows for 2-D/3-D outputs) into one Float32Array. */
function flatten(r: unknown, output: number[]): Float32Array {
  if (r instanceof Float32Array) return r;
  let size = 1;
  for (const d of output) size *= d;
  const out = new Float32Array(size);
  let pos = 0;
  const walk = (x: unknown): void => {
    if (x instanceof Float32Array || x instanceof Float64Array) { out.set(x, pos); pos += x.length; return; }
    if (Array.isArray(x)) { for (const e of x) walk(e); return; }
    throw new Error(`gpujs: unexpected kernel result ${Object.prototype.toString.call(x)}`);
  };
  walk(r);
  if (pos !== size) throw new Error(`gpujs: kernel returned ${pos} values, expected ${size}`);
  return out;
}

let shared: GpujsContext | null = null;

/** The shared gpu.js context (created on first use). */
export function gpujsContext(): GpujsContext {
  if (shared === null) shared = new GpujsContext();
  return shared;
}
