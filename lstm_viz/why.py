"""Why an LSTM remembers: the memory ledger, gradients through time, and gate saturation.

Every function reads a finished :class:`~lstm_viz.cell.LSTMTrace` (or runs the layer
once) and returns plain arrays; gate surgery itself is an option of
:meth:`LSTM.run <lstm_viz.cell.LSTM.run>` (see :class:`~lstm_viz.cell.Clamp`).

Notation
--------
T : time steps (indices t, k = 0 … T−1)     X : input size     H : units (index u)

The memory ledger
-----------------
Unrolling c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t from the start state c0 gives, per unit,

    c_t = Σ_{k=0..t} (Π_{j=k+1..t} f_j) · i_k · g_k  +  (Π_{j=0..t} f_j) · c0

Term k is what step k wrote (i_k·g_k) times the share of it that every later forget gate
let through: the part of C_t that still comes from step k. :func:`ledger` returns every
term for every t; :func:`ledger_at` the terms of one cell state c_t[u].

Gradients through time
----------------------
:func:`input_gradients` gives ‖∂h_{T−1}/∂x_t‖ (the last hidden state against each input),
by a backward pass carrying all H output directions at once; :func:`rnn_input_gradients`
the same for a plain tanh RNN (:class:`TanhRNN`). Along the cell path the LSTM carries
step t's write to the end by the factor :func:`forget_products`, Π_{j=t+1..T−1} f_j; a
tanh RNN's gradient passes through U and tanh′ at every step instead.

Gate saturation
---------------
:func:`saturation`: per unit, the share of steps on which each gate is nearly shut
(below 0.1) or nearly open (above 0.9), after Karpathy, Johnson & Fei-Fei (2015).

Examples
--------
>>> from lstm_viz.cell import LSTM
>>> lstm = LSTM.random(input_size=2, hidden_size=3, seed=0)
>>> trace = lstm.run(np.ones((5, 2)))                       # T = 5, H = 3
>>> book = ledger(trace)
>>> book.parts.shape                                        # (T, T, H): t, k, unit
(5, 5, 3)
>>> bool(np.allclose(book.parts.sum(axis=1) + book.initial, trace.c))
True
>>> input_gradients(lstm, np.ones((5, 2))).shape            # one norm per input x_t
(5,)
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from lstm_viz._checks import (
    as_float_array,
    check_finite,
    check_shape,
    frozen,
    positive_int,
    uniform,
)
from lstm_viz.cell import GATES, LSTM, LSTMTrace
from lstm_viz.gates import QUANTITIES
from lstm_viz.weights import RecurrentWeights

__all__ = [
    "GRADIENT_MAX_WORK", "MAP_MAX_STEPS", "Ledger", "Saturation", "TanhRNN", "forget_products",
    "gradient_max_steps", "gradient_work", "input_gradients", "input_jacobians", "ledger",
    "ledger_at", "rnn_input_gradients", "rnn_input_jacobians", "saturation",
]

# ---- how much a shared server does for one view ---------------------------------------------
# One learner's heaviest /why view (500 steps) took every other learner's page from a quarter
# of a second to several seconds (issue 14, item 9). Two parts cost far more than the rest:
# the ledger map, a T × T heatmap (500 steps: 250,000 cells, 5 MB of figure, ~5 s of one
# core to build and send, again on every move of a slider), and the gradients through time
# of a large layer (T products of (H, 4H)·(4H, X+H)). Over these limits the page says so.

MAP_MAX_STEPS = 150  # the ledger map is drawn up to 150 × 150 cells (~0.5 MB, ~0.3 s)
GRADIENT_MAX_WORK = 1 << 30  # multiply-adds of input_jacobians: ~1 s of one core


def gradient_work(T: int, H: int, X: int) -> int:
    """Multiply-adds of :func:`input_jacobians` for T steps of H units reading X inputs:
    T products of (H, 4H)·(4H, X+H).

    >>> gradient_work(500, 64, 4)      # the largest random layer of the app: within the limit
    557056000
    """
    return T * H * 4 * H * (X + H)


def gradient_max_steps(H: int, X: int) -> int:
    """The most steps whose gradients through time stay within GRADIENT_MAX_WORK.

    >>> gradient_max_steps(64, 4), gradient_max_steps(256, 4)
    (963, 15)
    """
    return GRADIENT_MAX_WORK // gradient_work(1, H, X)


def _single(trace: LSTMTrace, what: str) -> None:
    if trace.batched:
        raise ValueError(f"{what} reads one sequence; this trace holds a batch: pass "
                         "trace.sequence(b) for sequence b")


def _index(value, n, what, owner):
    """``value`` as an int in 0 … n−1, or a ValueError saying which ones exist."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{what} must be a whole number; got {value!r}")
    if not 0 <= value < n:
        raise ValueError(f"{what} {value} does not exist: the {owner} has {what}s 0 … {n - 1}")
    return int(value)


