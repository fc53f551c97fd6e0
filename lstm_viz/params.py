"""Count the trainable parameters of stacked LSTM layers, the way each framework counts them.

Notation
--------
X : input size of a layer (features per time step)
H : units of a layer (hidden size)
P : projection size, PyTorch's ``proj_size`` (0 for none)
R : recurrent input size: P with a projection, else H
D : directions, 2 for a bidirectional layer, else 1
K : units of the optional Dense output layer

Equations (one LSTM layer, one direction)
---------
    article   4·H·(H + X)                 W, U of three gates + candidate, no bias
    keras     4·(H·(H + X) + H)           plus one bias vector b (4H,)
    pytorch   4·H·(H + X) + 8·H           two bias vectors b_ih, b_hh (4H,) each
    pytorch   4·H·(X + P) + 8·H + P·H     with a projection: U is (4H, P), plus weight_hr (P, H)
    dense     H·K + K                     in every convention

"keras" is also how TensorFlow counts; "pytorch" is also how cuDNN and ONNX count
(they too keep a bias for the input and one for the recurrent weights).
A bidirectional layer counts twice and hands 2·H (2·P) inputs to the next layer.
Sequence length and batch size never change the count. Gate order is i, f, g, o.

Examples
--------
>>> count_params(5, [128, 64, 32, 8], dense=1).total                     # Keras' summary
131753
>>> ARTICLE.count("pytorch").total                                       # the same stack
132681
>>> count_params(5, 128).layers[0].formula
'4·(128·(128+5) + 128) = 68,608'
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from itertools import islice

from lstm_viz.gates import GATES

__all__ = [
    "ARTICLE", "CONVENTIONS", "MESSAGES", "CellCount", "DenseParams", "LayerParams",
    "ParamBreakdown", "ParamsError", "StackSizes", "compare_cells", "count_params",
]

CONVENTIONS = ("article", "keras", "pytorch")
MAX_SIZE = 1_000_000  # largest input size, unit count or projection size accepted
MAX_LAYERS = 64
_BIAS_VECTORS = {"article": 0, "keras": 1, "pytorch": 2}  # bias vectors of length 4H

Shapes = tuple[tuple[str, tuple[int, ...]], ...]

# The English of every ParamsError, by code; the catalogues translate the same codes (the
# CLI's ``--lang zh`` says them in Chinese). ``{name}`` is an argument's name as the code
# spells it (``units[2]``, ``proj_size``), the same in every language.
MESSAGES = {
    "err.params.convention": "convention must be one of {choices}; got {got}",
    "err.params.whole": "{name} must be a whole number; got {got}: use an integer such as 8",
    "err.params.size": "{name} must be between {low} and {high}; got {got}",
    "err.params.no_units": "units is empty: give the units of at least one LSTM layer, "
                           "e.g. [128]",
    "err.params.layers": "at most {limit} stacked LSTM layers are supported; give fewer "
                         "entries in units",
    "err.params.flag": "{name} must be True or False; got {got}",
    "err.params.proj_convention": "proj_size is a PyTorch option (nn.LSTM(proj_size=...)): "
                                  "use convention='pytorch' or set proj_size to 0",
    "err.params.proj_size": "proj_size must be smaller than every layer's units (PyTorch "
                            "requires proj_size < hidden_size); got {proj} with units {units}: "
                            "use a proj_size below {below}",
}


class ParamsError(ValueError):
    """A parameter count that cannot be made: ``key`` (one of :data:`MESSAGES`) names the
    problem and ``values`` fill its message; ``str(err)`` is the message in English.

    >>> err = ParamsError("err.params.layers", limit=64)
    >>> err.key, err.values
    ('err.params.layers', {'limit': 64})
    """

    def __init__(self, key: str, **values):
        self.key, self.values = key, values
        super().__init__(MESSAGES[key].format(**values))


@dataclass(frozen=True)
class StackSizes:
    """The sizes of an LSTM stack: X inputs, the units of each layer (bottom first) and
    the units of a Dense head (None for none).

    >>> ARTICLE.units_text, ARTICLE.count("article").total
    ('128, 64, 32, 8', 130825)
    """

    input_size: int
    units: tuple[int, ...]
    dense: int | None = None

    @property
    def units_text(self) -> str:
        """The units as they are typed: "128, 64, 32, 8"."""
        return ", ".join(str(h) for h in self.units)

    def count(self, convention="keras", bidirectional=False) -> ParamBreakdown:
        """:func:`count_params` of this stack."""
        return count_params(self.input_size, self.units, self.dense, convention=convention,
                            bidirectional=bidirectional)


# The source lesson's example stack: input 5 → LSTM 128 → 64 → 32 → 8 → Dense 1.
ARTICLE = StackSizes(input_size=5, units=(128, 64, 32, 8), dense=1)


@dataclass(frozen=True, kw_only=True)
class LayerParams:
    """The parameters of one LSTM layer (both directions when bidirectional).

    ``W`` counts the input weights (X·4H), ``U`` the recurrent weights (R·4H), ``bias``
    the bias terms (0, 4H or 8H), ``projection`` PyTorch's ``weight_hr`` (P·H); each is
    already multiplied by ``directions`` and ``total`` is their sum. ``shapes`` lists
    the tensors as (name, shape) pairs in the convention's own names and layout:

    - article: ``W_i W_f W_g W_o`` (H, X) and ``U_i U_f U_g U_o`` (H, H), the app's
      column-vector layout (z = W·x + U·h); the backward direction adds ``_reverse``.
    - keras: ``kernel`` (X, 4H), ``recurrent_kernel`` (H, 4H), ``bias`` (4H,); inside
      ``Bidirectional`` they sit under ``forward_lstm/`` and ``backward_lstm/``.
    - pytorch: ``weight_ih_l{k}`` (4H, X), ``weight_hh_l{k}`` (4H, R), ``bias_ih_l{k}``,
      ``bias_hh_l{k}`` (4H,), ``weight_hr_l{k}`` (P, H), plus ``_reverse`` copies, in
      ``named_parameters()`` order. k is the layer index as in ``nn.LSTM(num_layers=…)``;
      layers of different widths are separate ``nn.LSTM`` modules, each naming its ``_l0``.
    """

    index: int
    kind: str = "lstm"
    input_size: int
    units: int
    recurrent_size: int
    directions: int
    W: int
    U: int
    bias: int
    projection: int
    total: int
    shapes: Shapes
    formula: str

    @property
    def output_size(self) -> int:
        """Features this layer hands on: (P or H)·D."""
        return self.recurrent_size * self.directions


@dataclass(frozen=True)
class DenseParams:
    """A Dense (Linear) output layer: ``W`` = H·K weights and ``bias`` = K."""

    input_size: int
    units: int
    W: int
    bias: int
    total: int
    formula: str
    shapes: Shapes


@dataclass(frozen=True)
class ParamBreakdown:
    """Per-layer parameter counts of an LSTM stack and their ``total``."""

    convention: str
    input_size: int
    layers: tuple[LayerParams, ...]
    dense: DenseParams | None
    total: int

    @property
    def output_shapes(self) -> tuple[tuple[int | None, ...], ...]:
        """Output shape of each layer as Keras' ``model.summary()`` prints it, Dense last.

        ``None`` stands for the batch and time axes. Every LSTM but the last returns
        its whole sequence, (None, None, H·D); the last returns only its final state,
        (None, H·D) (Keras' default ``return_sequences=False``); Dense gives (None, K).
        With a projection, P takes the place of H.

        >>> count_params(5, [128, 8], dense=1).output_shapes
        ((None, None, 128), (None, 8), (None, 1))
        """
        shapes = [(None, None, layer.output_size) for layer in self.layers]
        shapes[-1] = (None, self.layers[-1].output_size)
        if self.dense is not None:
            shapes.append((None, self.dense.units))
        return tuple(shapes)


@dataclass(frozen=True)
class CellCount:
    """One row of :func:`compare_cells`: a cell type, its formula with numbers, its count."""

    name: str
    formula: str
    total: int


def count_params(input_size, units, dense=None, convention="keras", bidirectional=False,
                 proj_size=0) -> ParamBreakdown:
    """Count the trainable parameters of stacked LSTM layers and an optional Dense layer.

    Parameters
    ----------
    input_size : int
        Features per time step fed to the first layer (X).
    units : int or sequence of int
        Units (H) of each stacked LSTM layer, bottom first.
    dense : int or None
        Units (K) of a Dense output layer reading the last LSTM's output, or None.
    convention : {"article", "keras", "pytorch"}
        How biases are counted: none, one vector (Keras, TensorFlow) or two
        (PyTorch, cuDNN, ONNX). Case-insensitive.
    bidirectional : bool
        Every layer runs both ways: counts ×2, the next layer's input is 2·H.
    proj_size : int
        PyTorch's ``proj_size`` P (0 for none); "pytorch" convention only and
        smaller than every layer's units.

    Returns
    -------
    ParamBreakdown
        One :class:`LayerParams` per layer, the :class:`DenseParams` or None, the total.

    Raises
    ------
    ValueError
        For any argument out of range, saying what to change.

    Examples
    --------
    >>> b = count_params(5, [128, 64, 32, 8], dense=1, convention="article")
    >>> [layer.total for layer in b.layers], b.dense.total, b.total
    ([68096, 49152, 12288, 1280], 9, 130825)
    """
    convention = _check_convention(convention)
    X = _check_size("input_size", input_size)
    sizes = _check_units(units)
    K = None if dense is None else _check_size("dense", dense)
    D = 2 if _check_flag("bidirectional", bidirectional) else 1
    P = _check_projection(proj_size, sizes, convention)
    layers = []
    for k, H in enumerate(sizes):
        layers.append(_lstm_layer(k, X if k == 0 else layers[-1].output_size, H, P, D, convention))
    head = None if K is None else _dense_layer(layers[-1].output_size, K, convention)
    total = sum(layer.total for layer in layers) + (head.total if head else 0)
    return ParamBreakdown(convention, X, tuple(layers), head, total)


_CELLS = (  # (name, formula, count) for H units on X inputs, one direction
    ("lstm_article", "4·{H}·({H}+{X})", lambda H, X: 4 * H * (H + X)),
    ("lstm_keras", "4·({H}·({H}+{X}) + {H})", lambda H, X: 4 * (H * (H + X) + H)),
    ("lstm_pytorch", "4·{H}·({H}+{X}) + 8·{H}", lambda H, X: 4 * H * (H + X) + 8 * H),
    ("lstm_peephole", "4·({H}·({H}+{X}) + {H}) + 3·{H}",
     lambda H, X: 4 * (H * (H + X) + H) + 3 * H),
    ("lstm_coupled", "3·({H}·({H}+{X}) + {H})", lambda H, X: 3 * (H * (H + X) + H)),
    ("gru_reset_after", "3·{H}·({H}+{X}) + 6·{H}", lambda H, X: 3 * H * (H + X) + 6 * H),
    ("gru_reset_before", "3·({H}·({H}+{X}) + {H})", lambda H, X: 3 * (H * (H + X) + H)),
    ("rnn_keras", "{H}·({H}+{X}) + {H}", lambda H, X: H * (H + X) + H),
    ("rnn_pytorch", "{H}·({H}+{X}) + 2·{H}", lambda H, X: H * (H + X) + 2 * H),
)


def compare_cells(input_size, units) -> tuple[CellCount, ...]:
    """Parameter counts of other recurrent cells with the same input size and units.

    Rows, by ``name`` (a stable key for translated labels):

    - ``lstm_article``, ``lstm_keras``, ``lstm_pytorch``: the LSTM in each convention
    - ``lstm_peephole``: Keras' count plus three peephole vectors (3·H)
    - ``lstm_coupled``: coupled input–forget gate (f = 1 − i), three gates' weights
    - ``gru_reset_after``: GRU in Keras (``reset_after=True``, the default) and PyTorch
    - ``gru_reset_before``: GRU in Keras with ``reset_after=False``
    - ``rnn_keras``, ``rnn_pytorch``: a simple (Elman) RNN, one or two biases

    Parameters
    ----------
    input_size : int
        Features per time step (X).
    units : int
        Units of the one layer (H).

    Examples
    --------
    >>> {row.name: row.total for row in compare_cells(5, 8)}["gru_reset_before"]
    336
    """
    X = _check_size("input_size", input_size)
    H = _check_size("units", units)
    return tuple(CellCount(name, f"{formula.format(H=H, X=X)} = {count(H, X):,}", count(H, X))
                 for name, formula, count in _CELLS)


def _lstm_layer(k, X, H, P, D, convention) -> LayerParams:
    """Layer k with X inputs and H units; P the projection (0: none), D the directions."""
    R = P or H  # what U multiplies: the projected h when P > 0
    W, U = D * 4 * H * X, D * 4 * H * R
    bias = D * 4 * H * _BIAS_VECTORS[convention]
    projection = D * P * H
    total = W + U + bias + projection
    return LayerParams(index=k, input_size=X, units=H, recurrent_size=R, directions=D,
                       W=W, U=U, bias=bias, projection=projection, total=total,
                       shapes=_lstm_shapes(k, X, H, P, D, convention),
                       formula=_lstm_formula(X, H, P, D, convention, total))


def _lstm_formula(X, H, P, D, convention, total) -> str:
    if P:
        body = f"4·{H}·({X}+{P}) + 8·{H} + {P}·{H}"
    elif convention == "article":
        body = f"4·{H}·({H}+{X})"
    elif convention == "keras":
        body = f"4·({H}·({H}+{X}) + {H})"
    else:
        body = f"4·{H}·({H}+{X}) + 8·{H}"
    if D == 2:
        body = f"2·({body})"
    return f"{body} = {total:,}"


def _lstm_shapes(k, X, H, P, D, convention) -> Shapes:
    if convention == "article":
        return tuple((f"{m}_{gate}{suffix}", (H, X if m == "W" else H))
                     for suffix in ("", "_reverse")[:D] for m in "WU" for gate in GATES)
    if convention == "keras":
        prefixes = ("",) if D == 1 else ("forward_lstm/", "backward_lstm/")
        return tuple((f"{p}{name}", shape) for p in prefixes for name, shape in
                     (("kernel", (X, 4 * H)), ("recurrent_kernel", (H, 4 * H)), ("bias", (4 * H,))))
    return tuple(pair for suffix in ("", "_reverse")[:D]
                 for pair in _torch_direction(f"l{k}{suffix}", X, H, P))


def _torch_direction(tag, X, H, P) -> Shapes:
    """One direction of a PyTorch layer, in ``named_parameters()`` order."""
    shapes = ((f"weight_ih_{tag}", (4 * H, X)), (f"weight_hh_{tag}", (4 * H, P or H)),
              (f"bias_ih_{tag}", (4 * H,)), (f"bias_hh_{tag}", (4 * H,)))
    return shapes + (((f"weight_hr_{tag}", (P, H)),) if P else ())


def _dense_layer(H, K, convention) -> DenseParams:
    """Dense from H inputs to K units: weights H·K and K biases in every convention."""
    shapes = {"article": (("W_y", (K, H)), ("b_y", (K,))),
              "keras": (("kernel", (H, K)), ("bias", (K,))),
              "pytorch": (("weight", (K, H)), ("bias", (K,)))}[convention]
    total = H * K + K
    return DenseParams(H, K, H * K, K, total, f"{H}·{K} + {K} = {total:,}", shapes)


def _check_convention(convention) -> str:
    key = convention.lower() if isinstance(convention, str) else None
    if key not in CONVENTIONS:
        raise ParamsError("err.params.convention", choices=", ".join(CONVENTIONS),
                          got=repr(convention))
    return key


def _check_size(name, value, minimum=1) -> int:
    """``value`` as an int in [minimum, MAX_SIZE]; integral floats such as 8.0 are accepted."""
    whole = isinstance(value, numbers.Integral) or (
        isinstance(value, numbers.Real) and float(value).is_integer())
    if isinstance(value, bool) or not whole:
        raise ParamsError("err.params.whole", name=name, got=repr(value))
    value = int(value)
    if not minimum <= value <= MAX_SIZE:
        raise ParamsError("err.params.size", name=name, low=minimum, high=f"{MAX_SIZE:,}",
                          got=f"{value:,}")
    return value


def _check_units(units) -> tuple[int, ...]:
    if isinstance(units, (str, bytes)):
        units = (units,)  # _check_size will say it must be a whole number
    try:
        sizes = tuple(islice(units, MAX_LAYERS + 1))
    except TypeError:  # not iterable: a single layer's units
        sizes = (units,)
    if not sizes:
        raise ParamsError("err.params.no_units")
    if len(sizes) > MAX_LAYERS:
        raise ParamsError("err.params.layers", limit=MAX_LAYERS)
    if len(sizes) == 1:
        return (_check_size("units", sizes[0]),)
    return tuple(_check_size(f"units[{k}]", H) for k, H in enumerate(sizes))


def _check_flag(name, value) -> bool:
    if not isinstance(value, bool):
        raise ParamsError("err.params.flag", name=name, got=repr(value))
    return value


def _check_projection(proj_size, sizes, convention) -> int:
    P = _check_size("proj_size", proj_size, minimum=0)
    if P and convention != "pytorch":
        raise ParamsError("err.params.proj_convention")
    if P and P >= min(sizes):
        raise ParamsError("err.params.proj_size", proj=P, units=list(sizes),
                          below=min(sizes))
    return P
