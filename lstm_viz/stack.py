"""Stacked LSTMs: layer l's hidden state h_t is layer l+1's input x_t.

Each layer keeps its own (h, c) and passes it to its own next time step; only h
goes up. An optional dense head reads the top layer's h_t at every step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_viz._checks import (
    as_float_array,
    check_finite,
    check_shape,
    read_npz,
    require,
    uniform,
)
from lstm_viz.cell import LSTM, LSTMTrace

__all__ = ["Dense", "StackedLSTM", "StackedTrace"]

FORMAT = "lstm-viz/stack-v1"


@dataclass(frozen=True, eq=False)
class Dense:
    """A fully connected layer y = W·h + b: ``W`` (K, H), ``b`` (K,) (PyTorch ``Linear`` layout)."""

    W: np.ndarray
    b: np.ndarray

    def __post_init__(self):
        W = as_float_array(self.W, "dense W", ndim=2)
        b = check_shape(as_float_array(self.b, "dense b", ndim=1), "dense b", W.shape[:1], "(K,)")
        for name, a in (("W", W), ("b", b)):
            a = np.array(check_finite(a, f"dense {name}"))
            a.flags.writeable = False
            object.__setattr__(self, name, a)

    @classmethod
    def random(cls, input_size: int, units: int, seed: int = 0, dtype=np.float64) -> Dense:
        """Uniform(−1/√H, 1/√H) weights, like PyTorch's ``Linear``."""
        return cls(*uniform(seed, 1.0 / np.sqrt(input_size), (units, input_size), units,
                            dtype=dtype))

    @property
    def input_size(self) -> int:
        return self.W.shape[1]

    @property
    def units(self) -> int:
        return self.W.shape[0]

    def __call__(self, h: np.ndarray) -> np.ndarray:
        """Apply to h of shape (…, H); returns (…, K)."""
        return h @ self.W.T + self.b


@dataclass(frozen=True, eq=False)
class StackedTrace:
    """One :class:`LSTMTrace` per layer (bottom first) and the head's output.

    ``y`` has shape (T, K) or (T, B, K): the dense head applied to the top layer's
    h_t at every step; None when the stack has no head.
    """

    layers: tuple[LSTMTrace, ...]
    y: np.ndarray | None

    @property
    def top(self) -> LSTMTrace:
        return self.layers[-1]


