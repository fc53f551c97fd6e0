"""A model over tokens: embedding → stacked LSTM → dense head → softmax, with its vocabulary.

Notation
--------
T : number of time steps (tokens)      V : vocabulary size (input tokens)
E : embedding size                     H : units of a layer (the top layer's H_top)
K : number of output classes (``labels``; for a language model K = V and labels = vocab)

Equations (at every step t)
---------
    x_t      = embedding[id_t]                       (E,)  the token's vector
    h_t      = stack of LSTM layers run over x_1…x_t (H_top,)
    logits_t = W_head·h_t + b_head                   (K,)
    probs_t  = softmax(logits_t)                     (K,)  the predicted class (next token)

The ``.npz`` file holds plain arrays only (never pickles): ``format``, ``vocab`` and
``labels`` as unicode string arrays, ``meta`` as a JSON string, ``embedding`` (V, E), the
layers as :meth:`StackedLSTM.save` names them (``l0.W``, ``l0.U``, ``l0.b``, …) and
``head.W`` (K, H_top), ``head.b`` (K,). :meth:`TokenModel.params` uses the same names.

Examples
--------
>>> model = TokenModel.random(["a", "b", "c"], ["a", "b", "c"], embed_dim=2, units=(4,), seed=0)
>>> out = model.run(["a", "b", "b"])
>>> out.probs.shape                    # (T, K): next-token probabilities at every step
(3, 3)
>>> model.encode(["c", "a"])
array([2, 0])
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from lstm_viz._checks import as_float_array, check_finite, check_shape, read_npz, require
from lstm_viz.cell import LSTM
from lstm_viz.stack import FORMAT as STACK_FORMAT
from lstm_viz.stack import Dense, StackedLSTM, StackedTrace, read_layers

__all__ = ["FORMAT", "ModelRun", "TokenModel", "UnknownTokens", "softmax"]

FORMAT = "lstm-viz/token-model-v1"
_SHOWN = 60  # at most this many allowed tokens are spelled out in an UnknownTokens message


class UnknownTokens(ValueError):
    """Tokens that are not in a model's vocabulary.

    ``tokens`` holds the unknown tokens (each once, in order of appearance) and
    ``vocab`` the tokens the model knows.
    """

    def __init__(self, tokens, vocab):
        self.tokens = tuple(dict.fromkeys(tokens))
        self.vocab = tuple(vocab)
        bad = ", ".join(repr(t) for t in self.tokens)
        allowed = " ".join(self.vocab[:_SHOWN])
        more = f" … ({len(self.vocab)} in all)" if len(self.vocab) > _SHOWN else ""
        noun = "this token is" if len(self.tokens) == 1 else "these tokens are"
        super().__init__(f"{noun} not in the model's vocabulary: {bad}; "
                         f"use only these: {allowed}{more}")


def softmax(logits):
    """Softmax over the last axis, computed stably (the largest logit is subtracted first)."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


@dataclass(frozen=True, eq=False)
class ModelRun:
    """One sequence run through a :class:`TokenModel`; arrays are read-only.

    Attributes
    ----------
    ids : ndarray of shape (T,)
        The token ids that went in.
    trace : StackedTrace
        Every layer's gates and states at every step, each of shape (T, H_l).
    logits : ndarray of shape (T, K)
        The head's output at every step (``trace.y``).
    probs : ndarray of shape (T, K)
        softmax(logits): the predicted distribution over ``labels`` at every step.
    """

    ids: np.ndarray
    trace: StackedTrace
    logits: np.ndarray
    probs: np.ndarray