# ---- the memory ledger ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Ledger:
    """What each step wrote into the cell state and how much of it is still there.

    Attributes
    ----------
    parts : ndarray of shape (T, T, U)
        ``parts[t, k, j]`` = (Π_{m=k+1..t} f_m) · i_k · g_k of unit ``units[j]``: the part of
        c_t written at step k, for k ≤ t; 0 for k > t (a step cannot reach back in time).
    initial : ndarray of shape (T, U)
        (Π_{m=0..t} f_m) · c0: the part of c_t still left from the start state (0 when
        c0 = 0).
    units : tuple of int
        The units along the last axis (all H of them unless :func:`ledger` was told).

    ``parts[t].sum(axis=0) + initial[t]`` equals ``c[t]`` to float precision.
    """

    parts: np.ndarray
    initial: np.ndarray
    units: tuple[int, ...]

    @property
    def total(self) -> np.ndarray:
        """Σ_k parts[t, k] + initial[t], shape (T, U): the cell states rebuilt from the ledger."""
        return self.parts.sum(axis=1) + self.initial


def ledger(trace: LSTMTrace, units=None) -> Ledger:
    """The memory ledger of a single-sequence trace: every step's surviving write.

    Parameters
    ----------
    trace : LSTMTrace
        One sequence (arrays of shape (T, H)); for a batch pass ``trace.sequence(b)``.
        Any trace works, a clamped one too: the ledger reads the gates it recorded.
    units : int or sequence of int, optional
        Only these units (the last axis of the result follows this order); all by default.

    Returns
    -------
    Ledger
        ``parts`` (T, T, U) and ``initial`` (T, U), in the trace's dtype.

    Notes
    -----
    Computed without dividing by any f (a product of forget gates can underflow to 0,
    and a ratio of cumulative products would then be 0/0): row t is row t−1 times f_t,
    with step t's own write i_t·g_t added on the diagonal,

        parts[t, k] = parts[t−1, k] · f_t  (k < t),     parts[t, t] = i_t · g_t,

    one vectorised product over (k, unit) per step, by multiplications alone.

    Memory: ``parts`` holds T²·U numbers, e.g. 128 MB for T = 500, H = 64 in float64
    (64 MB in float32), 20 MB for T = 200, H = 64; pass ``units`` to keep it small, or use
    :func:`ledger_at` for one cell. Time: about 2 ms for T = 200, H = 64 and 16 ms for
    T = 500 (float64, one thread).

    Examples
    --------
    >>> from lstm_viz.cell import LSTM
    >>> trace = LSTM.random(1, 2, seed=1).run([[1.0], [0.0], [-1.0]])
    >>> book = ledger(trace, units=[1])
    >>> book.parts[:, :, 0].round(3)          # row t: what steps 0 … t left in c_t
    array([[0.365, 0.   , 0.   ],
           [0.159, 0.347, 0.   ],
           [0.046, 0.1  , 0.269]])
    >>> bool(np.allclose(book.total[:, 0], trace.c[:, 1]))
    True
    """
    _single(trace, "the ledger")
    T, H = trace.c.shape
    if isinstance(units, (int, np.integer)):
        units = (units,)
    cols = tuple(range(H)) if units is None else tuple(
        _index(u, H, "unit", "layer") for u in units)
    f, written = trace.f[:, cols], trace.i[:, cols] * trace.g[:, cols]  # (T, U): f_t, i_k·g_k
    parts = np.zeros((T, T, len(cols)), dtype=f.dtype)  # (t, k, unit); 0 where k > t
    parts[0, 0] = written[0]
    for t in range(1, T):
        np.multiply(parts[t - 1, :t], f[t], out=parts[t, :t])  # (t, U): one more f_t each
        parts[t, t] = written[t]
    initial = np.cumprod(f, axis=0) * trace.c_prev[0, cols]  # (T, U)
    frozen(parts, initial)
    return Ledger(parts=parts, initial=initial, units=cols)


