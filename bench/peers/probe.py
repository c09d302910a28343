"""Print one JSON line with the versions of the benchmark peers that import here (null for those that do not)."""
import json
import platform

out = {"python": platform.python_version(), "numpy": None, "scipy": None, "torch": None, "vmap": None, "blas": None}
try:
    import numpy
    out["numpy"] = numpy.__version__
    # The BLAS actually loaded (Debian picks it through update-alternatives): read this process's memory map.
    numpy.ones((4, 4)) @ numpy.ones((4, 4))
    try:
        libs = sorted({line.split()[-1].rsplit("/", 1)[-1] for line in open("/proc/self/maps") if "blas" in line.lower()})
        named = [lib for lib in libs if "openblas" in lib or "mkl" in lib or "blis" in lib]
        out["blas"] = (named or libs or [None])[0]
    except OSError:
        pass
except Exception:
    pass
try:
    import scipy
    out["scipy"] = scipy.__version__
except Exception:
    pass
try:
    import torch
    out["torch"] = torch.__version__
    if hasattr(torch, "func") and hasattr(torch.func, "vmap"):
        out["vmap"] = "torch.func.vmap"
    else:
        try:
            import functorch  # noqa: F401
            out["vmap"] = "functorch.vmap"
        except Exception:
            pass
except Exception:
    pass
print(json.dumps(out))
