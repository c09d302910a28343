"""
SciPy peer of bench/peers-gp.bench.ts: exact GP negative log marginal likelihood and its gradient by dense Cholesky.
K = s * phi(r/l) + noise * I with the compactly supported Wendland kernel phi(t) = (1 - t)_+^4 (4t + 1) on the points X
the TypeScript side passes in; NLL = 1/2 y^T K^-1 y + 1/2 log det K (no constant); gradient with respect to
(log l, log s, log noise) from 1/2 tr(K^-1 dK) - 1/2 a^T dK a with a = K^-1 y; the trace terms read K^-1 on the
sparsity pattern of dK from the inverted Cholesky factor (LAPACK trtri).
Reports times per phase, peak traced memory (numpy registers its buffers with tracemalloc) and the values.
"""
import time
import tracemalloc

import numpy as np
from scipy.linalg import cho_factor, cho_solve, lapack
from scipy.spatial import cKDTree

from common import emit, read_args

def exact(case):
    """Exact NLL, log det and gradient for one case by dense Cholesky, with per-phase times and peak memory."""
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
    # K^-1 = L^-T L^-1, so (K^-1)_ij is the dot product of columns i and j of L^-1: invert the factor (trtri, n^3/3
    # flops, in place) and read K^-1 only where dK is nonzero (the sparsity pattern), instead of forming the full inverse.
    Linv, info = lapack.dtrtri(L, lower=1, overwrite_c=1)
    if info != 0:
        raise RuntimeError(f"dtrtri failed: info = {info}")
    for j in range(1, n):
        Linv[:j, j] = 0.0  # cho_factor leaves the other triangle untouched: clear it (contiguous in Fortran order)
    LT = Linv.T  # C-contiguous: row i of LT is column i of L^-1
    kinv_diag = np.einsum("ij,ij->i", LT, LT)
    upper = rows < cols  # each unordered pair once; the pattern is symmetric
    ri, ci = rows[upper], cols[upper]
    half = np.empty(len(ri))
    chunk = max(1, int(2e7 // (8 * n)))
    for c0 in range(0, len(ri), chunk):
        prod = LT[ri[c0:c0 + chunk]]
        prod *= LT[ci[c0:c0 + chunk]]
        half[c0:c0 + chunk] = prod.sum(1)
    # Map the half back onto every ordered pair (i, j) of the pattern.
    order = np.lexsort((ci, ri))
    key_half = ri[order].astype(np.int64) * n + ci[order]
    key_all = np.minimum(rows, cols).astype(np.int64) * n + np.maximum(rows, cols)
    kinv_pairs = half[order][np.searchsorted(key_half, key_all)]
    del LT, Linv, L, cf, K
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
    return {"n": n, "nll": nll, "logdet": logdet, "grad": grad, "nnz": int(len(r) + n),
                        "buildMs": (t1 - t0) * 1e3, "factorMs": (t2 - t1) * 1e3, "gradMs": (t3 - t2) * 1e3,
                        "totalMs": (t3 - t0) * 1e3, "peakBytes": peak}


def self_check(n=300):
    """Relative error of exact()'s gradient against central differences of a direct dense NLL (np.linalg) at small n."""
    rng = np.random.default_rng(0)
    X = rng.random((n, 2))
    y = rng.standard_normal(n)
    ell = float(np.sqrt(30 / (np.pi * n)))
    r = exact({"n": n, "lengthscale": ell, "variance": 1.0, "noise": 0.1, "X": X.ravel(), "y": y})
    D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1))

    def nll(th):
        l, s, no = np.exp(th)
        t = D / l
        K = s * np.where(t < 1, (1 - t) ** 4 * (4 * t + 1), 0.0) + no * np.eye(n)
        return 0.5 * y @ np.linalg.solve(K, y) + 0.5 * np.linalg.slogdet(K)[1]

    th, h = np.log([ell, 1.0, 0.1]), 1e-5
    fd = np.array([(nll(th + h * e) - nll(th - h * e)) / (2 * h) for e in np.eye(3)])
    return float(np.linalg.norm(np.array(r["grad"]) - fd) / np.linalg.norm(fd))


args = read_args()
out = {"rows": [exact(case) for case in args["cases"]], "selfCheck": self_check() if args.get("selfCheck") else None}
emit(out)
