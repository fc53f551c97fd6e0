"""Time ``LSTM.run`` (the full trace) against ``torch.nn.LSTM`` (no trace) on the same weights.

    python benchmarks/core_vs_torch.py                  # both thread settings, one after the other
    python benchmarks/core_vs_torch.py --threads 1      # single-threaded only
    python benchmarks/core_vs_torch.py --threads default --repeats 50

Run it with a Python that has torch for the ratios (here: /tmp/tvenv/bin/python); without
torch it prints the NumPy timings alone. Torch is never a requirement of the project.

What is compared: for each shape (T, B, X, H) and dtype, ``LSTM.run`` — which keeps
x, h_prev, c_prev, z, i, f, g, o, c, h for every step — against ``nn.LSTM.forward`` under
``torch.no_grad()``, which keeps only the outputs. Both get the same weights and inputs and
their h must agree (the ``max|Δh|`` column). Times are the minimum and the median of
``--repeats`` single calls, NumPy and torch interleaved so that drift hits both alike;
the ratio is numpy/torch of the minima.

Threads. ``--threads 1`` means ``torch.set_num_threads(1)`` *and* NumPy's BLAS held to one
thread: with threadpoolctl installed, by ``threadpool_limits(1)``; without it, the script
re-executes itself with OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS,
BLIS_NUM_THREADS and VECLIB_MAXIMUM_THREADS set to 1, because a BLAS reads those only when
NumPy is first imported. ``--threads both`` (the default) runs each setting in its own
child process.

BLAS kernel. The header says which BLAS NumPy loaded and which kernel it picked (from
threadpoolctl, else asked of OpenBLAS itself). On some machines OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE are set on purpose (old OpenBLAS builds fail on those processors); they
force a slower kernel on a current NumPy. The script never changes them: when they are set it
says so, and a fair run unsets both for that command alone:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /tmp/tvenv/bin/python benchmarks/core_vs_torch.py
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
               "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
REEXEC_MARK = "LSTM_VIZ_BENCH_REEXEC"
SHAPES = [(40, 1, 16, 16), (200, 1, 5, 128), (100, 32, 64, 128)]  # (T, B, X, H)
DTYPES = ("float32", "float64")


def target(B):
    """The aim for numpy/torch: one sequence as fast as torch, a batch of 32 within 2×."""
    return 1.0 if B == 1 else 2.0


def have(module):
    import importlib.util

    return importlib.util.find_spec(module) is not None


# ---- thread settings (before NumPy is imported) --------------------------------------------


def single_thread_env_needed():
    """True when BLAS threads can only be limited by env vars and they are not set yet."""
    return not have("threadpoolctl") and any(os.environ.get(v) != "1" for v in THREAD_VARS)


def reexec_single_threaded(argv):
    env = dict(os.environ, **{v: "1" for v in THREAD_VARS}, **{REEXEC_MARK: "1"})
    os.execve(sys.executable, [sys.executable, str(Path(__file__).resolve()), *argv], env)


def run_children(argv):
    """--threads both: each setting in a fresh process, so neither inherits the other's pools."""
    status = 0
    for setting in ("1", "default"):
        cmd = [sys.executable, str(Path(__file__).resolve()), *argv, "--threads", setting]
        status |= subprocess.call(cmd)
        print()
    return status


# ---- what the machine runs -----------------------------------------------------------------


def blas_lines():
    """Which BLAS NumPy uses and its kernel (threadpoolctl, else OpenBLAS's own answer)."""
    lines = []
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if var in os.environ:
            lines.append(f"WARNING {var}={os.environ[var]} is set: OpenBLAS is forced onto that "
                         "kernel; for a fair run unset OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE "
                         "together for this command alone (see the docstring)")
    if have("threadpoolctl"):
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            kernel = pool.get("architecture") or "-"
            lines.append(f"{pool['internal_api']:9} {pool.get('version') or '-':14} "
                         f"kernel {kernel:10} threads {pool['num_threads']}  "
                         f"{Path(pool['filepath']).name}")
        return lines
    import numpy as np

    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    kernel = openblas_corename() or "unknown (install threadpoolctl to see it)"
    lines.append(f"numpy BLAS {blas.get('name')} {blas.get('version')}, kernel {kernel}; "
                 "threadpoolctl is not installed")
    return lines


