"""Read a weights file: the core's own ``.npz``, a PyTorch ``state_dict`` or Keras
``get_weights()`` saved with NumPy, and say what is in it.

PyTorch (``nn.LSTM``, optionally inside a module with a ``Linear`` head)::

    import numpy as np
    np.savez("lstm.npz", **{k: v.detach().cpu().numpy() for k, v in model.state_dict().items()})

Keras (one or more ``LSTM`` layers, then optionally one ``Dense``, in order)::

    import numpy as np
    np.savez("lstm.npz", *[w for layer in model.layers for w in layer.get_weights()])

Both frameworks order the gates i, f, g(=c), o, like the core; PyTorch's two biases are
summed and Keras' matrices transposed (see ``LSTM.from_torch`` / ``LSTM.from_keras``).
Files are never unpickled (``allow_pickle=False``). Every refusal is an
:class:`UploadError` with stable codes, values and an English message.
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
from lstm_viz.model import FORMAT as TOKEN_FORMAT
from lstm_viz.model import TokenModel
from lstm_viz.stack import FORMAT as STACK_FORMAT
from lstm_viz.stack import Dense, StackedLSTM

__all__ = ["MESSAGES", "Found", "UploadError", "check_size", "read_weights"]

# The English of every detail, by code; the app's catalogues translate the same codes.
MESSAGES = {
    "upload.why.too_big": "the file is {size} MB, over the limit of {limit} MB; upload a "
                          "smaller model",
    "upload.why.unpacked": "the file unpacks to {size} MB, over the limit of {limit} MB; upload"
                           " a smaller model",
    "upload.why.npy": "this is a single .npy array, not an .npz: save every weight into one "
                      "file with np.savez (see the export snippets)",
    "upload.why.pickle": "the file holds pickled Python objects (torch.save or pickle), which "
                         "are never loaded; save plain arrays with np.savez",
    "upload.why.pickled_arrays": "the file holds pickled Python objects, which are never "
                                 "loaded; save plain numeric arrays",
    "upload.why.torch_save": "this is a torch.save file (pickles in a zip), which is never "
                             "loaded; export the state_dict with np.savez as shown in the "
                             "snippets",
    "upload.why.objects": "array {name} holds Python objects; save plain numbers",
    "upload.why.not_npz": "this is not an .npz file (not a zip archive); save the weights with "
                          "np.savez (see the export snippets)",
    "upload.why.not_arrays": "this zip holds files that are not NumPy arrays ({files}); save "
                             "the weights with np.savez (see the export snippets)",
    "upload.why.damaged": "the .npz file is damaged or truncated; export it again",
    "upload.why.dtype": "array {name} must hold numbers; it holds {dtype}",
    "upload.why.nonfinite": "array {name} contains NaN or infinity (first at index {where}); "
                            "use finite numbers",
    "upload.why.empty": "the file holds no arrays. Expected an lstm-viz file, a PyTorch "
                        "state_dict (weight_ih_l0, …) or Keras get_weights() saved as arr_0, "
                        "arr_1, … — see the export snippets",
    "upload.why.unknown": "no LSTM weights recognised: the file holds {found}. Expected an "
                          "lstm-viz file, a PyTorch state_dict (weight_ih_l0, …) or Keras "
                          "get_weights() saved as arr_0, arr_1, … — see the export snippets",
    "upload.why.marker": "unknown format marker {marker} in the file; expected an lstm-viz "
                         "layer, stack or token model",
    "upload.why.missing": "the file has no {names}",
    "upload.why.half_head": "the file has only half a dense head: it needs head.W and head.b",
    "upload.why.w_shape": "{name} must have shape (4H, X) with H ≥ 1 and X ≥ 1; got {got}",
    "upload.why.shape": "{name} must have shape {described} = {want}; got {got}",
    "upload.why.chain": "layer {k} takes inputs of size {x}, but layer {below} gives {h} units",
    "upload.why.head": "the Linear layer {name} must have shape (K, {H}) to read the top LSTM "
                       "layer's {H} units; got {got}",
    "upload.why.heads": "several Linear layers ({names}); only one dense head on top of the "
                        "LSTM can be used",
    "upload.why.reverse": "this is a bidirectional LSTM (it has _reverse weights); only one "
                          "direction can be shown: export an nn.LSTM with bidirectional=False",
    "upload.why.proj": "this LSTM has a projection (proj_size > 0, weight_hr_l0), which is not "
                       "supported: export an nn.LSTM with proj_size=0",
    "upload.why.gaps": "the Keras arrays are not numbered arr_0 … arr_{last} without gaps; got "
                       "{names}",
    "upload.why.keras_chain": "layer {k}'s kernel arr_{p} has shape {got}: it must read the {h}"
                              " units of the layer below, so expected ({h}, 4H)",
    "upload.why.keras_start": "the Keras arrays do not start with an LSTM layer: expected arr_0"
                              " kernel (X, 4H), arr_1 recurrent_kernel (H, 4H), arr_2 bias "
                              "(4H,); got {got}",
    "upload.why.keras_head": "after the LSTM layers expected one Dense layer: kernel ({h}, K) "
                             "and bias (K,); got {got}",
    "upload.why.core": "{detail}",
    "upload.why.too_many_params": "the file holds {n} numbers ({mb} MB once read as float64), over"
                                  " the limit of {limit}; upload a model with fewer units or "
                                  "layers (one layer of H units reading X numbers has 4·H·(X + H +"
                                  " 1))",
    "upload.why.too_many_layers": "the model has {got} layers; at most {limit} are supported; "
                                  "upload a model with fewer layers",
}


class UploadError(ValueError):
    """A weights file that cannot be used; the message says what is wrong and what to do.

    ``reason`` (a code, ``upload.err.*``) names the kind of problem; ``key`` (one of
    :data:`MESSAGES`) and ``values`` the detail, so the app can say both in the learner's
    language. ``str(err)`` is the detail in English.
    """

    def __init__(self, reason: str, key: str, **values):
        self.reason, self.key, self.values = reason, key, values
        super().__init__(MESSAGES[key].format(**values))


@dataclass(frozen=True, eq=False)
class Found:
    """What an uploaded file holds.

    ``stack`` is the LSTM layers (and dense head) ready to run; ``token_model`` is set when
    the file was an lstm-viz token model (vocabulary + embedding + stack). ``convention``
    is "lstm-viz", "pytorch" or "keras"; ``layers`` the hidden size of each layer, bottom
    first; ``kind`` a code naming what the file is (``upload.kind.*``, which the app
    translates); ``ignored`` keys left unused.
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