def ledger_at(trace: LSTMTrace, step: int, unit: int) -> np.ndarray:
    """The ledger of one cell state c_step[unit]: what each step k wrote that survives in it.

    Parameters
    ----------
    trace : LSTMTrace
        One sequence (arrays of shape (T, H)).
    step, unit : int
        t in 0 … T−1 and u in 0 … H−1.

    Returns
    -------
    ndarray of shape (T,)
        Entry k is (Π_{j=k+1..t} f_j[u]) · i_k[u] · g_k[u] for k ≤ t, 0 for k > t; the same
        numbers as ``ledger(trace).parts[t, :, u]`` (up to rounding), in O(T).
        Their sum is c_t[u] minus the start state's share (Π_{j=0..t} f_j[u]) · c0[u],
        which is 0 when c0 = 0.

    Examples
    --------
    >>> from lstm_viz.cell import LSTM
    >>> trace = LSTM.random(1, 2, seed=1).run([[1.0], [0.0], [-1.0]])
    >>> ledger_at(trace, step=1, unit=1).round(3)
    array([0.159, 0.347, 0.   ])
    """
    _single(trace, "the ledger")
    T, H = trace.c.shape
    t, u = _index(step, T, "step", "sequence"), _index(unit, H, "unit", "layer")
    f = trace.f[:, u]
    survive = np.ones(T, dtype=f.dtype)
    survive[:t] = np.cumprod(f[t:0:-1])[::-1]  # survive[k] = f_t·f_{t−1}·…·f_{k+1}, k < t
    out = survive * trace.i[:, u] * trace.g[:, u]
    out[t + 1:] = 0
    return out


def forget_products(trace: LSTMTrace) -> np.ndarray:
    """Π_{j=t+1..T−1} f_j: how much of step t's write the cell path carries to the end.

    Parameters
    ----------
    trace : LSTMTrace
        Arrays of shape (T, H), or (T, B, H) for a batch.

    Returns
    -------
    ndarray of shape (T, H) or (T, B, H)
        Row T−1 is 1 (nothing left to forget); row t is the product of the forget gates
        of the steps after t, computed by multiplications only. It is also the factor by
        which ∂c_{T−1}/∂c_t shrinks along the cell path: ∂c_{T−1}/∂c_t = diag(this row).

    Examples
    --------
    >>> from lstm_viz.cell import LSTM
    >>> trace = LSTM.random(1, 1, seed=0).run(np.zeros((3, 1)))
    >>> bool(np.allclose(forget_products(trace)[0], trace.f[1] * trace.f[2]))
    True
    """
    f = trace.f
    out = np.ones_like(f)
    out[:-1] = np.cumprod(f[:0:-1], axis=0)[::-1]  # out[t] = f_{T−1}·…·f_{t+1}
    return out


# ---- gradients through time ---------------------------------------------------------------


