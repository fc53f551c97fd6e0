"""Time one training step of ``lstm_viz.train`` against the same model and step in PyTorch.

    PYTHONPATH=. python benchmarks/train_vs_torch.py [--steps N] [--repeats N]

Run it with a Python that has torch for the ratios; without torch it says so and prints the
NumPy timings alone. Torch is never a requirement of the project.

What is compared, for each shape: a training step on a batch made beforehand (the same
batches for both, so that making sentences is not timed) — embedding → one LSTM layer →
linear head → masked cross-entropy, backward, global-norm clipping at 1, Adam at lr 0.01.
NumPy: :func:`lstm_viz.train.train` in the dtype named (float32 is what the app and the
demos train in). PyTorch: ``nn.Embedding``, ``nn.LSTM``, ``nn.Linear``, ``cross_entropy``
with the unmasked steps ignored, ``clip_grad_norm_``, ``optim.Adam``, in float32. One
thread each: BLAS held by OPENBLAS_NUM_THREADS (the script re-executes itself with it set
to 1 when it is not) and ``torch.set_num_threads(1)``.

A *repeat* trains ``--steps`` steps with each library, one after the other (NumPy, then
torch, in turn), and divides the time by the steps; the table gives the median over the
repeats and, in brackets, the fastest and slowest. The ratio is numpy/torch of the medians.
On a shared machine the spread says how far to trust a row.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
ROOT = Path(__file__).resolve().parents[1]

# (label, task, units, embedding): the default /train run, then the demos' recipes.
SHAPES = [
    ("/train default", "pronoun-en", 8, 8),
    ("demo pronoun-en", "pronoun-en", 32, 16),
    ("demo pronoun-zh", "pronoun-zh", 32, 16),
    ("demo brackets", "brackets", 8, 4),
    ("demo first-symbol", "first-symbol", 8, 4),
]
BATCH = 32
TARGET = 1.5  # numpy/torch per step, one thread each (issue 16)


def numpy_seconds(task, units, embed, batches, steps, dtype):
    """Seconds per step of lstm_viz.train on ``batches`` (cycled)."""
    import numpy as np

    from lstm_viz.model import TokenModel
    from lstm_viz.train import train

    model = TokenModel.random(task.vocab, task.labels, embed, (units,), seed=0, dtype=dtype)
    feed = iter(batches * (steps // len(batches) + 1))
    result = train(model, lambda rng: next(feed), steps, lr=0.01, clip=1.0)
    assert np.isfinite(result.losses).all()
    return result.seconds / steps


def together_seconds(task, units, embed, batches, steps, dtype, n):
    """Seconds per step per run of ``n`` runs trained together (lstm_viz.train.train_together),
    each fed the cycled batches from its own offset."""
    from lstm_viz.model import TokenModel
    from lstm_viz.train import RunSpec, train_together

    def feed(k):
        it = iter((batches[k:] + batches[:k]) * (steps // len(batches) + 1))
        return lambda rng: next(it)

    specs = [RunSpec(TokenModel.random(task.vocab, task.labels, embed, (units,), seed=k,
                                       dtype=dtype), feed(k), steps, seed=k) for k in range(n)]
    start = time.perf_counter()
    train_together(specs)
    return (time.perf_counter() - start) / steps / n


def torch_seconds(torch, task, units, embed, batches, steps):
    """Seconds per step of the same model and update in PyTorch (float32)."""
    emb = torch.nn.Embedding(len(task.vocab), embed)
    lstm = torch.nn.LSTM(embed, units)
    head = torch.nn.Linear(units, len(task.labels))
    params = [*emb.parameters(), *lstm.parameters(), *head.parameters()]
    opt = torch.optim.Adam(params, lr=0.01)
    data = []
    for ids, targets, mask in batches:
        t = torch.tensor(targets)
        t[~torch.tensor(mask)] = -100  # cross_entropy's ignore_index: not counted
        data.append((torch.tensor(ids), t.reshape(-1)))
    start = time.perf_counter()
    for k in range(steps):
        ids, targets = data[k % len(data)]
        out, _ = lstm(emb(ids))  # (T, B, H)
        logits = head(out).reshape(-1, len(task.labels))  # (T·B, K)
        loss = torch.nn.functional.cross_entropy(logits, targets, ignore_index=-100)
        opt.zero_grad(set_to_none=False)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
    return (time.perf_counter() - start) / steps


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=40, help="steps per repeat (default 40)")
    parser.add_argument("--repeats", type=int, default=5, help="repeats per shape (default 5)")
    parser.add_argument("--dtype", default="float32", choices=("float32", "float64"),
                        help="NumPy's dtype (default float32, as the app trains)")
    parser.add_argument("--together", type=int, default=8,
                        help="also time this many /train default runs trained together "
                             "(lstm_viz.train.train_together; default 8, 1 to skip)")
    args = parser.parse_args(argv)
    if any(os.environ.get(v) != "1" for v in THREAD_VARS):  # BLAS reads them at import
        env = dict(os.environ, **{v: "1" for v in THREAD_VARS})
        os.execve(sys.executable, [sys.executable, str(Path(__file__).resolve()),
                                   *(argv or sys.argv[1:])], env)
    sys.path.insert(0, str(ROOT))
    import numpy as np

    from lstm_viz.tasks import TASKS

    try:
        import torch
    except ImportError:
        torch = None
        print("torch is not importable here: NumPy timings only (no ratio)")
    else:
        torch.set_num_threads(1)
        torch.manual_seed(0)
        print(f"torch {torch.__version__}, {torch.get_num_threads()} thread; ", end="")
    print(f"numpy {np.__version__} ({args.dtype}), one BLAS thread; batch {BATCH}; "
          f"{args.steps} steps × {args.repeats} repeats; ms per step: median (min–max)")
    print(f"{'shape':<19} {'T̄':>4} {'numpy':>20}"
          + (f" {'torch':>20} {'ratio':>6}" if torch is not None else ""))
    worst = 0.0
    for label, name, units, embed in SHAPES:
        task = TASKS[name]
        rng = np.random.default_rng(0)
        batches = [task.batch(rng, BATCH) for _ in range(20)]
        mean_t = np.mean([b[0].shape[0] for b in batches])
        ours, theirs = [], []
        for _ in range(args.repeats):
            ours.append(numpy_seconds(task, units, embed, batches, args.steps, args.dtype))
            if torch is not None:
                theirs.append(torch_seconds(torch, task, units, embed, batches, args.steps))
        row = f"{label:<19} {mean_t:4.0f} {_spread(ours):>20}"
        if torch is not None:
            ratio = np.median(ours) / np.median(theirs)
            worst = max(worst, ratio)
            row += f" {_spread(theirs):>20} {ratio:5.2f}×"
        print(row, flush=True)
    if torch is not None:
        verdict = "met" if worst <= TARGET else "NOT met"
        print(f"largest ratio {worst:.2f}× (target ≤ {TARGET}×: {verdict})")
    if args.together > 1:
        label, name, units, embed = SHAPES[0]
        task = TASKS[name]
        rng = np.random.default_rng(0)
        batches = [task.batch(rng, BATCH) for _ in range(20)]
        alone, group = [], []
        for _ in range(args.repeats):
            alone.append(numpy_seconds(task, units, embed, batches, args.steps, args.dtype))
            group.append(together_seconds(task, units, embed, batches, args.steps, args.dtype,
                                          args.together))
        print(f"{args.together} runs of the {label} shape trained together: "
              f"{_spread(group)} ms per step per run, against {_spread(alone)} alone "
              f"({np.median(alone) / np.median(group):.2f}× the throughput)")
    return 0


def _spread(seconds):
    import numpy as np

    ms = np.array(seconds) * 1e3
    return f"{np.median(ms):.2f} ({ms.min():.2f}–{ms.max():.2f})"


if __name__ == "__main__":
    sys.exit(main())