@dataclass(frozen=True, eq=False)
class StackedLSTM:
    """LSTM layers of any sizes on top of each other, with an optional dense head.

    Examples
    --------
    >>> stack = StackedLSTM.random(5, [128, 64, 32, 8], dense=1, seed=0)  # the article's stack
    >>> trace = stack.run(np.zeros((10, 5)))
    >>> [t.h.shape for t in trace.layers], trace.y.shape
    ([(10, 128), (10, 64), (10, 32), (10, 8)], (10, 1))
    """

    layers: tuple[LSTM, ...]
    head: Dense | None = None

    def __post_init__(self):
        layers = tuple(self.layers)
        if not layers:
            raise ValueError("a stack needs at least one LSTM layer")
        for k in range(1, len(layers)):
            below, here = layers[k - 1].hidden_size, layers[k].input_size
            if below != here:
                raise ValueError(f"layer {k + 1} takes inputs of size {here}, but layer {k} "
                                 f"outputs {below} units; they must be equal")
        if self.head is not None and self.head.input_size != layers[-1].hidden_size:
            raise ValueError(f"the dense head takes {self.head.input_size} inputs, but the top "
                             f"layer has {layers[-1].hidden_size} units")
        object.__setattr__(self, "layers", layers)

    @property
    def input_size(self) -> int:
        return self.layers[0].input_size

    @property
    def units(self) -> tuple[int, ...]:
        """Hidden size of each layer, bottom first."""
        return tuple(layer.hidden_size for layer in self.layers)

    @classmethod
    def random(cls, input_size: int, units, dense: int | None = None, seed: int = 0,
               dtype=np.float64) -> StackedLSTM:
        """Random weights for every layer; layer k is seeded with ``seed + k``."""
        layers, x = [], input_size
        for k, h in enumerate(units):
            layers.append(LSTM.random(x, h, seed=seed + k, dtype=dtype))
            x = h
        head = Dense.random(x, dense, seed=seed + len(layers), dtype=dtype) if dense else None
        return cls(layers, head)

    @classmethod
    def from_torch(cls, state_dict, head=None) -> StackedLSTM:
        """All layers of a PyTorch ``nn.LSTM(num_layers=L)`` state dict (one direction).

        ``head`` may be a :class:`Dense` or a ``Linear`` state dict (``weight``, ``bias``).
        """
        n = 0
        while f"weight_ih_l{n}" in state_dict:
            n += 1
        if n == 0:
            raise ValueError("the PyTorch state dict has no weight_ih_l0: is it an nn.LSTM?")
        if "weight_ih_l0_reverse" in state_dict:
            raise ValueError("this is a bidirectional LSTM; a stack runs one direction: read "
                             "each direction with LSTM.from_torch(state_dict, layer, reverse)")
        layers = tuple(LSTM.from_torch(state_dict, layer=k) for k in range(n))
        if head is not None and not isinstance(head, Dense):
            head = Dense(head["weight"], head["bias"])  # Dense reads tensors too
        return cls(layers, head)

    def run(self, x, states=None) -> StackedTrace:
        """Run x of shape (T, X) or (T, B, X) through every layer, then the head.

        ``states`` is an optional list of (h0, c0) pairs, one per layer.
        """
        if states is None:
            states = [(None, None)] * len(self.layers)
        if len(states) != len(self.layers):
            raise ValueError(f"give one (h0, c0) pair per layer: {len(self.layers)}, "
                             f"not {len(states)}")
        traces = []
        for layer, (h0, c0) in zip(self.layers, states, strict=True):
            trace = layer.run(x, h0, c0)
            traces.append(trace)
            x = trace.h  # (T, [B,] H_l): this layer's h_t is the next layer's x_t
        y = self.head(x) if self.head is not None else None
        if y is not None:
            y.flags.writeable = False  # read-only like the layers' traces
        return StackedTrace(tuple(traces), y)

    def save(self, path) -> None:
        """Write every layer (and the head) to one ``.npz`` file, no pickles."""
        arrays = {"format": np.array(FORMAT)}
        for k, layer in enumerate(self.layers):
            arrays.update({f"l{k}.W": layer.W, f"l{k}.U": layer.U, f"l{k}.b": layer.b})
        if self.head is not None:
            arrays.update({"head.W": self.head.W, "head.b": self.head.b})
        np.savez(path, **arrays)

    @classmethod
    def load(cls, path) -> StackedLSTM:
        """Read a stack written by :meth:`save` (or a single layer written by ``LSTM.save``)."""
        arrays = read_npz(path, required=(), only_arrays=True)  # read once: path may be a file
        if "W" in arrays and "l0.W" not in arrays:  # a single layer written by LSTM.save
            require(arrays, ("W", "U", "b"))
            return cls((LSTM(arrays["W"], arrays["U"], arrays["b"]),))
        require(arrays, ("l0.W", "l0.U", "l0.b"))  # names what is missing
        layers = read_layers(arrays)
        head = None
        if "head.W" in arrays or "head.b" in arrays:
            if "head.W" not in arrays or "head.b" not in arrays:
                raise ValueError("the file has only half a dense head: it needs head.W and head.b")
            head = Dense(arrays["head.W"], arrays["head.b"])
        return cls(layers, head)


def read_layers(arrays) -> tuple[LSTM, ...]:
    """The layers ``l0.W``, ``l0.U``, ``l0.b``, ``l1.W`` … of a saved stack, bottom first."""
    layers, k = [], 0
    while f"l{k}.W" in arrays:
        parts = [arrays.get(f"l{k}.{p}") for p in "WUb"]
        if any(p is None for p in parts):
            raise ValueError(f"layer {k} of the file lacks one of l{k}.W, l{k}.U, l{k}.b")
        layers.append(LSTM(*parts))
        k += 1
    return tuple(layers)