def input_jacobians(lstm: LSTM, x, h0=None, c0=None) -> np.ndarray:
    """∂h_{T−1}/∂x_t for every t: the Jacobians of the last hidden state, exactly.

    Parameters
    ----------
    lstm : LSTM
    x : array_like of shape (T, X)
        One sequence.
    h0, c0 : array_like of shape (H,), optional
        The start state, zeros when left out.

    Returns
    -------
    ndarray of shape (T, H, X)
        ``J[t, r, j]`` = ∂h_{T−1}[r] / ∂x_t[j], in the layer's dtype.

    Notes
    -----
    Backpropagation through time with a matrix of adjoints: row r of ``dh`` (H, H) is
    ∂h_{T−1}[r]/∂h_t and row r of ``dc`` is ∂h_{T−1}[r]/∂c_t, so all H output directions
    go back together. From t = T−1 down to 0 (equations as in :mod:`lstm_viz.train`,
    each line acting on every row; dh starts as the identity and dc as 0)::

        dc  += dh ⊙ o_t ⊙ (1 − tanh² c_t)
        dz   = [dc ⊙ g_t ⊙ i_t(1−i_t), dc ⊙ c_{t−1} ⊙ f_t(1−f_t),
                dc ⊙ i_t ⊙ (1−g_t²),   dh ⊙ tanh c_t ⊙ o_t(1−o_t)]      (H, 4H)
        J_t  = dz · W          dh ← dz · U          dc ← dc ⊙ f_t

    One (H, 4H)·(4H, X+H) product a step, in row blocks that a BLAS keeps on one thread
    (threads waiting on each other cost far more than they give at these sizes): about
    35 ms for T = 200, X = 4, H = 64 in float64.
    """
    trace = lstm.run(_sequence(x, "x"), h0, c0)
    i, f, g, o, c, c_prev = (getattr(trace, k) for k in ("i", "f", "g", "o", "c", "c_prev"))
    T, H = c.shape
    X = lstm.input_size
    tanh_c = np.tanh(c)
    dc_per_dh = o * (1 - tanh_c * tanh_c)  # (T, H)
    dzo_per_dh = tanh_c * o * (1 - o)  # (T, H)
    dz_per_dc = np.stack([g * i * (1 - i), c_prev * f * (1 - f), i * (1 - g * g)], axis=1)
    WU = np.concatenate([lstm.W, lstm.U], axis=1)  # (4H, X+H): dz·WU = [dx | dh_prev]
    dtype = lstm.dtype
    J = np.empty((T, H, X), dtype=dtype)
    dh = np.eye(H, dtype=dtype)  # ∂h_{T−1}/∂h_{T−1}
    dc = np.zeros((H, H), dtype=dtype)
    dz = np.empty((H, 4, H), dtype=dtype)  # (output r, gate, unit)
    dz_flat = dz.reshape(H, 4 * H)  # the same memory, gates i, f, g, o
    back = np.empty((H, X + H), dtype=dtype)  # [∂h_{T−1}/∂x_t | ∂h_{T−1}/∂h_{t−1}]
    blocks = _row_blocks(H, 4 * H, X + H)
    for t in range(T - 1, -1, -1):
        dc += dh * dc_per_dh[t]
        np.multiply(dc[:, None, :], dz_per_dc[t], out=dz[:, :3])  # dz of i, f, g
        np.multiply(dh, dzo_per_dh[t], out=dz[:, 3])  # dz of o
        for rows in blocks:
            np.matmul(dz_flat[rows], WU, out=back[rows])  # (H, 4H)·(4H, X+H)
        J[t] = back[:, :X]
        dh = back[:, X:]  # ∂h_{T−1}/∂h_{t−1}, (H, H)
        dc *= f[t]  # ∂h_{T−1}/∂c_{t−1} through the cell path
    return J


# A BLAS hands a matrix product to several threads above some size (OpenBLAS: when
# m·n·k > 65536·4, its default). In a loop of T small products those threads mostly wait
# for each other: on a busy 2-CPU machine, 200 steps of (64, 256)·(256, 68) took 1.5 s
# threaded, 43 ms in row blocks below that size, and 35 ms on one thread.
_ONE_THREAD_MNK = 2**18


