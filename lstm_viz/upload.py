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
import zipfile
from dataclasses import dataclass

import numpy as np

from lstm_viz._checks import read_npz
from lstm_viz.cell import FORMAT as LSTM_FORMAT
from lstm_viz.cell import LSTM
from lstm_viz.i18n import t
from lstm_viz.model import FORMAT as TOKEN_FORMAT
from lstm_viz.model import TokenModel
from lstm_viz.stack import FORMAT as STACK_FORMAT
from lstm_viz.stack import Dense, StackedLSTM

__all__ = ["MAX_BYTES", "MAX_PARAMS", "PYTORCH_SNIPPET", "KERAS_SNIPPET", "Found",
           "UploadError", "check_size", "read_weights"]

MAX_BYTES = 5_000_000  # the app's upload limit (.streamlit/config.toml: maxUploadSize = 5)
# Numbers a file may hold, each becoming a float64: as many as MAX_BYTES of float32 holds, so
# only a file that compresses (booleans, zeros) can be over it; 1.25 M values are 10 MB.
MAX_PARAMS = MAX_BYTES // 4

PYTORCH_SNIPPET = ('import numpy as np\n'
                   'np.savez("lstm.npz", **{k: v.detach().cpu().numpy()\n'
                   '                        for k, v in model.state_dict().items()})')
KERAS_SNIPPET = ('import numpy as np\n'
                 'np.savez("lstm.npz", *[w for layer in model.layers\n'
                 '                       for w in layer.get_weights()])')