@dataclass(frozen=True, eq=False)
class TokenModel:
    """Embedding, stacked LSTM and dense head over a vocabulary of string tokens.

    Attributes
    ----------
    vocab : tuple of str, length V
        The input tokens; token ``vocab[k]`` has id k.
    embedding : ndarray of shape (V, E)
        Row k is the input vector x_t of token k.
    stack : StackedLSTM
        Layers taking E inputs, with a :class:`Dense` head of shape (K, H_top).
    labels : tuple of str, length K
        The classes the head scores; equal to ``vocab`` for a language model.
    meta : Mapping of str to str, int or float
        Free-form facts (task, seed, measured accuracy …), stored as JSON. Read-only.
    """

    vocab: tuple[str, ...]
    embedding: np.ndarray
    stack: StackedLSTM
    labels: tuple[str, ...]
    meta: Mapping[str, str | int | float] = field(default_factory=dict)

    def __post_init__(self):
        vocab = _tokens(self.vocab, "vocab")
        labels = _tokens(self.labels, "labels")
        if not isinstance(self.stack, StackedLSTM):
            raise ValueError(f"stack must be a StackedLSTM; got {type(self.stack).__name__}")
        if self.stack.head is None:
            raise ValueError("the stack needs a dense head giving one logit per label")
        dtype = self.stack.layers[0].dtype
        emb = as_float_array(self.embedding, "embedding", ndim=2)
        check_shape(emb, "embedding", (len(vocab), self.stack.input_size),
                    "(V, E) = (vocabulary size, the first layer's input size)")
        emb = np.array(check_finite(emb, "embedding"), dtype=dtype)
        emb.flags.writeable = False
        if self.stack.head.units != len(labels):
            raise ValueError(f"the head gives {self.stack.head.units} logits but there are "
                             f"{len(labels)} labels; they must be equal")
        meta = MappingProxyType(_checked_meta(self.meta))
        for name, value in (("vocab", vocab), ("labels", labels), ("embedding", emb),
                            ("meta", meta)):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_ids", {t: k for k, t in enumerate(vocab)})

    # ---- sizes -------------------------------------------------------------------------

    @property
    def vocab_size(self) -> int:
        """V, the number of input tokens."""
        return len(self.vocab)

    @property
    def embed_dim(self) -> int:
        """E, the length of each token's vector."""
        return self.embedding.shape[1]

    @property
    def units(self) -> tuple[int, ...]:
        """Units of each LSTM layer, bottom first."""
        return self.stack.units

    @property
    def dtype(self) -> np.dtype:
        return self.embedding.dtype

    # ---- constructors ------------------------------------------------------------------

    @classmethod
    def random(cls, vocab, labels, embed_dim: int, units, seed: int = 0, *,
               forget_bias: float = 1.0, dtype=np.float64, meta=None) -> TokenModel:
        """Reproducible random weights.

        The embedding is N(0, 1) (like PyTorch's ``nn.Embedding``); layers and head are
        uniform(−1/√H, 1/√H) (like ``nn.LSTM``, ``nn.Linear``). ``forget_bias`` is added to
        every b_f, so that f starts near σ(1) ≈ 0.73 and memories survive the first
        updates (Keras' ``unit_forget_bias``); pass 0 for PyTorch's initialisation.
        """
        vocab, labels = tuple(vocab), tuple(labels)
        rng = np.random.default_rng(seed)
        embedding = rng.normal(size=(len(vocab), embed_dim)).astype(dtype)  # (V, E)
        stack = StackedLSTM.random(embed_dim, tuple(units), dense=len(labels),
                                   seed=int(rng.integers(2**31)), dtype=dtype)
        if forget_bias:
            layers = []
            for layer in stack.layers:
                H = layer.hidden_size
                b = layer.b.copy()
                b[H:2 * H] += forget_bias  # the forget gate's block of b
                layers.append(LSTM(layer.W, layer.U, b))
            stack = StackedLSTM(tuple(layers), stack.head)
        return cls(vocab, embedding, stack, labels, meta or {})

    # ---- parameters --------------------------------------------------------------------

    def params(self) -> dict[str, np.ndarray]:
        """Every trainable array by its file name (read-only views, not copies).

        ``embedding`` (V, E); ``l{k}.W`` (4H, X), ``l{k}.U`` (4H, H), ``l{k}.b`` (4H,) for
        each layer k (bottom first); ``head.W`` (K, H_top), ``head.b`` (K,).
        """
        out = {"embedding": self.embedding}
        for k, layer in enumerate(self.stack.layers):
            out.update({f"l{k}.W": layer.W, f"l{k}.U": layer.U, f"l{k}.b": layer.b})
        out.update({"head.W": self.stack.head.W, "head.b": self.stack.head.b})
        return out

    def with_params(self, params: Mapping[str, np.ndarray]) -> TokenModel:
        """The same model (vocabulary, labels, meta) with the arrays of ``params``.

        ``params`` has the names of :meth:`params`; all of them are required.
        """
        missing = [k for k in self.params() if k not in params]
        if missing:
            raise ValueError(f"params lacks {', '.join(missing)}")
        layers = tuple(LSTM(params[f"l{k}.W"], params[f"l{k}.U"], params[f"l{k}.b"])
                       for k in range(len(self.stack.layers)))
        stack = StackedLSTM(layers, Dense(params["head.W"], params["head.b"]))
        return TokenModel(self.vocab, params["embedding"], stack, self.labels, self.meta)

    # ---- running -----------------------------------------------------------------------

    def encode(self, tokens) -> np.ndarray:
        """Token ids of shape (T,) for a sequence of tokens (strings).

        Raises :class:`UnknownTokens` (a ValueError) naming every token not in ``vocab``.
        A plain string is refused: split it first, as the model's tokens require
        (:func:`lstm_viz.tokens.tokenize` with the model's ``vocab``).
        """
        if isinstance(tokens, str):
            raise ValueError("give a list of tokens, not one string: split the text first "
                             "(into words or characters, as the model's vocabulary has them)")
        tokens = list(tokens)
        unknown = [t for t in tokens if t not in self._ids]
        if unknown:
            raise UnknownTokens(unknown, self.vocab)
        return np.array([self._ids[t] for t in tokens], dtype=np.intp)  # (T,)

    def decode(self, ids) -> list[str]:
        """The tokens of ids (T,)."""
        return [self.vocab[k] for k in self._checked_ids(ids)]

    def run(self, tokens_or_ids) -> ModelRun:
        """Run one sequence: a list of tokens, or an int array of ids of shape (T,)."""
        ids = self._checked_ids(tokens_or_ids)
        trace = self.stack.run(self.embedding[ids])  # (T, E) in, every layer (T, H_l)
        probs = softmax(trace.y)  # (T, K)
        ids.flags.writeable = probs.flags.writeable = False
        return ModelRun(ids=ids, trace=trace, logits=trace.y, probs=probs)

    def _checked_ids(self, tokens_or_ids) -> np.ndarray:
        if isinstance(tokens_or_ids, np.ndarray) and tokens_or_ids.dtype.kind in "iu":
            ids = np.array(tokens_or_ids, dtype=np.intp)
        elif (not isinstance(tokens_or_ids, str) and len(tokens_or_ids)
              and all(isinstance(t, numbers.Integral) for t in tokens_or_ids)):
            ids = np.array(tokens_or_ids, dtype=np.intp)
        else:
            ids = self.encode(tokens_or_ids)
        if ids.ndim != 1 or ids.size == 0:
            raise ValueError(f"give one non-empty sequence of token ids, shape (T,); "
                             f"got shape {ids.shape}")
        if ids.min() < 0 or ids.max() >= self.vocab_size:
            raise ValueError(f"token ids must lie in 0 … {self.vocab_size - 1}; "
                             f"got {int(ids.min())} … {int(ids.max())}")
        return ids

    # ---- files -------------------------------------------------------------------------

    def save(self, path) -> None:
        """Write the model to a ``.npz`` file: plain arrays and strings, no pickles."""
        arrays = {
            "format": np.array(FORMAT),
            "vocab": np.array(list(self.vocab), dtype=str),
            "labels": np.array(list(self.labels), dtype=str),
            "meta": np.array(json.dumps(dict(self.meta), ensure_ascii=False, allow_nan=False)),
        }
        arrays.update(self.params())
        np.savez(path, **arrays)

    @classmethod
    def load(cls, path) -> TokenModel:
        """Read a model written by :meth:`save`; raises ValueError saying what is wrong."""
        return cls.from_arrays(read_npz(path, required=("format",), only_arrays=True))

    @classmethod
    def from_arrays(cls, arrays) -> TokenModel:
        """The model held by the arrays of a file :meth:`save` wrote (a mapping of names to
        arrays, already read: an upload is parsed once); raises ValueError like :meth:`load`."""
        require(arrays, ("format",))
        _check_format(arrays["format"])
        require(arrays, ("vocab", "labels", "meta", "embedding", "l0.W", "l0.U", "l0.b",
                         "head.W", "head.b"))  # names whatever is missing
        vocab = _string_array(arrays["vocab"], "vocab")
        labels = _string_array(arrays["labels"], "labels")
        meta = _meta_from_json(arrays["meta"])
        layers = read_layers(arrays)
        stack = StackedLSTM(layers, Dense(arrays["head.W"], arrays["head.b"]))
        return cls(vocab, arrays["embedding"], stack, labels, meta)


