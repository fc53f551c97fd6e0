"""One LSTM layer in NumPy that records every gate at every time step.

Notation
--------
T : number of time steps        B : batch size (optional axis)
X : input size                  H : hidden size (number of units)

Equations (one step, σ the logistic sigmoid, ⊙ the elementwise product)
---------
    z   = W·x_t + U·h_{t-1} + b          pre-activations, shape (4H,)
    i   = σ(z_i)                          input gate       输入门
    f   = σ(z_f)                          forget gate      遗忘门
    g   = tanh(z_g)                       candidate C̃_t    候选记忆元
    o   = σ(z_o)                          output gate      输出门
    c_t = f ⊙ c_{t-1} + i ⊙ g             cell state       记忆元
    h_t = o ⊙ tanh(c_t)                   hidden state     隐状态

Gate order along the 4H axis of ``W``, ``U`` and ``b`` is **i, f, g, o**, the
order PyTorch and Keras use; the importers (:mod:`lstm_viz.importers`) reorder other
layouts into it. ``step`` is these equations as written; ``run`` drives the same
equations over a sequence with a fused loop written for speed (:mod:`lstm_viz.fused`).

Gate surgery: ``LSTM.run(x, clamp=Clamp("f", 1.0, units=[3]))`` holds chosen gates of
chosen units at a constant (or knocks units out) right after the gates are computed, so
the trace shows the clamped gates and everything that follows from them.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, fields

import numpy as np

from lstm_viz import fused, importers
from lstm_viz._checks import (
    as_float_array,
    check_finite,
    check_shape,
    frozen,
    positive_int,
    read_npz,
    uniform,
)
from lstm_viz.gates import GATES, QUANTITIES
from lstm_viz.weights import RecurrentWeights

__all__ = ["GATES", "KNOCK_OUT", "LSTM", "Clamp", "LSTMStep", "LSTMTrace", "sigmoid"]

KNOCK_OUT = "knock-out"
FORMAT = "lstm-viz/lstm-v1"


def sigmoid(z):
    """Logistic function, written with tanh so it never overflows: σ(z) = ½(1 + tanh(z/2))."""
    return 0.5 * np.tanh(0.5 * z) + 0.5


@dataclass(frozen=True)
class LSTMStep:
    """Everything one time step computed; each array of shape (H,) or (B, H).

    ``z`` holds the pre-activations, shape (4H,) or (B, 4H), gate order i, f, g, o.
    """

    z: np.ndarray
    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    h: np.ndarray


@dataclass(frozen=True, eq=False)
class LSTMTrace:
    """A whole sequence run through one layer: every value at every step.

    Arrays are read-only. With a single sequence each gate array has shape
    (T, H); with a batch, (T, B, H) (time-major, like PyTorch's default).

    Attributes
    ----------
    x : ndarray of shape (T, X) or (T, B, X)
        The inputs x_t.
    h_prev, c_prev : ndarray of shape (T, H) or (T, B, H)
        h_{t-1} and c_{t-1}: the state each step started from (row 0 is h0, c0).
    z : ndarray of shape (T, 4H) or (T, B, 4H)
        Pre-activations W·x_t + U·h_{t-1} + b, gate order i, f, g, o.
    i, f, g, o : ndarray of shape (T, H) or (T, B, H)
        Input gate, forget gate, candidate C̃_t, output gate.
    c, h : ndarray of shape (T, H) or (T, B, H)
        Cell state c_t and hidden state h_t after each step.
    """

    x: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    z: np.ndarray
    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    h: np.ndarray

    @property
    def steps(self) -> int:
        """T, the number of time steps."""
        return self.h.shape[0]

    @property
    def hidden_size(self) -> int:
        """H, the number of units."""
        return self.h.shape[-1]

    @property
    def batched(self) -> bool:
        """True when the arrays carry a batch axis: (T, B, H)."""
        return self.h.ndim == 3

    def preactivation(self, gate: str) -> np.ndarray:
        """z of one gate ("i", "f", "g" or "o"), shape (T, H) or (T, B, H)."""
        k = GATES.index(gate)
        H = self.hidden_size
        return self.z[..., k * H:(k + 1) * H]

    def sequence(self, b: int) -> LSTMTrace:
        """The trace of sequence ``b`` of a batch, with arrays of shape (T, ·)."""
        if not self.batched:
            raise ValueError("this trace holds a single sequence, not a batch")
        return LSTMTrace(**{f.name: getattr(self, f.name)[:, b] for f in fields(self)})


@dataclass(frozen=True)
class Clamp:
    """Gate surgery: hold one gate at a constant, or knock units out, in :meth:`LSTM.run`.

    Parameters
    ----------
    gate : {"i", "f", "g", "o", "knock-out"}
        The gate to hold at ``value``; or ``"knock-out"`` (:data:`KNOCK_OUT`, or use
        :meth:`knock_out`), which sets all four layers of the units (three gates and the
        candidate) to 0, so that their c_t = 0·c_{t−1} + 0·g = 0 and h_t = 0·tanh(0) = 0
        at those steps.
    value : float
        The gate's value: in [0, 1] for i, f, o and in [−1, 1] for g. None for a knock-out.
    units : int or sequence of int, optional
        Unit indices 0 … H−1; None (the default) means every unit.
    steps : int or sequence of int, optional
        Time-step indices 0 … T−1; None (the default) means every step.

    Notes
    -----
    The run applies a clamp right after the step's gates are computed and before c_t
    and h_t are formed. The trace records the clamped gates and everything downstream;
    ``trace.z`` keeps the pre-activations the weights computed, so where a gate is
    clamped it differs from σ(z). Units and steps are checked against the layer and the
    sequence when the clamp is used. When several clamps set the same gate of the same
    unit at the same step, the last one in the list wins. With a batch, a clamp acts on
    every sequence.

    Examples
    --------
    >>> lstm = LSTM.random(input_size=2, hidden_size=3, seed=0)
    >>> x = np.ones((6, 2))
    >>> keep = (Clamp("f", 1.0, units=[0], steps=[3, 4, 5]),   # forget nothing …
    ...         Clamp("i", 0.0, units=[0], steps=[3, 4, 5]))   # … and write nothing
    >>> t = lstm.run(x, clamp=keep)
    >>> bool(np.all(t.c[3:, 0] == t.c[2, 0]))                  # unit 0 keeps c_2
    True
    >>> lstm.run(x, clamp=Clamp.knock_out(units=1)).h[:, 1]    # unit 1 silenced
    array([0., 0., 0., 0., 0., 0.])
    """

    gate: str
    value: float | None = None
    units: tuple[int, ...] | None = None
    steps: tuple[int, ...] | None = None

    def __post_init__(self):
        if self.gate not in GATES and self.gate != KNOCK_OUT:
            raise ValueError(f"a clamp's gate must be one of {', '.join(map(repr, GATES))} or "
                             f"{KNOCK_OUT!r}; got {self.gate!r}")
        object.__setattr__(self, "value", _clamp_value(self.gate, self.value))
        for name in ("units", "steps"):
            object.__setattr__(self, name, _clamp_indices(getattr(self, name), name))

    @classmethod
    def knock_out(cls, units=None, steps=None) -> Clamp:
        """Knock ``units`` out at ``steps`` (None: all): their c and h are held at 0."""
        return cls(KNOCK_OUT, None, units, steps)

    @property
    def gates(self) -> tuple[str, ...]:
        """The layers this clamp sets: its own gate, or all four (three gates and the
        candidate) for a knock-out."""
        return GATES if self.gate == KNOCK_OUT else (self.gate,)


def _clamp_value(gate, value):
    """The clamp's value as a float, checked against the gate's range."""
    if gate == KNOCK_OUT:
        if value is not None:
            raise ValueError(f"a knock-out holds c and h at 0 and takes no value; got {value!r}")
        return None
    q = QUANTITIES[gate]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"clamping the {q.name} {q.key} needs a number as its value; "
                         f"got {value!r}")
    value = float(value)
    low, high = q.low, q.high
    if not low <= value <= high:  # also refuses NaN
        raise ValueError(f"the {q.name} {q.key} lies between {low:g} and {high:g}, so it "
                         f"cannot be clamped to {value!r}")
    return value


def _clamp_indices(indices, name):
    """None, or a non-empty tuple of whole numbers ≥ 0 (one int is a tuple of one)."""
    if indices is None:
        return None
    if isinstance(indices, (int, np.integer)) and not isinstance(indices, bool):
        indices = (indices,)
    try:
        indices = tuple(indices)
    except TypeError:
        raise ValueError(f"a clamp's {name} must be whole numbers (indices) or None for all; "
                         f"got {indices!r}") from None
    if not indices:
        raise ValueError(f"a clamp needs at least one of its {name} (or None for all)")
    for k in indices:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
            raise ValueError(f"a clamp's {name} must be whole numbers ≥ 0 (indices counted "
                             f"from 0); got {k!r}")
    return tuple(int(k) for k in indices)


@dataclass(frozen=True, eq=False)
class LSTM(RecurrentWeights):
    """One LSTM layer: weights ``W`` (4H, X), ``U`` (4H, H), bias ``b`` (4H,).

    Gate order along the 4H axis is i, f, g, o. Weights are float32 or float64;
    a run computes in the weights' dtype. The arrays' checks, read-only copies and sizes
    (``input_size`` X, ``hidden_size`` H, ``dtype``) come from
    :class:`~lstm_viz.weights.RecurrentWeights`.

    Examples
    --------
    >>> lstm = LSTM.random(input_size=3, hidden_size=2, seed=0)
    >>> trace = lstm.run(np.ones((5, 3)))     # 5 steps of a 3-vector
    >>> trace.f.shape                          # forget gate, (T, H)
    (5, 2)
    """

    BLOCKS = len(GATES)  # the four blocks i, f, g, o of W, U and b

    def gate_weights(self, gate: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(W_gate (H, X), U_gate (H, H), b_gate (H,)) for gate "i", "f", "g" or "o"."""
        k = GATES.index(gate)
        rows = slice(k * self.hidden_size, (k + 1) * self.hidden_size)
        return self.W[rows], self.U[rows], self.b[rows]

    def astype(self, dtype) -> LSTM:
        """The same layer with weights cast to ``dtype`` (float32 or float64)."""
        return LSTM(self.W.astype(dtype), self.U.astype(dtype), self.b.astype(dtype))

    # ---- constructors --------------------------------------------------------

    @classmethod
    def random(cls, input_size: int, hidden_size: int, seed: int = 0, dtype=np.float64) -> LSTM:
        """Reproducible random weights, uniform(−1/√H, 1/√H) like PyTorch's default."""
        X, H = positive_int(input_size, "input_size"), positive_int(hidden_size, "hidden_size")
        return cls(*uniform(seed, 1.0 / np.sqrt(H), (4 * H, X), (4 * H, H), 4 * H, dtype=dtype))

    @classmethod
    def from_torch(cls, state_dict, layer: int = 0, reverse: bool = False) -> LSTM:
        """Layer ``layer`` of a PyTorch ``nn.LSTM`` state dict; ``reverse`` reads the
        ``_reverse`` direction. See :func:`lstm_viz.importers.read_torch`."""
        return cls(*importers.read_torch(state_dict, layer, reverse))

    @classmethod
    def from_keras(cls, kernel, recurrent_kernel, bias=None) -> LSTM:
        """Keras ``LSTM`` weights: kernel (X, 4H), recurrent_kernel (H, 4H), bias (4H,) or
        None. See :func:`lstm_viz.importers.read_keras`."""
        return cls(*importers.read_keras(kernel, recurrent_kernel, bias))

    @classmethod
    def from_tf1(cls, kernel, bias, forget_bias: float = 1.0) -> LSTM:
        """TF1 ``LSTMCell`` weights: kernel (X+H, 4H), bias (4H,), ``forget_bias`` folded
        into b_f. See :func:`lstm_viz.importers.read_tf1`."""
        return cls(*importers.read_tf1(kernel, bias, forget_bias))

    @classmethod
    def from_onnx(cls, W, R, B=None, direction: int = 0) -> LSTM:
        """One direction of the ONNX ``LSTM`` operator: W (D, 4H, X), R (D, 4H, H),
        B (D, 8H). See :func:`lstm_viz.importers.read_onnx`."""
        return cls(*importers.read_onnx(W, R, B, direction))

    # ---- files -----------------------------------------------------------------

    def save(self, path) -> None:
        """Write the weights to a ``.npz`` file (no pickled objects)."""
        np.savez(path, format=np.array(FORMAT), W=self.W, U=self.U, b=self.b)

    @classmethod
    def load(cls, path) -> LSTM:
        """Read a layer written by :meth:`save`; raises ValueError saying what is wrong."""
        arrays = read_npz(path, required=("W", "U", "b"), only_arrays=True)
        return cls(arrays["W"], arrays["U"], arrays["b"])

    # ---- running -----------------------------------------------------------------

    def step(self, x_t, h, c) -> LSTMStep:
        """One time step, written as the equations read.

        x_t : (X,) or (B, X);  h, c : (H,) or (B, H).  Returns an :class:`LSTMStep`.
        """
        z = x_t @ self.W.T + h @ self.U.T + self.b  # (…, 4H)
        z_i, z_f, z_g, z_o = np.split(z, 4, axis=-1)  # each (…, H)
        i, f, g, o = sigmoid(z_i), sigmoid(z_f), np.tanh(z_g), sigmoid(z_o)
        c_t = f * c + i * g
        h_t = o * np.tanh(c_t)
        return LSTMStep(z=z, i=i, f=f, g=g, o=o, c=c_t, h=h_t)

    def run(self, x, h0=None, c0=None, clamp=None) -> LSTMTrace:
        """Run a sequence (T, X) or a time-major batch (T, B, X); record every gate.

        Parameters
        ----------
        x : array_like of shape (T, X) or (T, B, X)
            The inputs x_t.
        h0, c0 : array_like of shape (H,) or (B, H), optional
            The start state; zeros when left out.
        clamp : Clamp or sequence of Clamp, optional
            Gate surgery (see :class:`Clamp`): gates held at a constant, or units knocked
            out, for chosen units and steps. None or an empty sequence: the plain run.

        Returns
        -------
        LSTMTrace
            Arrays of shape (T, ·) for a sequence, (T, B, ·) for a batch.

        Raises
        ------
        ValueError
            For a wrong shape, an empty sequence, NaN/inf anywhere, or a clamp whose units
            or steps do not exist.
        """
        x, h0, c0, single = self._prepare(x, h0, c0)
        held = _held(clamp, x.shape[0], self.hidden_size)
        trace = fused.run(self.W, self.U, self.b, x, h0, c0, held)  # the equations of step
        if single:
            trace = {k: v[:, 0] for k, v in trace.items()}  # (T, 1, ·) → (T, ·)
        frozen(*trace.values())
        return LSTMTrace(**trace)

    def _prepare(self, x, h0, c0):
        X, H, dtype = self.input_size, self.hidden_size, self.dtype
        x = np.array(as_float_array(x, "x", ndim=(2, 3)), dtype=dtype)  # a copy: run() freezes it
        if x.shape[0] == 0:
            raise ValueError("the sequence is empty: give at least one time step")
        if x.shape[-1] != X:
            raise ValueError(f"each input x_t must have {X} numbers (the layer's input size); "
                             f"got {x.shape[-1]}")
        check_finite(x, "the input")
        single = x.ndim == 2
        x = x[:, None, :] if single else x  # (T, B, X)
        B = x.shape[1]
        if B == 0:
            raise ValueError("the batch is empty")
        states = []
        for s, name in ((h0, "h0"), (c0, "c0")):
            if s is None:
                states.append(np.zeros((B, H), dtype=dtype))
                continue
            s = as_float_array(s, name, ndim=(1, 2)).astype(dtype, copy=False)
            want = (H,) if single else (B, H)
            check_shape(s, name, want, "(H,)" if single else "(B, H)")
            check_finite(s, name)
            states.append(np.broadcast_to(s, (B, H)).copy())
        return x, states[0], states[1], single


def _held(clamp, T, H):
    """Gate surgery as (held, value), each of shape (T, 4H), rows i, f, g, o: where held is
    True the gate is held at value (the last clamp that sets it wins). None for no clamps;
    a ValueError for units or steps that do not exist."""
    clamps = (clamp,) if isinstance(clamp, Clamp) else tuple(() if clamp is None else clamp)
    for c in clamps:
        if not isinstance(c, Clamp):
            raise ValueError(f"clamp must be a Clamp or a sequence of Clamps; got {c!r}")
    if not clamps:
        return None
    held = np.zeros((T, 4 * H), dtype=bool)
    value = np.zeros((T, 4 * H))
    for c in clamps:
        units = np.arange(H) if c.units is None else _existing(c.units, H, "unit", "layer",
                                                               "units")
        steps = np.arange(T) if c.steps is None else _existing(c.steps, T, "step",
                                                               "sequence", "steps")
        rows = np.concatenate([GATES.index(gate) * H + units for gate in c.gates])
        at = np.ix_(steps, rows)
        held[at] = True
        value[at] = 0.0 if c.value is None else c.value  # a knock-out holds every gate at 0
    return held, value


def _existing(indices, n, what, owner, plural):
    """``indices`` as an int array, or a ValueError naming the first one ≥ n."""
    bad = [k for k in indices if k >= n]
    if bad:
        raise ValueError(f"clamp {what} {bad[0]} does not exist: the {owner} has {plural} "
                         f"0 … {n - 1}")
    return np.asarray(indices, dtype=np.intp)


