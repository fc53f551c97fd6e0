"""Read an uploaded weights file: the core's own ``.npz``, a PyTorch ``state_dict`` or
Keras ``get_weights()`` saved with NumPy, and say what is in it.

Export snippets (the app and the README show the same):

PyTorch (``nn.LSTM``, optionally inside a module with a ``Linear`` head)::

    import numpy as np
    np.savez("lstm.npz", **{k: v.detach().cpu().numpy() for k, v in model.state_dict().items()})

Keras (one or more ``LSTM`` layers, then optionally one ``Dense``, in order)::

    import numpy as np
    np.savez("lstm.npz", *[w for layer in model.layers for w in layer.get_weights()])

Both frameworks order the gates i, f, g(=c), o, like the core; PyTorch's two biases are
summed and Keras' matrices transposed (see ``LSTM.from_torch`` / ``LSTM.from_keras``).
Files are never unpickled (``allow_pickle=False``).
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lstm_viz._checks import check_finite, read_npz
from lstm_viz.cell import FORMAT as LSTM_FORMAT
from lstm_viz.cell import LSTM
from lstm_viz.model import FORMAT as TOKEN_FORMAT
from lstm_viz.model import TokenModel
from lstm_viz.stack import FORMAT as STACK_FORMAT
from lstm_viz.stack import Dense, StackedLSTM

__all__ = ["MAX_BYTES", "PYTORCH_SNIPPET", "KERAS_SNIPPET", "Found", "UploadError",
           "read_weights"]

MAX_BYTES = 5_000_000  # the app's upload limit (.streamlit/config.toml: maxUploadSize = 5)

PYTORCH_SNIPPET = ('import numpy as np\n'
                   'np.savez("lstm.npz", **{k: v.detach().cpu().numpy()\n'
                   '                        for k, v in model.state_dict().items()})')
KERAS_SNIPPET = ('import numpy as np\n'
                 'np.savez("lstm.npz", *[w for layer in model.layers\n'
                 '                       for w in layer.get_weights()])')


class UploadError(ValueError):
    """A weights file that cannot be used; the message says what is wrong and what to do.

    ``reason`` is a catalogue key (``upload.err.*``) naming the kind of problem, so the app
    can say it in the learner's language above the technical detail.
    """

    def __init__(self, message: str, reason: str = "upload.err.model"):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, eq=False)
class Found:
    """What an uploaded file holds.

    ``stack`` is the LSTM layers (and dense head) ready to run; ``token_model`` is set when
    the file was an lstm-viz token model (vocabulary + embedding + stack). ``convention``
    is "lstm-viz", "pytorch" or "keras"; ``layers`` the hidden size of each layer, bottom
    first; ``kind`` a catalogue key describing the file; ``ignored`` keys left unused.
    """

    stack: StackedLSTM
    convention: str
    kind: str
    token_model: TokenModel | None = None
    ignored: tuple[str, ...] = ()

    @property
    def layers(self) -> tuple[int, ...]:
        return self.stack.units

    @property
    def input_size(self) -> int:
        return self.stack.input_size

    @property
    def head(self) -> int | None:
        """Outputs of the dense head, or None without one."""
        return None if self.stack.head is None else self.stack.head.units


def read_weights(data: bytes, max_bytes: int = MAX_BYTES) -> Found:
    """Detect the layout of an uploaded ``.npz`` and build the model it holds.

    Raises :class:`UploadError` (a ValueError) with a message for the learner.
    """
    arrays = _arrays(data, max_bytes)
    try:
        if "format" in arrays or "W" in arrays or "l0.W" in arrays:
            return _own(data, arrays)
        if any(k.endswith("weight_ih_l0") for k in arrays):
            return _pytorch(arrays)
        if arrays and all(re.fullmatch(r"arr_\d+", k) for k in arrays):
            return _keras(arrays)
    except UploadError:
        raise
    except ValueError as err:
        raise UploadError(str(err)) from None
    found = ", ".join(f"{k} {arrays[k].shape}" for k in sorted(arrays)) or "no arrays"
    raise UploadError(f"no LSTM weights recognised: the file holds {found}. Expected an lstm-viz "
                      "file, a PyTorch state_dict (weight_ih_l0, …) or Keras get_weights() "
                      "saved as arr_0, arr_1, … — see the export snippets",
                      "upload.err.unknown")


def _arrays(data: bytes, max_bytes: int) -> dict[str, np.ndarray]:
    """The arrays of the file, after checks on its size, its kind and its numbers."""
    if len(data) > max_bytes:
        raise UploadError(f"the file is {len(data) / 1e6:.1f} MB, over the limit of "
                          f"{max_bytes / 1e6:g} MB; upload a smaller model", "upload.err.too_big")
    if data[:6] == b"\x93NUMPY":
        raise UploadError("this is a single .npy array, not an .npz: save every weight "
                          "into one file with np.savez (see the export snippets)", "upload.err.npy")
    if data[:1] == b"\x80":
        raise UploadError("the file holds pickled Python objects (torch.save or pickle), "
                          "which are never loaded; save plain arrays with np.savez",
                          "upload.err.pickle")
    if data[:2] != b"PK":
        raise UploadError("this is not an .npz file (not a zip archive); save the weights "
                          "with np.savez (see the export snippets)", "upload.err.not_npz")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise UploadError(f"the .npz file is damaged or truncated ({err}); export it "
                          "again", "upload.err.damaged") from None
    if unpacked > 4 * max_bytes:
        raise UploadError(f"the file unpacks to {unpacked / 1e6:.0f} MB, over the limit of "
                          f"{4 * max_bytes / 1e6:g} MB; upload a smaller model",
                          "upload.err.too_big")
    try:
        arrays = read_npz(io.BytesIO(data), required=())
    except ValueError as err:
        reason = "upload.err.pickle" if "pickled" in str(err) else "upload.err.damaged"
        raise UploadError(str(err), reason) from None
    others = sorted(k for k, a in arrays.items() if not isinstance(a, np.ndarray))
    if any(k.endswith(".pkl") for k in others):  # torch.save writes a zip of pickles
        raise UploadError("this is a torch.save file (pickles in a zip), which is never "
                          "loaded; export the state_dict with np.savez as shown in the "
                          "snippets", "upload.err.pickle")
    if others:  # a zip, but not of NumPy arrays (a .keras file, an archive)
        raise UploadError(f"this zip holds files that are not NumPy arrays ({', '.join(others[:5])}"
                          "); save the weights with np.savez (see the export snippets)",
                          "upload.err.not_npz")
    for key, a in arrays.items():
        if a.dtype.kind == "O":
            raise UploadError(f"array {key} holds Python objects; save plain numbers",
                              "upload.err.pickle")
        if a.dtype.kind in "fc":
            try:
                check_finite(a, f"array {key}")
            except ValueError as err:
                raise UploadError(str(err), "upload.err.nonfinite") from None
    return arrays


def _own(data: bytes, arrays) -> Found:
    """A file the core wrote: a layer, a stack or a token model."""
    marker = arrays.get("format")
    text = str(marker[()]) if marker is not None and marker.ndim == 0 else ""
    if text and text not in (TOKEN_FORMAT, STACK_FORMAT, LSTM_FORMAT):
        raise UploadError(f"unknown format marker {text!r} in the file; expected an lstm-viz "
                          "layer, stack or token model")
    with tempfile.TemporaryDirectory() as tmp:  # the loaders read the file more than once
        path = Path(tmp) / "upload.npz"
        path.write_bytes(data)
        if text == TOKEN_FORMAT:
            model = TokenModel.load(path)
            return Found(model.stack, "lstm-viz", "upload.kind.token", token_model=model)
        stack = StackedLSTM.load(path)
    kind = "upload.kind.stack" if "l0.W" in arrays else "upload.kind.lstm"
    return Found(stack, "lstm-viz", kind)


def _pytorch(arrays) -> Found:
    """A state_dict saved with np.savez: ``[prefix]weight_ih_l{k}`` …, maybe a Linear head."""
    if any(k.endswith("_reverse") for k in arrays):
        raise UploadError("this is a bidirectional LSTM (it has _reverse weights); only one "
                          "direction can be shown: export an nn.LSTM with bidirectional=False",
                          "upload.err.reverse")
    prefix = next(k for k in arrays if k.endswith("weight_ih_l0"))[:-len("weight_ih_l0")]
    names = re.compile(re.escape(prefix) + r"(weight|bias)_(ih|hh|hr)_l\d+")
    lstm = {k[len(prefix):]: v for k, v in arrays.items() if names.fullmatch(k)}
    stack = StackedLSTM.from_torch(lstm)
    rest = [k for k in arrays if k not in {prefix + n for n in lstm}]
    heads = [k[:-len("weight")] for k in rest
             if k.endswith("weight") and k[:-len("weight")] + "bias" in arrays
             and arrays[k].ndim == 2]
    if len(heads) > 1:
        raise UploadError(f"several Linear layers ({', '.join(h + 'weight' for h in heads)}); "
                          "only one dense head on top of the LSTM can be used")
    if heads:
        W, b = arrays[heads[0] + "weight"], arrays[heads[0] + "bias"]
        H = stack.units[-1]
        if W.shape[1] != H:
            raise UploadError(f"the Linear layer {heads[0]}weight must have shape (K, {H}) to "
                              f"read the top LSTM layer's {H} units; got {W.shape}")
        stack = StackedLSTM(stack.layers, Dense(W, b))
        rest = [k for k in rest if k not in (heads[0] + "weight", heads[0] + "bias")]
    return Found(stack, "pytorch", "upload.kind.pytorch", ignored=tuple(sorted(rest)))


def _keras(arrays) -> Found:
    """``arr_0, arr_1, …``: LSTM kernel (X, 4H), recurrent_kernel (H, 4H), bias (4H,),
    repeated per layer, then optionally a Dense kernel (H, K) and bias (K,)."""
    seq = [arrays[f"arr_{n}"] for n in range(len(arrays))] if all(
        f"arr_{n}" in arrays for n in range(len(arrays))) else None
    if seq is None:
        raise UploadError(f"the Keras arrays are not numbered arr_0 … arr_{len(arrays) - 1} "
                          f"without gaps; got {', '.join(sorted(arrays))}")
    layers, p = [], 0
    while p + 1 < len(seq) and _is_lstm(seq[p], seq[p + 1]):
        kernel, recurrent = seq[p], seq[p + 1]
        nxt = seq[p + 2] if p + 2 < len(seq) else None
        has_bias = nxt is not None and nxt.shape == (kernel.shape[1],)
        bias = seq[p + 2] if has_bias else None
        if layers and kernel.shape[0] != layers[-1].hidden_size:
            raise UploadError(f"layer {len(layers) + 1}'s kernel arr_{p} has shape {kernel.shape}: "
                              f"it must read the {layers[-1].hidden_size} units of the layer "
                              f"below, so expected ({layers[-1].hidden_size}, 4H)")
        layers.append(LSTM.from_keras(kernel, recurrent, bias))
        p += 3 if has_bias else 2
    if not layers:
        shapes = ", ".join(f"arr_{n} {a.shape}" for n, a in enumerate(seq[:3]))
        raise UploadError("the Keras arrays do not start with an LSTM layer: expected arr_0 "
                          f"kernel (X, 4H), arr_1 recurrent_kernel (H, 4H), arr_2 bias (4H,); "
                          f"got {shapes}")
    head, rest = None, seq[p:]
    if rest:
        H = layers[-1].hidden_size
        if len(rest) != 2 or rest[0].ndim != 2 or rest[0].shape[0] != H or rest[1].ndim != 1:
            got = ", ".join(f"arr_{p + n} {a.shape}" for n, a in enumerate(rest))
            raise UploadError(f"after the LSTM layers expected one Dense layer: kernel ({H}, K) "
                              f"and bias (K,); got {got}")
        head = Dense(rest[0].T, rest[1])
    return Found(StackedLSTM(tuple(layers), head), "keras", "upload.kind.keras")


def _is_lstm(kernel, recurrent) -> bool:
    """Whether two arrays look like an LSTM's kernel (X, 4H) and recurrent kernel (H, 4H)."""
    if kernel.ndim != 2 or recurrent.ndim != 2 or kernel.shape[1] % 4 or kernel.shape[1] == 0:
        return False
    return recurrent.shape == (kernel.shape[1] // 4, kernel.shape[1])
