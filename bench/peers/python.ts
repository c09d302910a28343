/**
 * Python peers for the benchmarks: finds the Debian interpreter (/usr/bin/python3, where apt puts python3-numpy,
 * python3-scipy and python3-torch — the `python3` on PATH may be another Python without them), reports which peer
 * modules import, and runs a peer script from bench/peers/*.py with JSON arguments, returning the JSON it prints.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Interpreter used for the Python peers (override with TRACETAPE_BENCH_PYTHON). */
export const PYTHON = process.env.TRACETAPE_BENCH_PYTHON ?? '/usr/bin/python3';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Versions of the importable peer modules (null when a module does not import) and the interpreter version. */
export interface PythonPeers {
  python: string | null;
  numpy: string | null;
  scipy: string | null;
  torch: string | null;
  /** functorch's vmap (torch 1.13 ships it as the separate `functorch` package; torch ≥ 2.0 as torch.func). */
  vmap: string | null;
  /** BLAS that numpy reports (e.g. 'openblas'), when it says. */
  blas: string | null;
}

let cachedPeers: PythonPeers | null = null;

/** Probe the interpreter once: which of numpy/scipy/torch/vmap import, with versions. */
export function pythonPeers(): PythonPeers {
  if (cachedPeers) return cachedPeers;
  const none: PythonPeers = { python: null, numpy: null, scipy: null, torch: null, vmap: null, blas: null };
  if (!existsSync(PYTHON)) return (cachedPeers = none);
  const r = spawnSync(PYTHON, [path.join(here, 'probe.py')], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  if (r.status !== 0) return (cachedPeers = none);
  try {
    cachedPeers = { ...none, ...(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Partial<PythonPeers>) };
  } catch {
    cachedPeers = none;
  }
  return cachedPeers;
}

/** Why a peer is unavailable, as a markdown line ('skipped: …'), or null when all `needs` import. */
export function skipReason(needs: ('numpy' | 'scipy' | 'torch')[]): string | null {
  const p = pythonPeers();
  if (p.python === null) return `skipped: no usable Python at ${PYTHON} (install the peers with \`apt-get install -y python3-numpy python3-scipy python3-torch\`)`;
  const missing = needs.filter((m) => p[m] === null);
  if (missing.length > 0) return `skipped: ${missing.join(', ')} not importable by ${PYTHON} (Debian packages ${missing.map((m) => `python3-${m}`).join(', ')})`;
  return null;
}

/** Thrown by runPython when the peer ran past its time limit (and was killed). */
export class PeerTimeout extends Error {
  constructor(script: string, readonly seconds: number) { super(`${script} timed out after ${seconds} s (killed)`); }
}

/** Run bench/peers/<script> with `args` as JSON on stdin (single-threaded BLAS/torch unless `env` says otherwise); parse its last stdout line as JSON. */
export function runPython<T>(script: string, args: unknown, timeoutMs: number, env: Record<string, string> = {}): T {
  const r = spawnSync(PYTHON, [path.join(here, script)], {
    input: JSON.stringify(args), encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 2 ** 20,
    killSignal: 'SIGKILL', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', PYTHONHASHSEED: '0', ...env },
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') throw new PeerTimeout(script, timeoutMs / 1000);
  if (r.error) throw new Error(`${script}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${script} exited with ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as T;
}

/** One line naming the Python peers that ran, with versions and threading. */
export function pythonLine(): string {
  const p = pythonPeers();
  if (p.python === null) return `Python peers: none (${PYTHON} not usable).`;
  const parts = [`Python ${p.python} (${PYTHON})`];
  if (p.numpy) parts.push(`NumPy ${p.numpy}${p.blas ? ` (${p.blas})` : ''}`);
  if (p.scipy) parts.push(`SciPy ${p.scipy}`);
  if (p.torch) parts.push(`PyTorch ${p.torch}`);
  return `Peers: ${parts.join(', ')}; all run with OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=1${p.torch ? ' and torch.set_num_threads(1)' : ''} (one core, like tracetape's single JS thread).`;
}
