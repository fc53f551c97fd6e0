"""Write the PyTorch golden fixtures in ``tests/golden/`` (needs torch; run by hand).

    /tmp/tvenv/bin/python tools/make_golden.py          # or any Python that has torch

Torch is never needed to *use* the fixtures: ``tests/test_golden.py`` only reads the
``.npz`` files with NumPy. Re-run this script only to change or add a case; it is
deterministic (fixed seeds, fixed zip timestamps), so the same torch version writes the
same bytes, and ``git diff`` shows whether anything changed.

Each ``.npz`` holds plain arrays (no pickles):

- the weights under their PyTorch ``state_dict`` names (``weight_ih_l0``, …); a stack of
  separate modules prefixes them with the module's name (``lstm0.weight_ih_l0``,
  ``head.weight``);
- ``x`` (T, X) or (T, B, X) and, where used, ``h0``, ``c0`` as torch takes them:
  (L, H) or (L, B, H);
- ``out``, ``h_n``, ``c_n``: what ``nn.LSTM.forward`` returned (``out`` is the top
  layer's h_t at every step); ``y``: the ``nn.Linear`` head's output;
- ``trace{k}.{z,i,f,g,o,c,h}``: layer k's pre-activations and gates at every step,
  computed again with separate torch ops (gate order i, f, g, o; σ = ``torch.sigmoid``),
  checked here against ``nn.LSTM``'s own h, c before they are written;
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
    raise SystemExit("make_golden.py needs PyTorch: run it with a Python that has torch, "
                     "e.g. /tmp/tvenv/bin/python tools/make_golden.py") from None

OUT = Path(__file__).resolve().parent.parent / "tests" / "golden"


def manual_layer(sd, layer, x, h0, c0):
    """One nn.LSTM layer step by step in plain torch ops; returns z, i, f, g, o, c, h over time.

    x (T, [B,] X); h0, c0 ([B,] H). Each result is stacked over time: (T, [B,] ·).
    """
    W, U = sd[f"weight_ih_l{layer}"], sd[f"weight_hh_l{layer}"]
    b = sd.get(f"bias_ih_l{layer}", 0) + sd.get(f"bias_hh_l{layer}", 0)
    h, c = h0, c0
    rec = {k: [] for k in "zifgoch"}
    for x_t in x:
        z = x_t @ W.T + b + h @ U.T  # ([B,] 4H)
        z_i, z_f, z_g, z_o = z.chunk(4, dim=-1)
        i, f, g, o = torch.sigmoid(z_i), torch.sigmoid(z_f), torch.tanh(z_g), torch.sigmoid(z_o)
        c = f * c + i * g
        h = o * torch.tanh(c)
        for k, v in zip("zifgoch", (z, i, f, g, o, c, h), strict=True):
            rec[k].append(v)
    return {k: torch.stack(v) for k, v in rec.items()}


def traces(sd, num_layers, x, h0, c0, prefix="trace"):
    """Manual traces of every layer of one nn.LSTM, as ``{prefix}{k}.{name}`` arrays."""
    arrays = {}
    for k in range(num_layers):
        rec = manual_layer(sd, k, x, h0[k], c0[k])
        arrays.update({f"{prefix}{k}.{name}": v for name, v in rec.items()})
        x = rec["h"]
    return arrays


def zeros_state(lstm, x):
    """(L, [B,] H) zeros, the state nn.LSTM starts from when none is given."""
    batch = x.shape[1:2] if x.dim() == 3 else ()
    return torch.zeros(lstm.num_layers, *batch, lstm.hidden_size, dtype=x.dtype)


def run_case(lstm, x, h0=None, c0=None):
    """Run ``lstm`` on x (and a state), check it against the manual ops, return the arrays."""
    sd = dict(lstm.state_dict())
    with torch.no_grad():
        out, (h_n, c_n) = lstm(x) if h0 is None else lstm(x, (h0, c0))
        arrays = traces(sd, lstm.num_layers, x,
                        zeros_state(lstm, x) if h0 is None else h0,
                        zeros_state(lstm, x) if c0 is None else c0)
    top = lstm.num_layers - 1
    check(arrays[f"trace{top}.h"], out)
    check(torch.stack([arrays[f"trace{k}.h"][-1] for k in range(lstm.num_layers)]), h_n)
    check(torch.stack([arrays[f"trace{k}.c"][-1] for k in range(lstm.num_layers)]), c_n)
    arrays.update(sd, x=x, out=out, h_n=h_n, c_n=c_n)
    if h0 is not None:
        arrays.update(h0=h0, c0=c0)
    return arrays


def check(manual, fused):
    """The manual ops must agree with nn.LSTM before anything is written."""
    f64 = fused.dtype == torch.float64
    tol = dict(rtol=1e-10, atol=1e-12) if f64 else dict(rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(manual, fused, **tol)


# ---- the cases -------------------------------------------------------------------------


def case_single_f64():
    """One sequence, T=7, X=3, H=4, zero initial state."""
    torch.manual_seed(1)
    lstm = torch.nn.LSTM(3, 4).double()
    return run_case(lstm, torch.randn(7, 3, dtype=torch.float64))


def case_batch_f64():
    """A batch, T=5, B=3, X=4, H=6, with nonzero h0, c0."""
    torch.manual_seed(2)
    lstm = torch.nn.LSTM(4, 6).double()
    x = torch.randn(5, 3, 4, dtype=torch.float64)
    h0, c0 = torch.randn(2, 1, 3, 6, dtype=torch.float64)
    return run_case(lstm, x, h0, 2 * c0)


def case_stack3_f64():
    """nn.LSTM(num_layers=3): 5 → 7 → 7 → 7, T=6, B=2, nonzero state for every layer."""
    torch.manual_seed(3)
    lstm = torch.nn.LSTM(5, 7, num_layers=3).double()
    x = torch.randn(6, 2, 5, dtype=torch.float64)
    h0, c0 = torch.randn(2, 3, 2, 7, dtype=torch.float64)
    return run_case(lstm, x, h0, c0)


def case_stack_modules_f64():
    """Separate nn.LSTM modules 5 → 8 → 6 → 3 and nn.Linear(3, 1), one sequence of T=9.

    Arrays are prefixed ``lstm{k}.`` and ``head.``; ``trace{k}.*`` is module k's layer.
    """
    torch.manual_seed(4)
    sizes = [5, 8, 6, 3]
    modules = [torch.nn.LSTM(a, b).double() for a, b in pairwise(sizes)]
    head = torch.nn.Linear(3, 1).double()
    x = torch.randn(9, 5, dtype=torch.float64)
    arrays, h = {"x": x}, x
    for k, lstm in enumerate(modules):
        rec = run_case(lstm, h)
        arrays.update({f"trace{k}.{n[len('trace0.'):]}": v
                       for n, v in rec.items() if n.startswith("trace0.")})
        arrays.update({f"lstm{k}.{n}": v for n, v in rec.items()
                       if n.startswith(("weight", "bias")) or n in ("h_n", "c_n")})
        h = rec["out"]
    with torch.no_grad():
        y = head(h)  # (T, 1)
    arrays.update({f"head.{n}": v for n, v in head.state_dict().items()}, out=h, y=y)
    return arrays


def case_batch_f32():
    """float32 everywhere (torch's fused kernel), T=6, B=2, X=4, H=5, nonzero state."""
    torch.manual_seed(5)
    lstm = torch.nn.LSTM(4, 5)
    x = torch.randn(6, 2, 4)
    h0, c0 = torch.randn(2, 1, 2, 5)
    return run_case(lstm, x, h0, c0)


def case_nobias_f64():
    """nn.LSTM(bias=False): only weight_ih_l0 and weight_hh_l0; T=6, B=2, X=3, H=4."""
    torch.manual_seed(6)
    lstm = torch.nn.LSTM(3, 4, bias=False).double()
    return run_case(lstm, torch.randn(6, 2, 3, dtype=torch.float64))


def case_saturated_f64():
    """Weights scaled until the largest |z| is 1000: gates pinned at 0 and 1, T=8, X=3, H=4."""
    torch.manual_seed(7)
    lstm = torch.nn.LSTM(3, 4).double()
    x = torch.randn(8, 3, dtype=torch.float64)
    peak = run_case(lstm, x)["trace0.z"].abs().max()
    scale = 1000.0 / float(peak)
    with torch.no_grad():  # z grows more than linearly with the scale once h saturates
        for _ in range(20):
            for p in lstm.parameters():
                p.mul_(scale)
            peak = run_case(lstm, x)["trace0.z"].abs().max()
            scale = 1000.0 / float(peak)
            if abs(scale - 1) < 0.05:
                break
    return run_case(lstm, x)


CASES = {
    "single_f64": case_single_f64,
    "batch_f64": case_batch_f64,
    "stack3_f64": case_stack3_f64,
    "stack_modules_f64": case_stack_modules_f64,
    "batch_f32": case_batch_f32,
    "nobias_f64": case_nobias_f64,
    "saturated_f64": case_saturated_f64,
}


# ---- writing ---------------------------------------------------------------------------


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
    total = 0
    for name, make in CASES.items():
        arrays = {k: v.detach().numpy() if torch.is_tensor(v) else v for k, v in make().items()}
        arrays["torch_version"] = np.array(torch.__version__)
        path = OUT / f"{name}.npz"
        save_npz(path, arrays)
        size = path.stat().st_size
        total += size
        print(f"{path.relative_to(OUT.parent.parent)}: {len(arrays)} arrays, {size:,} bytes")
    print(f"total {total:,} bytes, torch {torch.__version__}")


if __name__ == "__main__":
    main()
