"""
PyTorch peer of bench/peers-hessian.bench.ts: Hutchinson trace of the Hessian of the 784-20-10 sigmoid MLP (no biases,
mean softmax cross-entropy) on the MNIST batch and weights the TypeScript side passes in, float64. Sequential HVPs by
double backward (torch.autograd.grad with create_graph), and batched HVPs by vmap over forward-over-reverse products
(functorch.vmap/jvp/grad in torch 1.13, torch.func in torch >= 2.0) when available. Also returns H v for one given
probe, for a cross-check against tracetape.
"""
import time

from common import emit, one_thread_torch, read_args

torch = one_thread_torch()
args = read_args()
B, D, H, C = args["B"], args["D"], args["H"], args["C"]
X = torch.tensor(args["X"], dtype=torch.float64).reshape(B, D)
Y = torch.tensor(args["Y"], dtype=torch.float64).reshape(B, C)
W1 = torch.tensor(args["W1"], dtype=torch.float64).reshape(D, H)
W2 = torch.tensor(args["W2"], dtype=torch.float64).reshape(H, C)
probes, vbatches = args["probes"], args["vBatches"]
P = D * H + H * C


def loss_flat(w):
    """Mean softmax cross-entropy as a function of the flat parameter vector [W1.ravel(), W2.ravel()]."""
    a, b = w[: D * H].reshape(D, H), w[D * H:].reshape(H, C)
    z = torch.sigmoid(X @ a) @ b
    return torch.mean(torch.logsumexp(z, 1) - torch.sum(z * Y, 1))


w0 = torch.cat([W1.reshape(-1), W2.reshape(-1)])
gen = torch.Generator().manual_seed(0)


def rademacher(shape):
    return torch.randint(0, 2, shape, generator=gen, dtype=torch.int64).to(torch.float64) * 2.0 - 1.0


def hvp_double_backward(v):
    w = w0.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(loss_flat(w), w, create_graph=True)
    (hv,) = torch.autograd.grad(g, w, grad_outputs=v)
    return hv


out = {"torch": torch.__version__, "params": P}
v_check = torch.tensor(args["checkProbe"], dtype=torch.float64)
out["checkHv"] = hvp_double_backward(v_check).tolist()

# Sequential: one double-backward HVP per probe (warm-up first).
for _ in range(3):
    hvp_double_backward(rademacher((P,)))
acc = 0.0
t0 = time.perf_counter()
for _ in range(probes):
    v = rademacher((P,))
    acc += float(torch.dot(v, hvp_double_backward(v)))
out["sequential"] = {"seconds": time.perf_counter() - t0, "estimate": acc / probes}

# Batched: vmap over probes of the forward-over-reverse HVP.
vmap_impl = None
try:
    from torch.func import grad, jvp, vmap  # torch >= 2.0
    vmap_impl = "torch.func"
except ImportError:
    try:
        from functorch import grad, jvp, vmap  # torch 1.13
        vmap_impl = "functorch"
    except ImportError:
        vmap_impl = None
out["vmapImpl"] = vmap_impl
out["batched"] = []
if vmap_impl is not None:
    def hvp_fwd_rev(v):
        return jvp(grad(loss_flat), (w0,), (v,))[1]

    batched = vmap(hvp_fwd_rev)
    try:
        batched(rademacher((2, P)))
        for vb in vbatches:
            batched(rademacher((vb, P)))  # warm-up at this width
            acc = 0.0
            t0 = time.perf_counter()
            done = 0
            while done < probes:
                m = min(vb, probes - done)
                V = rademacher((m, P))
                acc += float(torch.sum(V * batched(V)))
                done += m
            out["batched"].append({"vBatch": vb, "seconds": time.perf_counter() - t0, "estimate": acc / probes})
    except Exception as e:  # an op without a batching rule, etc.
        out["vmapError"] = f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"
emit(out)
