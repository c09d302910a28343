"""
PyTorch peer of bench/peers-tape.bench.ts: per-call overhead of a tiny MLP (batch 8, 4 -> 16 tanh -> 1, mean squared
error) forward under no_grad and forward + torch.autograd.grad, float64, one thread, weights and data from the caller.
"""
from common import emit, one_thread_torch, read_args, timing

torch = one_thread_torch()
args = read_args()
x = torch.tensor(args["x"], dtype=torch.float64).reshape(8, 4)
y = torch.tensor(args["y"], dtype=torch.float64).reshape(8, 1)
W1 = torch.tensor(args["W1"], dtype=torch.float64).reshape(4, 16)
W2 = torch.tensor(args["W2"], dtype=torch.float64).reshape(16, 1)
calls, repeats = args["calls"], args["repeats"]


def loss(a, b):
    return torch.mean(torch.square(torch.tanh(x @ a) @ b - y))


def fwd():
    with torch.no_grad():
        for _ in range(calls):
            v = loss(W1, W2).item()
    return v


def grad():
    for _ in range(calls):
        a, b = W1.clone().requires_grad_(True), W2.clone().requires_grad_(True)
        ga, gb = torch.autograd.grad(loss(a, b), (a, b))
        ga.numpy(), gb.numpy()
    return [ga.reshape(-1).tolist(), gb.reshape(-1).tolist()]


t_fwd, _ = timing(fwd, repeats)
t_grad, g = timing(grad, repeats)
emit({"forward": t_fwd, "grad": t_grad, "gW1": g[0], "gW2": g[1]})
