"""
NumPy peer of bench/peers-dense.bench.ts: dense matvec (n x n times n) and matmul (n x n times n x n) in float64 and
float32 with the BLAS NumPy links (one thread: the caller sets OPENBLAS_NUM_THREADS=1). Inputs are deterministic.
Prints median/min/max times in ms per size and dtype.
"""
import numpy as np

from common import emit, read_args, timing

args = read_args()
out = {"numpy": np.__version__, "matvec": [], "matmul": []}
for kind in ("matvec", "matmul"):
    for n in args[kind]:
        for dtype in ("float64", "float32"):
            i = np.arange(n * n, dtype=np.float64)
            A = np.sin(0.001 * i).reshape(n, n).astype(dtype)
            B = np.cos(0.001 * i).reshape(n, n).astype(dtype) if kind == "matmul" else np.cos(0.01 * np.arange(n)).astype(dtype)
            reps = args["repeats"] if n * n * (n if kind == "matmul" else 1) < 2e9 else max(3, args["repeats"] // 3)
            inner = max(1, int(args["minWork"] // (n * n * (n if kind == "matmul" else 1))))
            def run():
                r = None
                for _ in range(inner):
                    r = A @ B
                return r
            t, r = timing(run, reps)
            for key in ("median", "min", "max"):
                t[key] /= inner
            out[kind].append({"n": n, "dtype": dtype, "t": t, "checksum": float(np.sum(r, dtype=np.float64))})
emit(out)