def openblas_corename():
    """Ask the OpenBLAS that NumPy loaded which kernel it chose (Linux only)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
    except OSError:
        return None
    for path in paths:
        lib = ctypes.CDLL(path)
        for name in ("openblas_get_corename", "openblas_get_corename64_",
                     "scipy_openblas_get_corename64_", "scipy_openblas_get_corename"):
            func = getattr(lib, name, None)
            if func is not None:
                func.restype = ctypes.c_char_p
                return func().decode()
    return None


# ---- timing ------------------------------------------------------------------------------


def make_case(T, B, X, H, dtype, torch):
    """The same random weights and input for both; torch's biases are b and 0."""
    import numpy as np

    from lstm_viz import LSTM

    lstm = LSTM.random(X, H, seed=T + B + X + H, dtype=dtype)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((T, X) if B == 1 else (T, B, X)).astype(dtype)  # B = 1: one sequence
    module = None
    if torch is not None:
        module = torch.nn.LSTM(X, H).to(getattr(torch, dtype))
        with torch.no_grad():
            for name, value in (("weight_ih_l0", lstm.W), ("weight_hh_l0", lstm.U),
                                ("bias_ih_l0", lstm.b), ("bias_hh_l0", 0 * lstm.b)):
                getattr(module, name).copy_(torch.from_numpy(np.array(value)))
    return lstm, x, module


def time_calls(funcs, repeats):
    """Each function called ``repeats`` times, interleaved; returns a list of times (s) each."""
    for f in funcs:  # warm up caches, BLAS buffers, torch's kernel selection
        for _ in range(3):
            f()
    times = [[] for _ in funcs]
    gc_was = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            for f, out in zip(funcs, times, strict=True):
                t0 = time.perf_counter()
                f()
                out.append(time.perf_counter() - t0)
    finally:
        if gc_was:
            gc.enable()
    return times


def measure(T, B, X, H, dtype, torch, repeats):
    import numpy as np

    lstm, x, module = make_case(T, B, X, H, dtype, torch)
    funcs = [lambda: lstm.run(x)]
    if torch is not None:
        xt = torch.from_numpy(x)

        def torch_forward():
            with torch.no_grad():
                return module(xt)

        funcs.append(torch_forward)
    times = time_calls(funcs, repeats)
    row = {"np": (min(times[0]), float(np.median(times[0])))}
    if torch is not None:
        row["torch"] = (min(times[1]), float(np.median(times[1])))
        row["diff"] = float(np.abs(lstm.run(x).h - funcs[1]()[0].numpy()).max())
    return row


def print_table(rows, torch):
    head = f"{'T':>4} {'B':>3} {'X':>3} {'H':>4} {'dtype':7} {'numpy ms min/med':>17}"
    if torch is not None:
        head += f" {'torch ms min/med':>17} {'np/torch':>8} {'target':>6} {'':4} {'max|Δh|':>8}"
    print(head)
    for (T, B, X, H, dtype), r in rows:
        line = f"{T:4} {B:3} {X:3} {H:4} {dtype:7} {ms(r['np']):>17}"
        if torch is not None:
            ratio = r["np"][0] / r["torch"][0]
            ok = "ok" if ratio <= target(B) else "MISS"
            line += (f" {ms(r['torch']):>17} {ratio:7.2f}× {target(B):5.1f}× {ok:4} "
                     f"{r['diff']:8.1e}")
        print(line)


def ms(pair):
    return f"{pair[0] * 1e3:7.3f}/{pair[1] * 1e3:7.3f}"


def bench(args):
    import numpy as np

    torch = None
    if have("torch"):
        import torch
    limiter = None
    if args.threads == "1":
        if have("threadpoolctl"):
            from threadpoolctl import threadpool_limits

            limiter = threadpool_limits(limits=1)  # every BLAS and OpenMP pool in the process
        if torch is not None:
            torch.set_num_threads(1)
    how = {"1": "single thread", "default": "default threads"}[args.threads]
    if args.threads == "1":
        how += " (threadpoolctl)" if limiter is not None else " (env vars, re-executed)"
    print(f"== {how}; {args.repeats} repeats; min and median of single calls ==")
    print(f"Python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()} with {os.cpu_count()} CPUs")
    for line in blas_lines():
        print("  " + line)
    if torch is None:
        print("torch is not installed: NumPy timings only; the numpy/torch ratios need torch "
              "(e.g. /tmp/tvenv/bin/python benchmarks/core_vs_torch.py)")
    else:
        print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), "
              f"mkldnn {torch.backends.mkldnn.is_available()}, "
              f"CPU capability {torch.backends.cpu.get_cpu_capability()}")
    rows = [((T, B, X, H, d), measure(T, B, X, H, d, torch, args.repeats))
            for (T, B, X, H) in SHAPES for d in DTYPES]
    print_table(rows, torch)
    if torch is not None:
        print("target: numpy/torch ≤ 1.0× for one sequence (B = 1), ≤ 2.0× for the batch of 32; "
              "LSTM.run records the full trace, torch keeps only h")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", choices=("1", "default", "both"), default="both")
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args(argv)
    if args.threads == "both":
        return run_children(["--repeats", str(args.repeats)])
    if args.threads == "1" and single_thread_env_needed() and not os.environ.get(REEXEC_MARK):
        reexec_single_threaded(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # find lstm_viz
    bench(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