class UploadError(ValueError):
    """A weights file that cannot be used; the message says what is wrong and what to do.

    ``reason`` is a catalogue key (``upload.err.*``) naming the kind of problem; ``key`` and
    ``values`` the detail (``upload.why.*``), so the app can say both in the learner's
    language. ``str(err)`` is the detail in English.
    """

    def __init__(self, reason: str, key: str, **values):
        self.reason, self.key, self.values = reason, key, values
        super().__init__(t(key, "en", **values))

    def detail(self, lang: str) -> str:
        return t(self.key, lang, **self.values)


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

    Raises :class:`UploadError` (a ValueError) with a message for the learner. Shapes are
    checked here, before the core builds anything, so that every message can be said in
    both languages; what the core still refuses (a damaged vocabulary, say) is passed on
    under ``upload.why.core``.
    """
    arrays = _arrays(data, max_bytes)
    check_size(arrays)  # before the core turns every value into a float64
    try:
        if "format" in arrays or "W" in arrays or "l0.W" in arrays:
            return _check_layer_count(_own(data, arrays))
        if any(k.endswith("weight_ih_l0") for k in arrays):
            return _check_layer_count(_pytorch(arrays))
        if arrays and all(re.fullmatch(r"arr_\d+", k) for k in arrays):
            return _check_layer_count(_keras(arrays))
    except UploadError:
        raise
    except ValueError as err:
        raise UploadError("upload.err.model", "upload.why.core", detail=str(err)) from None
    if not arrays:
        raise UploadError("upload.err.unknown", "upload.why.empty")
    found = ", ".join(f"{k} {arrays[k].shape}" for k in sorted(arrays))
    raise UploadError("upload.err.unknown", "upload.why.unknown", found=found)


STRING_KEYS = ("format", "vocab", "labels", "meta")  # the only text a token model file holds


def _arrays(data: bytes, max_bytes: int) -> dict[str, np.ndarray]:
    """The arrays of the file, after checks on its size, its kind and its numbers."""
    if len(data) > max_bytes:
        raise UploadError("upload.err.too_big", "upload.why.too_big",
                          size=f"{len(data) / 1e6:.1f}", limit=f"{max_bytes / 1e6:g}")
    if data[:6] == b"\x93NUMPY":
        raise UploadError("upload.err.npy", "upload.why.npy")
    if data[:1] == b"\x80":
        raise UploadError("upload.err.pickle", "upload.why.pickle")
    if data[:2] != b"PK":
        raise UploadError("upload.err.not_npz", "upload.why.not_npz")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, OSError, EOFError):
        raise UploadError("upload.err.damaged", "upload.why.damaged") from None
    if unpacked > 4 * max_bytes:
        raise UploadError("upload.err.too_big", "upload.why.unpacked",
                          size=f"{unpacked / 1e6:.0f}", limit=f"{4 * max_bytes / 1e6:g}")
    try:
        arrays = read_npz(io.BytesIO(data), required=())
    except ValueError as err:
        if "pickled" in str(err):
            raise UploadError("upload.err.pickle", "upload.why.pickled_arrays") from None
        raise UploadError("upload.err.damaged", "upload.why.damaged") from None
    others = sorted(k for k, a in arrays.items() if not isinstance(a, np.ndarray))
    if any(k.endswith(".pkl") for k in others):  # torch.save writes a zip of pickles
        raise UploadError("upload.err.pickle", "upload.why.torch_save")
    if others:  # a zip, but not of NumPy arrays (a .keras file, an archive)
        raise UploadError("upload.err.not_npz", "upload.why.not_arrays",
                          files=", ".join(others[:5]))
    for key, a in arrays.items():
        if a.dtype.kind == "O":
            raise UploadError("upload.err.pickle", "upload.why.objects", name=key)
        if a.dtype.kind not in "biuf" and key not in STRING_KEYS:
            raise UploadError("upload.err.model", "upload.why.dtype", name=key, dtype=str(a.dtype))
        if a.dtype.kind == "f" and not np.isfinite(a).all():
            where = tuple(int(k) for k in np.argwhere(~np.isfinite(a))[0])
            raise UploadError("upload.err.nonfinite", "upload.why.nonfinite", name=key,
                              where=str(where))
    return arrays


def check_size(arrays) -> None:
    """Refuse a file whose numbers, each a float64 once the core has them, are more than
    MAX_PARAMS (a 19.5 KB file of booleans can hold a 2,200-unit layer)."""
    n = sum(a.size for k, a in arrays.items() if k not in STRING_KEYS and a.dtype.kind in "biuf")
    if n > MAX_PARAMS:
        raise UploadError("upload.err.too_big", "upload.why.too_many_params", n=f"{n:,}",
                          limit=f"{MAX_PARAMS:,}", mb=f"{8 * n / 1e6:.0f}")


def _check_layer_count(found: Found) -> Found:
    """``found``, unless it has more layers than the core supports (lstm_viz.params)."""
    from lstm_viz.params import MAX_LAYERS

    if len(found.layers) > MAX_LAYERS:
        raise UploadError("upload.err.model", "upload.why.too_many_layers",
                          got=len(found.layers), limit=MAX_LAYERS)
    return found


def _check_layers(layers) -> None:
    """Shapes of ``(names, W, U, bs)`` layers, bottom first, in PyTorch's layout: W (4H, X),
    U (4H, H), each b (4H,), and each layer reading the units of the one below."""
    below = None
    for k, ((w_name, u_name, *b_names), W, U, bs) in enumerate(layers, start=1):
        if W.ndim != 2 or W.shape[0] % 4 or 0 in W.shape:
            raise UploadError("upload.err.model", "upload.why.w_shape", name=w_name,
                              got=str(W.shape))
        H, X = W.shape[0] // 4, W.shape[1]
        _check_shape(U, u_name, "(4H, H)", (4 * H, H))
        for name, b in zip(b_names, bs, strict=True):
            _check_shape(b, name, "(4H,)", (4 * H,))
        if below is not None and X != below:
            raise UploadError("upload.err.model", "upload.why.chain", k=k, x=X, below=k - 1,
                              h=below)
        below = H


def _check_shape(a, name: str, described: str, shape: tuple[int, ...]) -> None:
    if a.shape != shape:
        raise UploadError("upload.err.model", "upload.why.shape", name=name,
                          described=described, want=str(shape), got=str(a.shape))


def _check_head(W, b, names: tuple[str, str], H: int) -> None:
    """A dense head reading H units: W (K, H), b (K,)."""
    if W.ndim != 2 or W.shape[1] != H or W.shape[0] == 0:
        raise UploadError("upload.err.model", "upload.why.head", name=names[0], H=H,
                          got=str(W.shape))
    _check_shape(b, names[1], "(K,)", W.shape[:1])


def _own(data: bytes, arrays) -> Found:
    """A file the core wrote: a layer, a stack or a token model."""
    marker = arrays.get("format")
    text = str(marker[()]) if marker is not None and marker.ndim == 0 else ""
    if text and text not in (TOKEN_FORMAT, STACK_FORMAT, LSTM_FORMAT):
        raise UploadError("upload.err.model", "upload.why.marker", marker=repr(text))
    prefixes = [""] if "W" in arrays and "l0.W" not in arrays else []
    while f"l{len(prefixes)}.W" in arrays:
        prefixes.append(f"l{len(prefixes)}.")
    if not prefixes:
        raise UploadError("upload.err.model", "upload.why.missing", names="l0.W, l0.U, l0.b")
    layers = []
    for p in prefixes:
        names = (f"{p}W", f"{p}U", f"{p}b")
        missing = [n for n in names if n not in arrays]
        if missing:
            raise UploadError("upload.err.model", "upload.why.missing", names=", ".join(missing))
        layers.append((names, arrays[names[0]], arrays[names[1]], (arrays[names[2]],)))
    _check_layers(layers)
    if ("head.W" in arrays) != ("head.b" in arrays):
        raise UploadError("upload.err.model", "upload.why.half_head")
    if "head.W" in arrays:
        _check_head(arrays["head.W"], arrays["head.b"], ("head.W", "head.b"),
                    layers[-1][2].shape[1])
    if text == TOKEN_FORMAT:
        model = TokenModel.load(io.BytesIO(data))
        return Found(model.stack, "lstm-viz", "upload.kind.token", token_model=model)
    head = Dense(arrays["head.W"], arrays["head.b"]) if "head.W" in arrays else None
    stack = StackedLSTM(tuple(LSTM(W, U, b) for _, W, U, (b,) in layers), head)  # parsed once
    kind = "upload.kind.stack" if "l0.W" in arrays else "upload.kind.lstm"
    return Found(stack, "lstm-viz", kind)


def _pytorch(arrays) -> Found:
    """A state_dict saved with np.savez: ``[prefix]weight_ih_l{k}`` …, maybe a Linear head."""
    if any(k.endswith("_reverse") for k in arrays):
        raise UploadError("upload.err.reverse", "upload.why.reverse")
    prefix = next(k for k in arrays if k.endswith("weight_ih_l0"))[:-len("weight_ih_l0")]
    if any(k.startswith(prefix + "weight_hr_l") for k in arrays):
        raise UploadError("upload.err.model", "upload.why.proj")
    names = re.compile(re.escape(prefix) + r"(weight|bias)_(ih|hh)_l\d+")
    lstm = {k[len(prefix):]: v for k, v in arrays.items() if names.fullmatch(k)}
    layers, k = [], 0
    while f"weight_ih_l{k}" in lstm:
        if f"weight_hh_l{k}" not in lstm:
            raise UploadError("upload.err.model", "upload.why.missing",
                              names=f"{prefix}weight_hh_l{k}")
        biases = [n for n in (f"bias_ih_l{k}", f"bias_hh_l{k}") if n in lstm]
        layers.append(((prefix + f"weight_ih_l{k}", prefix + f"weight_hh_l{k}",
                        *(prefix + n for n in biases)),
                       lstm[f"weight_ih_l{k}"], lstm[f"weight_hh_l{k}"],
                       tuple(lstm[n] for n in biases)))
        k += 1
    _check_layers(layers)
    stack = StackedLSTM.from_torch(lstm)
    rest = [k for k in arrays if k not in {prefix + n for n in lstm}]
    heads = [k[:-len("weight")] for k in rest
             if k.endswith("weight") and k[:-len("weight")] + "bias" in arrays
             and arrays[k].ndim == 2]
    if len(heads) > 1:
        raise UploadError("upload.err.model", "upload.why.heads",
                          names=", ".join(h + "weight" for h in heads))
    if heads:
        names = (heads[0] + "weight", heads[0] + "bias")
        W, b = arrays[names[0]], arrays[names[1]]
        _check_head(W, b, names, stack.units[-1])
        stack = StackedLSTM(stack.layers, Dense(W, b))
        rest = [k for k in rest if k not in names]
    return Found(stack, "pytorch", "upload.kind.pytorch", ignored=tuple(sorted(rest)))


def _keras(arrays) -> Found:
    """``arr_0, arr_1, …``: LSTM kernel (X, 4H), recurrent_kernel (H, 4H), bias (4H,),
    repeated per layer, then optionally a Dense kernel (H, K) and bias (K,)."""
    if not all(f"arr_{n}" in arrays for n in range(len(arrays))):
        raise UploadError("upload.err.model", "upload.why.gaps", last=len(arrays) - 1,
                          names=", ".join(sorted(arrays)))
    seq = [arrays[f"arr_{n}"] for n in range(len(arrays))]
    layers, p = [], 0
    while p + 1 < len(seq) and _is_lstm(seq[p], seq[p + 1]):
        kernel, recurrent = seq[p], seq[p + 1]
        nxt = seq[p + 2] if p + 2 < len(seq) else None
        has_bias = nxt is not None and nxt.shape == (kernel.shape[1],)
        bias = seq[p + 2] if has_bias else None
        if layers and kernel.shape[0] != layers[-1].hidden_size:
            raise UploadError("upload.err.model", "upload.why.keras_chain", k=len(layers) + 1,
                              p=p, got=str(kernel.shape), h=layers[-1].hidden_size)
        layers.append(LSTM.from_keras(kernel, recurrent, bias))
        p += 3 if has_bias else 2
    if not layers:
        shapes = ", ".join(f"arr_{n} {a.shape}" for n, a in enumerate(seq[:3]))
        raise UploadError("upload.err.model", "upload.why.keras_start", got=shapes)
    head, rest = None, seq[p:]
    if rest:
        H = layers[-1].hidden_size
        if len(rest) != 2 or rest[0].ndim != 2 or rest[0].shape[0] != H or rest[1].ndim != 1:
            got = ", ".join(f"arr_{p + n} {a.shape}" for n, a in enumerate(rest))
            raise UploadError("upload.err.model", "upload.why.keras_head", h=H, got=got)
        _check_shape(rest[1], f"arr_{p + 1}", "(K,)", rest[0].shape[1:])
        head = Dense(rest[0].T, rest[1])
    return Found(StackedLSTM(tuple(layers), head), "keras", "upload.kind.keras")


def _is_lstm(kernel, recurrent) -> bool:
    """Whether two arrays look like an LSTM's kernel (X, 4H) and recurrent kernel (H, 4H)."""
    if kernel.ndim != 2 or recurrent.ndim != 2 or kernel.shape[1] % 4 or 0 in kernel.shape:
        return False
    return recurrent.shape == (kernel.shape[1] // 4, kernel.shape[1])
