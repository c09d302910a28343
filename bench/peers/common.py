"""Shared helpers of the Python peer scripts: read JSON arguments from stdin, time a callable (median/min/max in ms), one thread."""
import json
import sys
import time


def read_args():
    """The JSON object the TypeScript bench script wrote to stdin."""
    return json.loads(sys.stdin.read() or "{}")


def timing(fn, repeats, warmup=1):
    """Run fn warmup times, then repeats times; return {median, min, max, repeats} in milliseconds and the last result."""
    out = None
    for _ in range(warmup):
        out = fn()
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        ts.append((time.perf_counter() - t0) * 1000.0)
    ts.sort()
    return {"median": ts[len(ts) // 2], "min": ts[0], "max": ts[-1], "repeats": repeats}, out


def one_thread_torch():
    """Import torch pinned to one intra-op and one inter-op thread."""
    import torch
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    return torch


def emit(obj):
    """Print the result as the last stdout line (the TypeScript side parses it)."""
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()
