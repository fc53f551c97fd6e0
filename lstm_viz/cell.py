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
order PyTorch and Keras use; the importers reorder other layouts into it.

Gate surgery: ``LSTM.run(x, clamp=Clamp("f", 1.0, units=[3]))`` holds chosen gates of
chosen units at a constant (or knocks units out) right after the gates are computed, so
the trace shows the clamped gates and everything that follows from them.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from lstm_viz._checks import as_float_array, check_finite, check_shape, common_float_dtype
from lstm_viz.gates import GATES, QUANTITIES

__all__ = ["GATES", "KNOCK_OUT", "LSTM", "Clamp", "LSTMStep", "LSTMTrace", "sigmoid"]

KNOCK_OUT = "knock-out"
FORMAT = "lstm-viz/lstm-v1"


def sigmoid(z):
    """Logistic function, written with tanh so it never overflows: σ(z) = ½(1 + tanh(z/2))."""
    return 0.5 * np.tanh(0.5 * z) + 0.5


def _frozen(*arrays):
    for a in arrays:
        a.flags.writeable = False


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
        return LSTMTrace(**{name: getattr(self, name)[:, b] for name in _TRACE_FIELDS})


_TRACE_FIELDS = ("x", "h_prev", "c_prev", "z", "i", "f", "g", "o", "c", "h")



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
            raise ValueError(f"a clamp's gate must be one of 'i', 'f', 'g', 'o' or "
                             f"'{KNOCK_OUT}'; got {self.gate!r}")
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
class LSTM:
    """One LSTM layer: weights ``W`` (4H, X), ``U`` (4H, H), bias ``b`` (4H,).

    Gate order along the 4H axis is i, f, g, o. Weights are float32 or float64;
    a run computes in the weights' dtype.

    Examples
    --------
    >>> lstm = LSTM.random(input_size=3, hidden_size=2, seed=0)
    >>> trace = lstm.run(np.ones((5, 3)))     # 5 steps of a 3-vector
    >>> trace.f.shape                          # forget gate, (T, H)
    (5, 2)
    """

    W: np.ndarray
    U: np.ndarray
    b: np.ndarray

    def __post_init__(self):
        W = as_float_array(self.W, "W", ndim=2)
        fourH, X = W.shape
        if fourH % 4 or fourH == 0 or X == 0:
            raise ValueError(f"W must have shape (4H, X) with H ≥ 1 and X ≥ 1; got {W.shape}")
        H = fourH // 4
        U = check_shape(as_float_array(self.U, "U", ndim=2), "U", (4 * H, H), "(4H, H)")
        b = check_shape(as_float_array(self.b, "b", ndim=1), "b", (4 * H,), "(4H,)")
        dtype = common_float_dtype(W, U, b)
        arrays = [np.array(a, dtype=dtype) for a in (W, U, b)]
        for name, a in zip(("W", "U", "b"), arrays, strict=True):
            check_finite(a, f"weight {name}")
        _frozen(*arrays)
        for name, a in zip(("W", "U", "b"), arrays, strict=True):
            object.__setattr__(self, name, a)

    # ---- sizes -------------------------------------------------------------

    @property
    def input_size(self) -> int:
        """X, the length of each input vector x_t."""
        return self.W.shape[1]

    @property
    def hidden_size(self) -> int:
        """H, the number of units (the length of h_t and c_t)."""
        return self.U.shape[1]

    @property
    def dtype(self) -> np.dtype:
        return self.W.dtype

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
        X, H = _positive_int(input_size, "input_size"), _positive_int(hidden_size, "hidden_size")
        rng = np.random.default_rng(seed)
        k = 1.0 / np.sqrt(H)
        W = rng.uniform(-k, k, size=(4 * H, X))
        U = rng.uniform(-k, k, size=(4 * H, H))
        b = rng.uniform(-k, k, size=4 * H)
        return cls(W.astype(dtype), U.astype(dtype), b.astype(dtype))

    @classmethod
    def from_torch(cls, state_dict, layer: int = 0, reverse: bool = False) -> LSTM:
        """Read layer ``layer`` of a PyTorch ``nn.LSTM`` state dict (names to arrays).

        Uses ``weight_ih_l{layer}`` (4H, X), ``weight_hh_l{layer}`` (4H, H) and the
        two biases ``bias_ih_l{layer}``, ``bias_hh_l{layer}`` (4H,), which are summed
        (missing when the module had ``bias=False``: then b = 0). ``reverse`` reads the
        ``_reverse`` direction. Values may be tensors or anything ``np.asarray`` takes.
        """
        suffix = f"_l{layer}" + ("_reverse" if reverse else "")
        keys = {k: f"{k}{suffix}" for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
        missing = [keys[k] for k in ("weight_ih", "weight_hh") if keys[k] not in state_dict]
        if missing:
            raise ValueError(f"the PyTorch state dict has no {', '.join(missing)}")
        if f"weight_hr{suffix}" in state_dict:
            raise ValueError("LSTMs with a projection (proj_size > 0) are not supported")
        W = _numpy(state_dict[keys["weight_ih"]])
        U = _numpy(state_dict[keys["weight_hh"]])
        biases = [_numpy(state_dict[keys[k]]) for k in ("bias_ih", "bias_hh")
                  if keys[k] in state_dict]
        if biases:
            b = sum(biases)  # b = b_ih + b_hh
        else:  # bias=False
            b = np.zeros(np.shape(W)[0], dtype=np.result_type(W, np.float32))
        return cls(W, U, b)

    @classmethod
    def from_keras(cls, kernel, recurrent_kernel, bias=None) -> LSTM:
        """Keras ``LSTM`` weights: kernel (X, 4H), recurrent_kernel (H, 4H), bias (4H,).

        Keras uses the same gate order (i, f, c, o), so the matrices are only transposed.
        ``bias`` may be None for a layer built with ``use_bias=False``.
        """
        kernel, recurrent_kernel = _numpy(kernel), _numpy(recurrent_kernel)
        if bias is None:
            bias = np.zeros(np.shape(kernel)[-1], dtype=kernel.dtype)
        return cls(kernel.T, recurrent_kernel.T, _numpy(bias))

    @classmethod
    def from_tf1(cls, kernel, bias, forget_bias: float = 1.0) -> LSTM:
        """TF1 ``LSTMCell`` weights: kernel (X+H, 4H) applied to [x, h], bias (4H,).

        TF1 orders the gates i, j, f, o (j is the candidate) and adds the constant
        ``forget_bias`` to f at run time; here it is folded into b_f.
        """
        kernel, bias = _numpy(kernel), _numpy(bias)
        if kernel.ndim != 2 or kernel.shape[1] % 4 or kernel.shape[0] <= kernel.shape[1] // 4:
            raise ValueError(f"TF1 kernel must have shape (X+H, 4H) with X ≥ 1; got {kernel.shape}")
        H = kernel.shape[1] // 4
        X = kernel.shape[0] - H
        order = _blocks([0, 2, 1, 3], H)  # i, j, f, o  →  i, f, g(=j), o
        b = check_shape(bias, "bias", (4 * H,), "(4H,)")[order].astype(np.result_type(bias, 1.0))
        b[H:2 * H] += forget_bias
        return cls(kernel[:X, order].T, kernel[X:, order].T, b)

    @classmethod
    def from_onnx(cls, W, R, B=None, direction: int = 0) -> LSTM:
        """One direction of the ONNX ``LSTM`` operator (no peepholes).

        W (D, 4H, X), R (D, 4H, H), B (D, 8H) = [Wb, Rb]; the leading D axis may be
        left out. ONNX orders the gates i, o, f, c; the two biases are summed.
        """
        W, R = (_onnx_direction(_numpy(a), name, direction) for a, name in ((W, "W"), (R, "R")))
        H = np.shape(R)[-1]
        order = _blocks([0, 2, 3, 1], H)  # i, o, f, c  →  i, f, g(=c), o
        if B is None:
            b = np.zeros(4 * H, dtype=W.dtype)
        else:
            B = _onnx_direction(_numpy(B), "B", direction, ndim=2)  # B is (D, 8H)
            B = check_shape(B, "B", (8 * H,), "(8H,)")
            b = B[:4 * H] + B[4 * H:]
        check_shape(W, "W", (4 * H, W.shape[-1]), "(4H, X)")
        check_shape(R, "R", (4 * H, H), "(4H, H)")
        return cls(W[order], R[order], b[order])

    # ---- files -----------------------------------------------------------------

    def save(self, path) -> None:
        """Write the weights to a ``.npz`` file (no pickled objects)."""
        np.savez(path, format=np.array(FORMAT), W=self.W, U=self.U, b=self.b)

    @classmethod
    def load(cls, path) -> LSTM:
        """Read a layer written by :meth:`save`; raises ValueError saying what is wrong."""
        from lstm_viz._checks import read_npz

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
        plan = _clamp_plan(clamp, x.shape[0], self.hidden_size, self.dtype)
        trace = _run(self.W, self.U, self.b, x, h0, c0, plan)
        if single:
            trace = {k: v[:, 0] for k, v in trace.items()}  # (T, 1, ·) → (T, ·)
        _frozen(*trace.values())
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


# The scale that turns every gate into one tanh: σ(z) = ½ + ½·tanh(z/2). Multiplying the
# i, f, o rows of the weights by ½ is exact in binary floating point, so one tanh over
# all 4H pre-activations gives tanh(z_g) and tanh(z/2) for the sigmoid gates at once.
def _gate_scale(H, dtype):
    """s of shape (4H, 1): ½ on the rows of i, f, o; 1 on the rows of g."""
    s = np.full((4 * H, 1), 0.5, dtype=dtype)
    s[2 * H:3 * H] = 1.0  # the candidate g uses tanh(z) itself
    return s


def _clamp_plan(clamp, T, H, dtype):
    """Gate surgery as the loop's ``scale`` and ``shift`` per step, or None for no clamps.

    Every gate is computed as scale·tanh(·) + shift (see :func:`_run`); a clamp to v sets
    scale = 0 and shift = v there, which gives exactly v. Returns (scale, shift), each of
    shape (T, 4H), rows i, f, g, o; raises ValueError for units or steps that do not exist.
    """
    clamps = (clamp,) if isinstance(clamp, Clamp) else tuple(() if clamp is None else clamp)
    for c in clamps:
        if not isinstance(c, Clamp):
            raise ValueError(f"clamp must be a Clamp or a sequence of Clamps; got {c!r}")
    if not clamps:
        return None
    scale = np.tile(_gate_scale(H, dtype).T, (T, 1))  # (T, 4H)
    shift = 1 - scale
    for c in clamps:
        units = np.arange(H) if c.units is None else _existing(c.units, H, "unit", "layer",
                                                               "units")
        steps = np.arange(T) if c.steps is None else _existing(c.steps, T, "step",
                                                               "sequence", "steps")
        rows = np.concatenate([GATES.index(gate) * H + units for gate in c.gates])
        at = np.ix_(steps, rows)
        scale[at] = 0
        shift[at] = 0.0 if c.value is None else c.value
    return scale, shift


def _existing(indices, n, what, owner, plural):
    """``indices`` as an int array, or a ValueError naming the first one ≥ n."""
    bad = [k for k in indices if k >= n]
    if bad:
        raise ValueError(f"clamp {what} {bad[0]} does not exist: the {owner} has {plural} "
                         f"0 … {n - 1}")
    return np.asarray(indices, dtype=np.intp)


def _run(W, U, b, x, h0, c0, plan=None):
    """The time loop. x (T, B, X); h0, c0 (B, H). Returns the trace's arrays, each (T, B, ·).

    Written for speed, with the same numbers as ``step``'s equations (up to rounding):

    - units run along the first axis and the batch along the last, so that every array a
      step touches is one contiguous block, (4H, B) or (H, B) (NumPy's fast path);
    - step t keeps [c_{t-1}; i; f; g; o] in one block ``E[t]`` of shape (5H, B): then
      [c_{t-1}; i] ⊙ [f; g] gives f⊙c_{t-1} and i⊙g in one product;
    - nine NumPy calls a step, outputs passed positionally, views made by ``zip``;
    - one sequence (B = 1) runs on 1-D rows, where BLAS's vector-matrix product is fastest.

    ``plan`` is gate surgery from :func:`_clamp_plan`, or None. Every gate is formed as
    scale·tanh(·) + shift; a clamp changes scale and shift for some steps. The steps are
    cut where they change and :func:`_loop` runs each stretch, so a run without clamps is
    one call of the same loop with the constant scale and shift.

    The arrays returned are views of (T, ·, B) blocks, transposed to (T, B, ·).
    """
    T, B, X = x.shape
    H = U.shape[1]
    dtype = W.dtype
    s = _gate_scale(H, dtype)  # (4H, 1)
    single = B == 1  # one sequence: 1-D rows, and BLAS's vector-matrix product
    if single:
        Us = np.multiply(U.T, s.T, order="C")  # (H, 4H), pre-scaled: h (H,) · Us
        zs = np.dot(x.reshape(T, X), (W * s).T).reshape(T, 4 * H, 1)  # (T, 4H) is (T, 4H, 1)
    else:
        Us = U * s  # (4H, H), pre-scaled: Us · h (H, B)
        zs = np.matmul(W * s, x.transpose(0, 2, 1))  # (T, 4H, B)
    zs += b[:, None] * s  # scaled W·x_t + b of every step
    hT = np.empty((T + 1, H, B), dtype=dtype)  # hT[t] = h_{t-1} of step t
    hT[0] = h0.T
    E = np.empty((T + 1, 5 * H, B), dtype=dtype)  # E[t] = [c_{t-1}; i; f; g; o] of step t
    E[0, :H] = c0.T
    scale = np.repeat(s, B, axis=1)  # (4H, B)
    shift = 1 - scale  # gate = scale·tanh + shift: ½ + ½·tanh(z/2) = σ(z), or tanh(z)
    Uh = np.empty((4 * H, B), dtype=dtype)
    prod = np.empty((2 * H, B), dtype=dtype)  # [f⊙c_{t-1}; i⊙g]
    steps = (zs, E[:-1, H:], E[:-1, :2 * H], E[:-1, 2 * H:4 * H], E[:-1, 4 * H:], E[1:, :H],
             hT[1:])
    h_prev = hT[0]
    if single:  # drop the batch axis of length 1
        steps = tuple(v[..., 0] for v in steps)
        h_prev, scale, shift, Uh, prod = (a[:, 0] for a in (h_prev, scale, shift, Uh, prod))
    work = (Us, Uh, prod, prod[:H], prod[H:], single)
    if plan is None:
        _loop(steps, h_prev, scale, shift, work)
    else:
        for start, stop in _stretches(*plan):
            seg_scale, seg_shift = (np.repeat(a[start][:, None], B, axis=1) for a in plan)
            if single:
                seg_scale, seg_shift = seg_scale[:, 0], seg_shift[:, 0]  # (4H,)
            h_prev = _loop(tuple(v[start:stop] for v in steps), h_prev, seg_scale, seg_shift,
                           work)
    zs /= s  # z itself: undo the exact ½ scaling
    gates = E[:-1, H:].transpose(0, 2, 1)  # (T, B, 4H)
    h, c = hT.transpose(0, 2, 1), E[:, :H].transpose(0, 2, 1)  # (T+1, B, H)
    return dict(
        x=x, h_prev=h[:-1], c_prev=c[:-1], z=zs.transpose(0, 2, 1),
        i=gates[..., :H], f=gates[..., H:2 * H], g=gates[..., 2 * H:3 * H], o=gates[..., 3 * H:],
        c=c[1:], h=h[1:],
    )


def _loop(steps, h_prev, scale, shift, work):
    """The steps of :func:`_run` (each array of ``steps`` holds one row per step); returns
    the last h_t. Gates are scale·tanh(scaled z) + shift, scale and shift (4H, B) or (4H,)."""
    Us, Uh, prod, fc, ig, single = work
    dot, add, mul, tanh = np.dot, np.add, np.multiply, np.tanh
    for z_t, gates_t, ci_t, fg_t, o_t, c_t, h_t in zip(*steps, strict=True):
        if single:
            dot(h_prev, Us, Uh)  # (4H,)
        else:
            dot(Us, h_prev, Uh)  # (4H, B)
        add(z_t, Uh, z_t)  # z, scaled
        tanh(z_t, gates_t)
        mul(gates_t, scale, gates_t)
        add(gates_t, shift, gates_t)  # i, f, g, o (a clamped gate: 0·tanh + value)
        mul(ci_t, fg_t, prod)  # [c_{t-1}⊙f; i⊙g]
        add(fc, ig, c_t)  # c_t
        tanh(c_t, h_t)
        mul(o_t, h_t, h_t)  # h_t
        h_prev = h_t
    return h_prev


def _stretches(scale, shift):
    """(start, stop) of the runs of consecutive steps whose scale and shift (T, 4H) agree."""
    changed = (scale[1:] != scale[:-1]).any(axis=1) | (shift[1:] != shift[:-1]).any(axis=1)
    cuts = [0, *(np.flatnonzero(changed) + 1).tolist(), scale.shape[0]]
    return list(zip(cuts[:-1], cuts[1:], strict=True))


def _blocks(order, H):
    """Row indices that put four H-row gate blocks into ``order``."""
    return np.concatenate([np.arange(k * H, (k + 1) * H) for k in order])


def _numpy(value):
    """A NumPy array from a NumPy array, a list, or a tensor (torch not imported)."""
    if hasattr(value, "detach"):  # torch.Tensor: leave autograd and the device
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _onnx_direction(a, name, direction, ndim=3):
    """Direction ``direction`` of an ONNX array with ``ndim`` axes (D first), or ``a`` without D."""
    if a.ndim == ndim:
        if not 0 <= direction < a.shape[0]:
            raise ValueError(f"ONNX {name} has {a.shape[0]} direction(s); "
                             f"direction {direction} does not exist")
        return a[direction]
    if a.ndim == ndim - 1:
        return a
    raise ValueError(f"ONNX {name} must have {ndim} axes (directions first); got shape {a.shape}")


def _positive_int(n, name):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{name} must be a whole number ≥ 1; got {n!r}")
    return int(n)

