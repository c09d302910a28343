"""
PyTorch peer of bench/peers-lanczos.bench.ts: Lanczos (full re-orthogonalisation, two classical Gram-Schmidt passes,
the same arithmetic as tracetape's gradient: 'backprop') on A(theta) v = L v + theta * v, L the 5-point Dirichlet
Laplacian on an ny x nx grid (unit spacing), in float64; forward under no_grad, and forward + backward of
loss = sum(alphas) + sum(betas) by autograd through every iteration. Prints timings and the gradient for a cross-check.
"""
import math

from common import emit, one_thread_torch, read_args, timing

torch = one_thread_torch()
args = read_args()
nx, ny, depths, repeats = args["nx"], args["ny"], args["depths"], args["repeats"]
n = nx * ny
idx = torch.arange(n, dtype=torch.float64)
# Deterministic inputs, the same formulas as the TypeScript side.
theta0 = 1.0 + 0.5 * torch.sin(0.1 * idx)
v0 = torch.cos(0.37 * idx) + 0.1


def matvec(v, theta):
    """L v + theta * v with L = 4I - (shifts), zero Dirichlet ghost cells."""
    g = v.reshape(ny, nx)
    p = torch.nn.functional.pad(g, (1, 1, 1, 1))
    lap = 4.0 * g - p[1:-1, :-2] - p[1:-1, 2:] - p[:-2, 1:-1] - p[2:, 1:-1]
    return lap.reshape(n) + theta * v


def lanczos(theta, K):
    """Lanczos with full re-orthogonalisation; returns (alphas, betas)."""
    q = v0 / torch.sqrt(torch.sum(v0 * v0))
    qs, al, be = [q], [], []
    for k in range(K):
        w = matvec(q, theta)
        a = torch.sum(q * w)
        w = w - a * q
        if k > 0:
            w = w - be[k - 1] * qs[k - 1]
        Qk = torch.stack(qs)
        for _ in range(2):
            w = w - (Qk @ w) @ Qk
        al.append(a)
        b = torch.sqrt(torch.sum(w * w))
        be.append(b)
        if k < K - 1:
            q = w / b
            qs.append(q)
    return torch.stack(al), torch.stack(be[: K - 1]) if K > 1 else torch.zeros(0, dtype=torch.float64)


def loss(theta, K):
    a, b = lanczos(theta, K)
    return torch.sum(a) + torch.sum(b)


rows = []
for K in depths:
    def fwd():
        with torch.no_grad():
            return loss(theta0, K).item()

    def fwd_bwd():
        th = theta0.clone().requires_grad_(True)
        val = loss(th, K)
        (g,) = torch.autograd.grad(val, th)
        return val.item(), g

    t_fwd, value = timing(fwd, repeats)
    t_all, (value2, grad) = timing(fwd_bwd, repeats)
    rows.append({"K": K, "forward": t_fwd, "forwardBackward": t_all, "value": value2,
                 "gradNorm": math.sqrt(float(torch.sum(grad * grad))), "gradHead": grad[:8].tolist(),
                 "gradSample": grad[:: max(1, n // 64)].tolist()})
emit({"torch": torch.__version__, "threads": torch.get_num_threads(), "rows": rows})
