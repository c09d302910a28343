"""
SciPy peer of bench/peers-gp.bench.ts: exact GP negative log marginal likelihood and its gradient by dense Cholesky.
K = s * phi(r/l) + noise * I with the compactly supported Wendland kernel phi(t) = (1 - t)_+^4 (4t + 1) on the points X
the TypeScript side passes in; NLL = 1/2 y^T K^-1 y + 1/2 log det K (no constant); gradient with respect to
(log l, log s, log noise) from 1/2 tr(K^-1 dK) - 1/2 a^T dK a with a = K^-1 y, using the full inverse (LAPACK potri).
Reports times per phase, peak traced memory (numpy registers its buffers with tracemalloc) and the values.
"""
import time
import tracemalloc

import numpy as np
from scipy.linalg import cho_factor, cho_solve, lapack
from scipy.spatial import cKDTree

from common import emit, read_args

args = read_args()
out = {"rows": []}
for case in args["cases"]:
    n, ell, s, noise = case["n"], case["lengthscale"], case["variance"], case["noise"]
    X = np.asarray(case["X"], dtype=np.float64).reshape(n, 2)
    y = np.asarray(case["y"], dtype=np.float64)
    tracemalloc.start()
    t0 = time.perf_counter()
    D = cKDTree(X).sparse_distance_matrix(cKDTree(X), ell, output_type="coo_matrix")
    off = D.row != D.col
    rows, cols, r = D.row[off], D.col[off], D.data[off]
    t = r / ell
    phi = (1 - t) ** 4 * (4 * t + 1)
    dphi_dlogl = 20 * t * t * (1 - t) ** 3  # d/d(log l) of phi(r/l) = -t phi'(t), phi'(t) = -20 t (1 - t)^3
    K = np.zeros((n, n), order="F")
    K[rows, cols] = s * phi
    K[np.arange(n), np.arange(n)] = s + noise  # phi(0) = 1 (the tree omits zero distances)
    t1 = time.perf_counter()
    cf = cho_factor(K, lower=True, overwrite_a=True, check_finite=False)
    L = cf[0]
    logdet = 2.0 * np.sum(np.log(np.diag(L)))
    a = cho_solve(cf, y, check_finite=False)
    nll = 0.5 * float(y @ a) + 0.5 * logdet
    t2 = time.perf_counter()
    Kinv, info = lapack.dpotri(L, lower=1, overwrite_c=1)
    if info != 0:
        raise RuntimeError(f"dpotri failed: info = {info}")
    kinv_pairs = Kinv[np.maximum(rows, cols), np.minimum(rows, cols)]  # lower triangle holds the inverse
    kinv_diag = np.diag(Kinv).copy()
    del Kinv, L, cf, K
    # Off-diagonal pattern entries (i != j) plus the diagonal.
    tr_s = float(np.sum(kinv_pairs * s * phi)) + float(np.sum(kinv_diag)) * s
    tr_l = float(np.sum(kinv_pairs * s * dphi_dlogl))
    tr_n = float(np.sum(kinv_diag)) * noise
    q_s = float(np.sum(a[rows] * a[cols] * s * phi)) + float(a @ a) * s
    q_l = float(np.sum(a[rows] * a[cols] * s * dphi_dlogl))
    q_n = float(a @ a) * noise
    grad = [0.5 * (tr_l - q_l), 0.5 * (tr_s - q_s), 0.5 * (tr_n - q_n)]
    t3 = time.perf_counter()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out["rows"].append({"n": n, "nll": nll, "logdet": logdet, "grad": grad, "nnz": int(len(r) + n),
                        "buildMs": (t1 - t0) * 1e3, "factorMs": (t2 - t1) * 1e3, "gradMs": (t3 - t2) * 1e3,
                        "totalMs": (t3 - t0) * 1e3, "peakBytes": peak})
emit(out)
