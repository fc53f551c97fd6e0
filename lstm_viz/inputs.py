"""Turn what a learner types into input vectors x_t, one per time step.

Three modes:

- ``chars``: every character is a step (Chinese characters and emoji included; an
  emoji built from several code points, such as 👍🏽 or 👩‍👩‍👧, counts as one);
- ``words``: the text split on white space (both by :func:`lstm_viz.tokens.tokenize`);
- ``numbers``: a time series, ``0.5, 1, -2`` (one number a step) or ``1 2; 3 4``
  (one vector a step, steps separated by ``;`` or new lines).

Text tokens become vectors through a fixed embedding: each distinct token gets a
vector of ``EMBED_DIM`` numbers in [−1, 1], drawn from a generator seeded by the
token itself and the seed, so the same token always gets the same vector.

Every problem raises :class:`InputError`, a ValueError that carries a stable code (the
key of its message in the app's catalogues) and the values of the message, so the app
can say what is wrong in the learner's language; ``str(err)`` says it in English.

>>> seq = encode("1 2; 3 4", "numbers")
>>> seq.tokens, seq.x.shape
(('1 2', '3 4'), (2, 2))
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from lstm_viz.tokens import tokenize

__all__ = ["EMBED_DIM", "MAX_ABS", "MAX_STEPS", "MESSAGES", "MODES", "Encoded", "InputError",
           "embed", "encode", "parse_int", "parse_units"]

MODES = ("chars", "words", "numbers")
EMBED_DIM = 4        # length of a text token's vector
MAX_STEPS = 500      # longer sequences keep their first MAX_STEPS steps
MAX_CHARS = 20_000   # text beyond this is not even read
MAX_ABS = 1e6        # numbers mode refuses larger magnitudes
MAX_WIDTH = 64       # numbers per step in numbers mode


# The English of every InputError, by code; the app's catalogues translate the same codes.
MESSAGES = {
    "err.empty": "The sequence is empty. Type at least one character, word or number.",
    "err.mode": "Unknown input mode “{mode}”. Choose chars, words or numbers.",
    "err.not_number": "“{token}” (step {step}) is not a number. In numbers mode type numbers "
                      "separated by commas or spaces, e.g. 0.5, 1, -2.",
    "err.not_finite": "“{token}” (step {step}) is not a finite number. Use ordinary numbers "
                      "instead of NaN or infinity.",
    "err.too_big": "{token} (step {step}) is too large: numbers must lie between −{limit} and "
                   "{limit}.",
    "err.ragged": "Step {step} has {got} numbers but step 1 has {want}. Give every step the "
                  "same number of values (e.g. 1 2; 3 4).",
    "err.too_wide": "Step {step} has {got} numbers; at most {limit} per step are allowed.",
    "err.empty_vector": "Step {step} between two semicolons is empty. Remove the extra “;” or "
                        "put numbers there.",
    "err.range": "{name} must be a whole number from {low} to {high}; got “{value}”.",
    "err.units_list": "Units must be a list of whole numbers separated by commas, e.g. 128, 64,"
                      " 32, 8; “{token}” is not one.",
    "err.too_many_layers": "At most {limit} stacked layers; you gave {got}.",
    "err.work": "This view is too big for a shared classroom server: {steps} steps × {units} "
                  "units (all layers together) is {work} unit-steps, and one view may have at most"
                  " {limit}. With {units} units use at most {max_steps} steps, or use fewer units "
                  "or layers.",
}


class InputError(ValueError):
    """Bad input from a learner: ``key`` (one of :data:`MESSAGES`) names the problem and
    ``values`` fill its message; ``str(err)`` is the message in English.

    >>> err = InputError("err.too_wide", step=2, got=70, limit=64)
    >>> err.key, str(err)
    ('err.too_wide', 'Step 2 has 70 numbers; at most 64 per step are allowed.')
    """

    def __init__(self, key: str, **values):
        self.key, self.values = key, values
        super().__init__(MESSAGES[key].format(**values))


@dataclass(frozen=True, eq=False)
class Encoded:
    """Typed text encoded as a sequence of input vectors, one per time step.

    Attributes
    ----------
    tokens : tuple of str, length T
        What each step shows on a time axis.
    x : ndarray of shape (T, X)
        The input vectors (read-only).
    mode : str
        "chars", "words" or "numbers".
    total_steps : int
        Steps in the text before truncation to ``MAX_STEPS``.
    """

    tokens: tuple[str, ...]
    x: np.ndarray
    mode: str
    total_steps: int

    @property
    def truncated(self) -> bool:
        return self.total_steps > len(self.tokens)

    def vocabulary(self) -> tuple[tuple[str, np.ndarray], ...]:
        """Distinct tokens in order of first appearance, each with its vector (X,)."""
        seen: dict[str, np.ndarray] = {}
        for token, vec in zip(self.tokens, self.x, strict=True):
            seen.setdefault(token, vec)
        return tuple(seen.items())


def encode(text: str, mode: str, seed: int = 0, max_steps: int = MAX_STEPS) -> Encoded:
    """Encode ``text`` in ``mode``; the first ``max_steps`` steps are kept."""
    if mode not in MODES:
        raise InputError("err.mode", mode=str(mode)[:20])
    text = (text or "")[:MAX_CHARS]
    if mode == "numbers":
        tokens, rows = _parse_numbers(text)
        x = np.array(rows, dtype=np.float64)  # (T, X)
    else:
        tokens = tokenize(text, mode)
        if not tokens:
            raise InputError("err.empty")
        x = embed(tokens, seed=seed)
    total = len(tokens)
    x = x[:max_steps]
    x.flags.writeable = False
    return Encoded(tuple(tokens[:max_steps]), x, mode, total)


def embed(tokens, seed: int = 0, dim: int = EMBED_DIM) -> np.ndarray:
    """The fixed embedding of each token: ndarray of shape (T, dim), values in [−1, 1]."""
    table = {tok: _token_vector(tok, seed, dim) for tok in dict.fromkeys(tokens)}
    return np.array([table[tok] for tok in tokens], dtype=np.float64).reshape(len(tokens), dim)


def _token_vector(token: str, seed: int, dim: int) -> np.ndarray:
    digest = hashlib.blake2b(f"{seed}\x00{token}".encode(), digest_size=8).digest()
    rng = np.random.default_rng(int.from_bytes(digest, "little"))
    return np.round(rng.uniform(-1.0, 1.0, size=dim), 2)  # two decimals: easy to read


# ---- numbers ---------------------------------------------------------------------

_STEP_SEP = re.compile(r"[;\n]")
_NUM_SEP = re.compile(r"[,\s]+")
_UNITS_SEP = re.compile(r"(?:[,\s]|→|⟶|->)+")  # 128, 64 or 128 → 64 (the lesson's notation)


def _parse_numbers(text: str) -> tuple[list[str], list[list[float]]]:
    """Tokens and rows of a numbers-mode text; every row has the same length."""
    text = unicodedata.normalize("NFKC", text).replace("−", "-")  # full-width ，；１ and −
    chunks = _STEP_SEP.split(text) if _STEP_SEP.search(text.strip()) else _NUM_SEP.split(text)
    while chunks and not chunks[-1].strip():
        chunks.pop()  # a trailing separator is harmless
    while chunks and not chunks[0].strip():
        chunks.pop(0)
    if not chunks:
        raise InputError("err.empty")
    tokens, rows = [], []
    for step, chunk in enumerate(chunks[:MAX_STEPS + 1], start=1):
        parts = [p for p in _NUM_SEP.split(chunk.strip()) if p]
        if not parts:
            raise InputError("err.empty_vector", step=step)
        if len(parts) > MAX_WIDTH:
            raise InputError("err.too_wide", step=step, got=len(parts), limit=MAX_WIDTH)
        if rows and len(parts) != len(rows[0]):
            raise InputError("err.ragged", step=step, got=len(parts), want=len(rows[0]))
        rows.append([_number(p, step) for p in parts])
        tokens.append(" ".join(parts))
    extra = len(chunks) - len(tokens)  # steps past the limit are counted, not parsed
    return tokens + [""] * extra, rows + [rows[-1]] * extra


def _number(token: str, step: int) -> float:
    shown = token[:24]
    try:
        if "_" in token:  # Python's float("1_000") is 1000; a learner means no such number
            raise ValueError(token)
        value = float(token)
    except ValueError:
        raise InputError("err.not_number", token=shown, step=step) from None
    if not np.isfinite(value):
        raise InputError("err.not_finite", token=shown, step=step)
    if abs(value) > MAX_ABS:
        raise InputError("err.too_big", token=shown, step=step, limit=f"{MAX_ABS:g}")
    return value


# ---- settings --------------------------------------------------------------------

def parse_int(value, name: str, low: int, high: int) -> int:
    """A whole number in [low, high] from an int or a string; InputError otherwise."""
    text = str(value).strip()[:24]
    try:
        number = int(text) if not isinstance(value, bool) else None
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise InputError("err.range", name=name, low=low, high=high, value=text)
    return number


def parse_units(text: str, low: int = 1, high: int = 256, max_layers: int = 8) -> tuple[int, ...]:
    """Units per stacked layer from text such as ``128, 64, 32, 8``, ``128 64`` or
    ``128→64→32→8``."""
    parts = [p for p in _UNITS_SEP.split(unicodedata.normalize("NFKC", str(text)).strip()) if p]
    if not parts:
        raise InputError("err.units_list", token="")
    if len(parts) > max_layers:
        raise InputError("err.too_many_layers", limit=max_layers, got=len(parts))
    units = []
    for p in parts:
        if not re.fullmatch(r"[+]?\d+", p):
            raise InputError("err.units_list", token=p[:24])
        units.append(parse_int(p, "units", low, high))
    return tuple(units)