# ---- checks ------------------------------------------------------------------------------


def _tokens(tokens, name):
    """A tuple of distinct, non-empty strings without NUL characters."""
    if isinstance(tokens, str):
        raise ValueError(f"{name} must be a list of tokens, not one string")
    tokens = tuple(tokens)
    if not tokens:
        raise ValueError(f"{name} is empty: give at least one token")
    for t in tokens:
        if not isinstance(t, str) or not t or "\0" in t:
            raise ValueError(f"every entry of {name} must be a non-empty string without NUL "
                             f"characters; got {t!r}")
    if len(set(tokens)) != len(tokens):
        seen, twice = set(), []
        for t in tokens:
            if t in seen:
                twice.append(t)
            seen.add(t)
        raise ValueError(f"{name} lists these tokens more than once: "
                         f"{', '.join(repr(t) for t in dict.fromkeys(twice))}")
    return tokens


def _checked_meta(meta):
    """meta as a dict of str to str, int or float (NumPy numbers become Python numbers)."""
    if not isinstance(meta, Mapping):
        raise ValueError(f"meta must be a mapping of names to values; got {type(meta).__name__}")
    out = {}
    for key, value in meta.items():
        if not isinstance(key, str):
            raise ValueError(f"meta keys must be strings; got {key!r}")
        if isinstance(value, numbers.Integral):
            value = int(value)
        elif isinstance(value, numbers.Real):
            value = float(value)
            if not np.isfinite(value):
                raise ValueError(f"meta[{key!r}] must be finite; got {value}")
        elif not isinstance(value, str):
            raise ValueError(f"meta[{key!r}] must be a string or a number; "
                             f"got {type(value).__name__}")
        out[key] = value
    return out


