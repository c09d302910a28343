// stochtrace estimators on worker threads (option `workers`): Hutchinson trace and SLQ logdet on laplacian2d and on an
// RBF kernelMatvec, in-process vs 1 and 2 workers, forward and forward+backward (gradient w.r.t. the operator's
// parameters), median of repeats, speedup over in-process measured side by side in this process. The same chunkSize is
// used in every mode (the in-process runs are then checkpointed too), so only where the chunks run differs.
import * as tt from '../src/index.js';
import os from 'node:os';
import { type Timing, fmtTiming, quick, table, writeSection } from './lib.js';

const probes = 64;
const chunkSize = 8;
const grid = quick ? 100 : 1000; // laplacian2d on grid × grid cells: n = 10⁴ (quick) or 10⁶
const nKernel = quick ? 500 : 5000;
const slqDepth = quick ? 8 : 6;
const repeats = quick ? 3 : 3;
const key = tt.random.key(7);

interface Problem {
  name: string;
  n: number;
  op: tt.ops.Matvec<never>;
  params: Record<string, tt.Tensor | number | string>;
  /** The parameter leaves the gradient is taken for. */
  wrt: string[];
}

const lap = tt.ops.laplacian2d(grid, grid);
const kField = tt.add(tt.random.uniform(tt.random.key(1), [grid * grid]), 0.5);
const X = tt.random.uniform(tt.random.key(2), [nKernel, 2]);
const problems: Problem[] = [
  { name: `laplacian2d ${grid}×${grid}`, n: grid * grid, op: lap as never, params: { k: kField }, wrt: ['k'] },
  {
    name: `RBF kernelMatvec n = ${nKernel}, d = 2`, n: nKernel, op: tt.ops.kernelMatvec as never,
    params: { X, lengthscale: tt.tensor(0.3), variance: tt.tensor(1), noise: tt.tensor(0.1), kernel: 'rbf' }, wrt: ['lengthscale', 'variance', 'noise'],
  },
];

function estimate(pb: Problem, integrand: 'trace' | 'slq', workers: number, params: Record<string, unknown>): tt.Tensor {
  const sampler = tt.stochtrace.rademacher(pb.n, { num: probes });
  const integ = integrand === 'trace' ? tt.stochtrace.trace() : tt.krylov.slqIntegrand('log', { depth: slqDepth });
  return tt.stochtrace.estimator(integ, sampler, { chunkSize, workers })(pb.op, key, params as never) as tt.Tensor;
}

function run(pb: Problem, integrand: 'trace' | 'slq', workers: number, withGrad: boolean): { value: number; grad: number[] } {
  if (!withGrad) return { value: estimate(pb, integrand, workers, pb.params).item(), grad: [] };
  const f = (...leaves: tt.Tensor[]): tt.Tensor => {
    const p: Record<string, unknown> = { ...pb.params };
    pb.wrt.forEach((k, i) => { p[k] = leaves[i]; });
    return estimate(pb, integrand, workers, p);
  };
  const [v, g] = tt.valueAndGrad(f, { argnums: pb.wrt.map((_, i) => i) })(...pb.wrt.map((k) => pb.params[k] as tt.Tensor));
  return { value: v.item(), grad: (g as tt.Tensor[]).flatMap((x) => Array.from(x._data.subarray(0, 4))) };
}

/** Wall-time summary of `repeats` runs, plus the median process CPU time (user + system, every thread incl. workers). */
function timeWithCpu(fn: () => unknown): { wall: Timing; cpu: number } {
  const wall: number[] = [], cpu: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const mid = Math.floor(repeats / 2);
  return { wall: { median: wall[mid], min: wall[0], max: wall[repeats - 1], repeats }, cpu: cpu[mid] };
}

const rows: (string | number)[][] = [];
const modes = [0, 1, 2];
for (const pb of problems) {
  for (const integrand of ['trace', 'slq'] as const) {
    for (const withGrad of [false, true]) {
      const timings: Timing[] = [];
      const cpu: number[] = [];
      const results = modes.map((w) => run(pb, integrand, w, withGrad)); // also warms the pool up
      let worst = 0;
      for (const r of results.slice(1)) {
        worst = Math.max(worst, Math.abs(r.value - results[0].value) / Math.abs(results[0].value));
        r.grad.forEach((g, i) => { worst = Math.max(worst, Math.abs(g - results[0].grad[i]) / Math.max(Math.abs(results[0].grad[i]), 1e-300)); });
      }
      for (const w of modes) {
        const r = timeWithCpu(() => run(pb, integrand, w, withGrad));
        timings.push(r.wall);
        cpu.push(r.cpu);
      }
      const what = `${integrand === 'trace' ? 'Hutchinson trace' : `SLQ logdet (depth ${slqDepth})`}, ${withGrad ? 'forward + backward' : 'forward'}`;
      rows.push([pb.name, what, fmtTiming(timings[0]), fmtTiming(timings[1]), fmtTiming(timings[2]),
        `${(timings[0].median / timings[1].median).toFixed(2)}×`, `${(timings[0].median / timings[2].median).toFixed(2)}×`,
        `${(cpu[0] / timings[0].median).toFixed(2)} / ${(cpu[2] / timings[2].median).toFixed(2)}`, `${(cpu[2] / cpu[0]).toFixed(2)}`, worst.toExponential(1)]);
      process.stderr.write(`[stochtrace-workers] ${pb.name} · ${what} done\n`);
    }
  }
}
await tt.stochtrace.shutdownWorkers();

writeSection('stochtrace-workers', 'Stochastic trace estimation on worker threads (options.workers)', `
${probes} Rademacher probes, chunkSize ${chunkSize} in every mode; times are medians of ${repeats} runs (min–max) after one
warm-up run per mode (which also starts the pool: worker start-up is not timed). "workers: k" runs the chunks on k
worker threads while the calling thread blocks in Atomics.wait; in-process runs them on the calling thread. This machine
has ${os.cpus().length} logical cores, so 2 workers is the most parallelism available; the estimates were taken on a
machine shared with other jobs. "cores used" is process CPU time (all threads) / wall time for in-process / 2 workers:
a value well under 1 / 2 means the process was starved of CPU by other jobs, and then no wall-time speedup can show.
"CPU ratio" is the CPU time of 2 workers over in-process (the cost of the parallel path: ≈ 1 means no overhead). The last
column is the largest relative difference of the value and the first gradient entries between the worker runs and
in-process (float rounding from summing chunk ranges per worker).

${table(['operator', 'estimate', 'in-process', 'workers: 1', 'workers: 2', 'speedup (1)', 'speedup (2)', 'cores used (0 / 2)', 'CPU ratio (2 / 0)', 'max rel. diff'], rows)}
`);
