"""Write the PyTorch gradient fixtures ``tests/golden/grads_*.npz`` (needs torch; run by hand).

    /tmp/tvenv/bin/python tools/make_grad_golden.py      # or any Python that has torch

``tests/test_train.py`` reads the files with NumPy only and checks that
``lstm_viz.train.loss_and_grads`` gives the loss and every gradient that torch's autograd
gives. The script is deterministic (fixed seeds, fixed zip timestamps).

The torch model is what a :class:`lstm_viz.model.TokenModel` computes: ``nn.Embedding`` →
one ``nn.LSTM`` module per layer (separate modules, so layers may differ in size) →
``nn.Linear`` head → ``F.cross_entropy`` averaged over the steps where ``mask`` is True.

Each ``.npz`` holds plain arrays (no pickles):

- ``embedding`` (V, E); ``lstm{k}.weight_ih_l0`` (4H, X), ``lstm{k}.weight_hh_l0`` (4H, H),
  ``lstm{k}.bias_ih_l0``, ``lstm{k}.bias_hh_l0`` (4H,); ``head.weight`` (K, H), ``head.bias``;
- ``ids``, ``targets`` (T, B) int64 (time-major) and ``mask`` (T, B) bool; targets where
  the mask is False are −1, which a correct implementation never reads;
- ``loss``: a 0-d float64; ``grad.{name}``: the gradient of every array above by its name
  (torch's two biases get the same gradient, that of their sum b);
- ``torch_version``: a string array.
"""

from __future__ import annotations

import io
import zipfile
from itertools import pairwise
from pathlib import Path

import numpy as np

try:
    import torch
except ImportError:  # the project never needs torch; only this script does
    raise SystemExit("make_grad_golden.py needs PyTorch: run it with a Python that has torch, "
                     "e.g. /tmp/tvenv/bin/python tools/make_grad_golden.py") from None

OUT = Path(__file__).resolve().parent.parent / "tests" / "golden"


def make_case(seed, V, E, units, K, T, B, mask_share, scale=1.0):
    """A random float64 model and batch; returns every array to store, gradients included.

    ``scale`` multiplies the LSTM weights (larger → gates nearer 0 and 1).
    """
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    embedding = torch.nn.Embedding(V, E).double()
    sizes = [E, *units]
    lstms = [torch.nn.LSTM(a, b).double() for a, b in pairwise(sizes)]
    head = torch.nn.Linear(units[-1], K).double()
    with torch.no_grad():
        for lstm in lstms:
            for p in lstm.parameters():
                p.mul_(scale)
    ids = torch.randint(V, (T, B), generator=gen)
    targets = torch.randint(K, (T, B), generator=gen)
    mask = torch.rand(T, B, generator=gen, dtype=torch.float64) < mask_share
    mask[-1, 0] = True  # at least one counted step
    targets = torch.where(mask, targets, torch.full_like(targets, -1))

    h = embedding(ids)  # (T, B, E)
    for lstm in lstms:
        h, _ = lstm(h)  # (T, B, H_l)
    logits = head(h)  # (T, B, K)
    loss = torch.nn.functional.cross_entropy(logits[mask], targets[mask])  # mean over N
    loss.backward()

    modules = {"embedding": embedding, "head": head} | {f"lstm{k}": m for k, m in
                                                        enumerate(lstms)}
    arrays = {"ids": ids, "targets": targets, "mask": mask, "loss": loss.detach()}
    for prefix, module in modules.items():
        for name, p in module.named_parameters():
            key = "embedding" if prefix == "embedding" else f"{prefix}.{name}"
            arrays[key] = p.detach()
            arrays[f"grad.{key}"] = p.grad
    return arrays


CASES = {
    # the gradient check's model: two layers of different sizes, a language-model head
    "grads_lm": dict(seed=11, V=5, E=3, units=(4, 3), K=5, T=6, B=2, mask_share=0.6),
    # one wider layer, K ≠ V classes, every step counted, large weights (saturated gates)
    "grads_classes": dict(seed=12, V=4, E=2, units=(5,), K=3, T=5, B=3, mask_share=1.1,
                          scale=4.0),
}


def save_npz(path, arrays):
    """Like np.savez_compressed, but with a fixed timestamp so the bytes are reproducible."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())


def main():
    torch.set_num_threads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, kwargs in CASES.items():
        arrays = {k: v.numpy() for k, v in make_case(**kwargs).items()}
        arrays["torch_version"] = np.array(torch.__version__)
        path = OUT / f"{name}.npz"
        save_npz(path, arrays)
        print(f"{path.relative_to(OUT.parent.parent)}: {len(arrays)} arrays, "
              f"{path.stat().st_size:,} bytes, loss {float(arrays['loss']):.6f}")
    print(f"torch {torch.__version__}")


if __name__ == "__main__":
    main()