def _check_format(marker):
    text = str(marker[()]) if marker.ndim == 0 and marker.dtype.kind == "U" else None
    if text == FORMAT:
        return
    if text == STACK_FORMAT:
        raise ValueError("this file holds a StackedLSTM without vocabulary; "
                         "read it with StackedLSTM.load")
    found = repr(text[:60]) if text else f"an array of dtype {marker.dtype}, shape {marker.shape}"
    raise ValueError(f"this is not a token model file: its format marker is {found}, "
                     f"not {FORMAT!r}")


def _string_array(a, name):
    if a.dtype.kind != "U" or a.ndim != 1:
        raise ValueError(f"{name} in the file must be a 1-D array of unicode strings; "
                         f"got dtype {a.dtype}, shape {a.shape}")
    return tuple(str(t) for t in a)


def _meta_from_json(a):
    if a.dtype.kind != "U" or a.ndim != 0:
        raise ValueError(f"meta in the file must be one JSON string; got dtype {a.dtype}, "
                         f"shape {a.shape}")
    try:
        meta = json.loads(str(a[()]))
    except RecursionError:  # thousands of nested brackets
        raise ValueError("meta in the file is nested too deeply to be a JSON object of "
                         "names and values") from None
    except ValueError as err:  # JSONDecodeError, or an integer of thousands of digits
        raise ValueError(f"meta in the file is not valid JSON ({str(err)[:120]})") from None
    if not isinstance(meta, dict):
        raise ValueError("meta in the file must be a JSON object {name: value, …}")
    return meta