def _row_blocks(m, k, n):
    """Slices of the m rows of an (m, k)·(k, n) product, each block's m·k·n ≤ 2^18."""
    rows = max(1, _ONE_THREAD_MNK // (k * n))
    return [slice(r, r + rows) for r in range(0, m, rows)]


def input_gradients(lstm: LSTM, x, h0=None, c0=None) -> np.ndarray:
    """‖∂h_{T−1}/∂x_t‖ for every t: how strongly the last hidden state depends on each input.

    Parameters
    ----------
    lstm : LSTM
    x : array_like of shape (T, X)
    h0, c0 : array_like of shape (H,), optional

    Returns
    -------
    ndarray of shape (T,)
        The Frobenius norm of each (H, X) Jacobian from :func:`input_jacobians`.

    Examples
    --------
    >>> from lstm_viz.cell import LSTM
    >>> norms = input_gradients(LSTM.random(2, 8, seed=0), np.ones((30, 2)))
    >>> bool(norms[-1] > norms[0])            # the last input matters most here
    True
    """
    J = input_jacobians(lstm, x, h0, c0)
    return np.sqrt(np.einsum("trx,trx->t", J, J))


@dataclass(frozen=True, eq=False)
class TanhRNN(RecurrentWeights):
    """A plain (Elman) RNN, the LSTM's foil: h_t = tanh(W·x_t + U·h_{t−1} + b).

    ``W`` (H, X), ``U`` (H, H), ``b`` (H,), float32 or float64 (PyTorch ``nn.RNN``'s
    layout, its two biases summed into ``b``). Arrays are read-only.

    Examples
    --------
    >>> rnn = TanhRNN.random(input_size=2, hidden_size=3, seed=0)
    >>> rnn.run(np.ones((4, 2))).shape        # (T, H)
    (4, 3)
    """

    BLOCKS = 1

    @classmethod
    def random(cls, input_size: int, hidden_size: int, seed: int = 0,
               dtype=np.float64) -> TanhRNN:
        """Reproducible random weights, uniform(−1/√H, 1/√H) like PyTorch's ``nn.RNN``."""
        X, H = positive_int(input_size, "input_size"), positive_int(hidden_size, "hidden_size")
        return cls(*uniform(seed, 1.0 / np.sqrt(H), (H, X), (H, H), H, dtype=dtype))

    def run(self, x, h0=None) -> np.ndarray:
        """The hidden states h_t of one sequence x (T, X), from h0 (H,) (zeros by default).

        Returns an ndarray of shape (T, H).
        """
        x = _sequence(x, "x", self.input_size).astype(self.dtype, copy=False)
        H = self.hidden_size
        h = np.zeros(H, dtype=self.dtype)
        if h0 is not None:
            h0 = check_shape(as_float_array(h0, "h0", ndim=1), "h0", (H,), "(H,)")
            h = check_finite(h0, "h0").astype(self.dtype)
        a = x @ self.W.T + self.b  # (T, H): W·x_t + b of every step
        out = np.empty_like(a)
        UT = np.ascontiguousarray(self.U.T)
        for t in range(len(a)):
            h = np.tanh(a[t] + h @ UT, out=out[t])  # h_t, (H,)
        return out


def rnn_input_jacobians(rnn: TanhRNN, x, h0=None) -> np.ndarray:
    """∂h_{T−1}/∂x_t of a :class:`TanhRNN` for every t, shape (T, H, X).

    With dh (H, H) the adjoints of h_t for all H outputs (the identity at t = T−1)::

        da = dh ⊙ (1 − h_t²)      J_t = da · W      dh ← da · U
    """
    h = rnn.run(x, h0)  # (T, H)
    T, H = h.shape
    X = rnn.input_size
    WU = np.concatenate([rnn.W, rnn.U], axis=1)  # (H, X+H): da·WU = [dx | dh_prev]
    J = np.empty((T, H, X), dtype=rnn.dtype)
    dh = np.eye(H, dtype=rnn.dtype)  # ∂h_{T−1}/∂h_{T−1}
    da = np.empty((H, H), dtype=rnn.dtype)  # ∂h_{T−1}/∂a_t, a_t = W·x_t + U·h_{t−1} + b
    back = np.empty((H, X + H), dtype=rnn.dtype)
    blocks = _row_blocks(H, H, X + H)
    for t in range(T - 1, -1, -1):
        np.multiply(dh, 1 - h[t] * h[t], out=da)  # tanh′(a_t) = 1 − h_t²
        for rows in blocks:
            np.matmul(da[rows], WU, out=back[rows])  # (H, H)·(H, X+H)
        J[t] = back[:, :X]
        dh = back[:, X:]  # ∂h_{T−1}/∂h_{t−1}
    return J


def rnn_input_gradients(rnn: TanhRNN, x, h0=None) -> np.ndarray:
    """‖∂h_{T−1}/∂x_t‖ (Frobenius) of a :class:`TanhRNN` for every t, shape (T,)."""
    J = rnn_input_jacobians(rnn, x, h0)
    return np.sqrt(np.einsum("trx,trx->t", J, J))


def _sequence(x, name, X=None):
    """One sequence (T, X) as a float array, checked."""
    x = as_float_array(x, name, ndim=2)
    if x.shape[0] == 0:
        raise ValueError("the sequence is empty: give at least one time step")
    if X is not None and x.shape[1] != X:
        raise ValueError(f"each input x_t must have {X} numbers (the layer's input size); "
                         f"got {x.shape[1]}")
    return check_finite(x, "the input")


# ---- gate saturation --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Saturation:
    """How often each unit's gates are nearly shut or nearly open.

    Attributes
    ----------
    left, right : mapping of gate name to ndarray of shape (H,)
        For the gates "i", "f", "o": the share of steps with the gate below ``low``
        (left-saturated, nearly shut) and above ``high`` (right-saturated, nearly open).
        For the candidate "g", which lies in [−1, 1], the same thresholds are taken on
        its own range: (g + 1)/2 below ``low`` or above ``high``, i.e. g < −0.8 or g > 0.8
        for the defaults, where tanh is flat and its write is all or nothing in sign.
    low, high : float
        The thresholds used.
    samples : int
        How many gate values each share is taken over: T, or T·B for a batch.
    """

    left: MappingProxyType
    right: MappingProxyType
    low: float
    high: float
    samples: int

    def point(self, gate: str, unit: int) -> tuple[float, float]:
        """(left, right) share of one unit's gate: a dot in Karpathy et al.'s scatter."""
        return float(self.left[gate][unit]), float(self.right[gate][unit])


def saturation(trace: LSTMTrace, low: float = 0.1, high: float = 0.9) -> Saturation:
    """Per unit, the share of steps on which each gate is below ``low`` or above ``high``.

    Parameters
    ----------
    trace : LSTMTrace
        Arrays of shape (T, H), or (T, B, H) for a batch (shares over all T·B values).
    low, high : float
        Thresholds with 0 < low < high < 1; 0.1 and 0.9 as in the paper.

    Returns
    -------
    Saturation
        ``left[gate]`` and ``right[gate]``, arrays of shape (H,) for each of i, f, g, o.

    Notes
    -----
    This reproduces the gate-saturation picture of Karpathy, Johnson & Fei-Fei (2015),
    "Visualizing and Understanding Recurrent Networks" (arXiv:1506.02078, Figure 3): a
    gate is left-saturated when its activation is below 0.1 and right-saturated above
    0.9; each unit is a dot at (fraction left-saturated, fraction right-saturated), one
    panel per gate. Units whose forget gate is right-saturated most of the time keep
    their cell state almost unchanged from step to step: long-term memory. The paper
    plots i, f and o; the candidate g is added here on its own range (see
    :class:`Saturation`).

    Examples
    --------
    >>> from lstm_viz.cell import LSTM
    >>> s = saturation(LSTM.random(1, 2, seed=0).run(np.zeros((10, 1))))
    >>> s.right["f"].shape, s.samples
    ((2,), 10)
    """
    low, high = float(low), float(high)
    if not 0 < low < high < 1:
        raise ValueError(f"the thresholds need 0 < low < high < 1; got low={low}, high={high}")
    H = trace.hidden_size
    left, right = {}, {}
    for gate in GATES:
        q = QUANTITIES[gate]
        a = getattr(trace, gate).reshape(-1, H)  # (T or T·B, H)
        if (q.low, q.high) != (0.0, 1.0):
            a = (a - q.low) / (q.high - q.low)  # g from [−1, 1] onto [0, 1]
        left[gate] = np.mean(a < low, axis=0)
        right[gate] = np.mean(a > high, axis=0)
        frozen(left[gate], right[gate])
    samples = trace.h.size // H
    return Saturation(MappingProxyType(left), MappingProxyType(right), low, high, samples)