def read_weights(data: bytes, max_bytes: int | None = None) -> Found:
    """Detect the layout of the ``.npz`` file ``data`` and build the model it holds.

    A file over ``max_bytes``, or unpacking to over four times that, is refused before it is
    read (None: no limit). Raises :class:`UploadError` (a ValueError) with a message for the
    learner. Shapes are checked here, before the core builds anything, so that every
    message has a code the app can translate; what the core still refuses (a damaged
    vocabulary, say) is passed on under ``upload.why.core``.
    """
    arrays = _arrays(data, max_bytes)
    if max_bytes is not None:  # before the core turns every value into a float64
        check_size(arrays, max_bytes // 4)
    try:
        if "format" in arrays or "W" in arrays or "l0.W" in arrays:
            return _check_layer_count(_own(arrays))
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


def _arrays(data: bytes, max_bytes: int | None) -> dict[str, np.ndarray]:
    """The arrays of the file, after checks on its size, its kind and its numbers."""
    if max_bytes is not None and len(data) > max_bytes:
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
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):  # a flipped version
        raise UploadError("upload.err.damaged", "upload.why.damaged") from None
    if max_bytes is not None and unpacked > 4 * max_bytes:
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


def check_size(arrays, max_params: int) -> None:
    """Refuse a file whose numbers, each a float64 once the core has them, are more than
    ``max_params`` (a 19.5 KB file of booleans can hold a 2,200-unit layer). The app allows
    as many as its byte limit holds in float32, so only a file that compresses is refused."""
    n = sum(a.size for k, a in arrays.items() if k not in STRING_KEYS and a.dtype.kind in "biuf")
    if n > max_params:
        raise UploadError("upload.err.too_big", "upload.why.too_many_params", n=f"{n:,}",
                          limit=f"{max_params:,}", mb=f"{8 * n / 1e6:.0f}")


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


def _own(arrays) -> Found:
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
        model = TokenModel.from_arrays(arrays)  # the arrays read above: parsed once
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
