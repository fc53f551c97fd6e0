"""Training tasks: small generated languages whose answers need memory.

Every task is a generator of examples. An :class:`Example` is a sequence of input
tokens with one target label per step ("" where the step is not graded) and the
facts about each step that the evaluation needs (:class:`Annotations`). Generators
are pure: all randomness comes from the ``numpy.random.Generator`` passed in, so a
seed always gives the same sequences.

The tasks
---------
pronoun-en
    Short English stories with several subjects, e.g. ``John met Mary in the park
    and he is happy . the girls saw Tom and they are tired .`` The model is graded
    only where the next word is a pronoun (he / she / they) or the verb after it
    (is / are). Choosing the pronoun needs the gender and number of the latest
    *subject*, which may lie ten words back, behind nouns of the other gender.
pronoun-zh
    The same in Chinese, one character per step: ``爸爸在公园见到了小红，他很高兴。``
    Graded where the next token is 他 / 她 / 他们 (他们 is one token).
brackets
    ``( a ( ( b ) ) …``: after every step, say how deeply the brackets are nested
    (0 to 4). Needs a counter kept in memory.
first-symbol
    ``B x z u … ?``: at the final ``?``, say which of A / B / C came first.

>>> import numpy as np
>>> task = get("first-symbol")
>>> ex = task.sample(np.random.default_rng(0), 1)[0]
>>> ex.tokens[0] in task.labels, ex.tokens[-1], ex.targets[-1] == ex.tokens[0]
(True, '?', True)
>>> ids, targets, mask = task.batch(np.random.default_rng(0), 8)
>>> ids.shape == targets.shape == mask.shape, ids.shape[1]    # (T, B), time-major
(True, 8)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

import numpy as np

from lstm_viz.model import UnknownTokens
from lstm_viz.tokens import SEGMENTS, tokenize

__all__ = ["LEAST_DISTANCE", "MAX_DEPTH", "PAD", "SUBJECT_CLASSES", "TASKS", "Annotations",
           "Example", "Task", "UnknownTokens", "brackets", "distance_story", "first_symbol",
           "get", "pronoun_en", "pronoun_zh"]

PAD = "<pad>"                        # vocab[0] in every task: fills short sequences in a batch
SUBJECT_CLASSES = ("m", "f", "pl")   # male singular, female singular, plural


# ---- records ---------------------------------------------------------------------

@dataclass(frozen=True)
class Annotations:
    """Facts about each step of an example, for evaluation. Each field has one entry per
    step, or is empty ``()`` when it does not apply to the task.

    Attributes
    ----------
    subject : tuple of str
        Class of the current subject after reading this step's token: "m", "f", "pl",
        or "" before the first subject is known. It switches at the token that settles
        the new subject's class (``boy`` in ``the boy``, 明 in 小明, 爸 in 爸爸).
    new_subject : tuple of bool
        True at the step where a new subject's class becomes known (that same token),
        including the first subject of the sequence.
    slot : tuple of bool
        True where the step is graded: the next token is a pronoun or verb to predict
        (pronoun tasks), every step (brackets), the final ``?`` (first-symbol).
    depth : tuple of int
        Bracket nesting depth after this step's token (brackets only).
    sentence_start : tuple of bool
        True at the first token of every sentence: the story's first token and each one
        after a full stop (pronoun tasks only).
    """

    subject: tuple[str, ...] = ()
    new_subject: tuple[bool, ...] = ()
    slot: tuple[bool, ...] = ()
    depth: tuple[int, ...] = ()
    sentence_start: tuple[bool, ...] = ()


@dataclass(frozen=True)
class Example:
    """One sequence: ``tokens`` (T,), ``targets`` (T,) labels or "" where a step is not
    graded, and the per-step :class:`Annotations`."""

    tokens: tuple[str, ...]
    targets: tuple[str, ...]
    annotations: Annotations = Annotations()

    def __post_init__(self):
        T = len(self.tokens)
        if T == 0:
            raise ValueError("an example needs at least one token")
        if len(self.targets) != T:
            raise ValueError(f"an example needs one target per token: {T} tokens, "
                             f"{len(self.targets)} targets")
        for name in ("subject", "new_subject", "slot", "depth", "sentence_start"):
            n = len(getattr(self.annotations, name))
            if n not in (0, T):
                raise ValueError(f"annotation {name} has {n} entries; give {T} (one per "
                                 "token) or none")

    def __len__(self) -> int:
        return len(self.tokens)


@dataclass(frozen=True)
class Task:
    """A task: its vocabulary, its output classes and a generator of examples.

    Attributes
    ----------
    name : str
        Registry name, e.g. "pronoun-en".
    vocab : tuple of str
        Input tokens; ``vocab[0]`` is :data:`PAD`. A token's id is its index.
    labels : tuple of str
        Output classes; a target's id is its index.
    slots : tuple of (str, tuple of str)
        Named groups of labels that are scored together, e.g. ("pronoun", ("he",
        "she", "they")): at a step whose target is in a group, the prediction is the
        group member with the highest probability.
    title_key, description_key : str
        Keys of the task's name and explanation in the translation catalogue.
    make : callable (numpy.random.Generator) -> Example
        Draws one example.
    segment : str
        How :meth:`tokenize` splits text: "words" (white space and punctuation,
        case-insensitive) or "chars" (characters, longest vocabulary match first).
    aliases : tuple of (str, str)
        Characters accepted in typed text in place of vocabulary tokens (e.g. "," for
        "，"), used by :meth:`tokenize`.
    """

    name: str
    vocab: tuple[str, ...]
    labels: tuple[str, ...]
    slots: tuple[tuple[str, tuple[str, ...]], ...]
    title_key: str
    description_key: str
    make: Callable[[np.random.Generator], Example] = field(repr=False)
    segment: str = "words"
    aliases: tuple[tuple[str, str], ...] = ()

    def __post_init__(self):
        if not self.vocab or self.vocab[0] != PAD:
            raise ValueError(f"a task's vocab must start with the pad token {PAD!r}")
        for what, items in (("vocab", self.vocab), ("labels", self.labels)):
            if len(set(items)) != len(items) or "" in items:
                raise ValueError(f"{what} of task {self.name!r} must be distinct, non-empty")
        stray = [lab for _, group in self.slots for lab in group if lab not in self.labels]
        if stray:
            raise ValueError(f"slot labels {stray} are not among the labels {self.labels}")
        if self.segment not in SEGMENTS:
            raise ValueError(f"segment must be 'words' or 'chars'; got {self.segment!r}")

    def candidates(self, slot: str) -> tuple[str, ...]:
        """The labels of the slot group ``slot`` (e.g. "pronoun")."""
        groups = dict(self.slots)
        if slot not in groups:
            raise ValueError(f"task {self.name!r} has no slot {slot!r}; choose one of "
                             f"{', '.join(groups)}")
        return groups[slot]

    def sample(self, rng: np.random.Generator, n: int) -> list[Example]:
        """``n`` fresh examples drawn with ``rng``."""
        _check_rng(rng)
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
            raise ValueError(f"the number of examples must be a whole number ≥ 1; got {n!r}")
        if self.make not in _PLAIN_DRAWS or not _draws_match(type(rng.bit_generator)):
            return [self.make(rng) for _ in range(int(n))]
        draws = _Draws(rng)   # the same draws from rng, with less Python around each
        try:
            return [self.make(draws) for _ in range(int(n))]
        finally:
            draws.close()     # rng left exactly where its own calls would have left it

    def collate(self, examples: Sequence[Example]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Token ids, target ids and the mask of graded steps, time-major.

        Returns
        -------
        ids : ndarray of int64, shape (T, B)
            Token ids; steps past an example's end hold the id of :data:`PAD` (0).
        targets : ndarray of int64, shape (T, B)
            Label ids; 0 where the step is not graded (look at ``mask``).
        mask : ndarray of bool, shape (T, B)
            True exactly where a step has a target: never on padding.
        """
        if not examples:
            raise ValueError("collate needs at least one example")
        lengths = np.array([len(ex) for ex in examples])                    # (B,)
        T, B = int(lengths.max()), len(examples)
        inside = np.arange(T) < lengths[:, None]     # (B, T): True on tokens, False on padding
        ids = np.zeros((B, T), dtype=np.int64)       # (B, T), PAD everywhere to start
        targets = np.full((B, T), -1, dtype=np.int64)  # (B, T), -1 where there is no target
        ids[inside] = self._ids(self._token_id, examples, "tokens", "vocab")  # row b: example b
        targets[inside] = self._ids(self._label_id, examples, "targets", "labels")
        mask = targets >= 0
        return tuple(np.ascontiguousarray(a.T) for a in (ids, np.maximum(targets, 0), mask))

    def _ids(self, table: Mapping[str, int], examples: Sequence[Example], what: str,
             where: str) -> np.ndarray:
        """The ids of every example's ``what`` ("tokens" or "targets"), one example after
        the other, of shape (total length,); a ValueError names any not in ``table``."""
        try:
            return np.array([table[item] for ex in examples for item in getattr(ex, what)],
                            dtype=np.int64)
        except KeyError:
            unknown = [item for ex in examples for item in getattr(ex, what) if item not in table]
            raise ValueError(f"{what} {unknown[:5]} are not in task {self.name!r}'s "
                             f"{where}") from None

    # Made once per task on first use, then only read (a plain dict: a lookup through
    # MappingProxyType costs collate twice the time).
    @cached_property
    def _token_id(self) -> dict[str, int]:
        return {tok: k for k, tok in enumerate(self.vocab)}

    @cached_property
    def _label_id(self) -> dict[str, int]:
        """Label ids, and -1 for "" (a step without a target)."""
        return {"": -1, **{lab: k for k, lab in enumerate(self.labels)}}

    def batch(self, rng: np.random.Generator, size: int):
        """``collate(sample(rng, size))``: ids, targets, mask, each of shape (T, size)."""
        return self.collate(self.sample(rng, size))

    def tokenize(self, text: str) -> tuple[str, ...]:
        """Split typed text into this task's tokens (:func:`lstm_viz.tokens.tokenize` with
        the vocabulary); raise :class:`lstm_viz.model.UnknownTokens` naming any that are
        not in the vocabulary, ``ValueError`` for empty text."""
        tokens = tokenize(text, self.segment, self.vocab[1:], dict(self.aliases))
        if not tokens:
            raise ValueError("the text is empty: type a sentence in the task's vocabulary")
        return tokens

    def join(self, tokens: Sequence[str]) -> str:
        """Tokens back into readable text: spaced for words, run together for chars."""
        return (" " if self.segment == "words" else "").join(tokens)


def _check_rng(rng) -> None:
    if not isinstance(rng, np.random.Generator):
        raise ValueError("pass a numpy.random.Generator, e.g. numpy.random.default_rng(seed); "
                         f"got {type(rng).__name__}")


# ---- the Generator's draws, made cheaper ------------------------------------------

_MASK32 = 0xFFFFFFFF


class _Draws:
    """Stands in for a ``numpy.random.Generator`` over ``PCG64`` in the task generators:
    ``integers(high)``, ``integers(low, high)``, ``random()`` and ``permutation(n)`` give
    exactly what the Generator's own calls would give, in the same order, and
    :meth:`close` leaves the Generator's state where those calls would have left it.

    Why: a pronoun story makes about 60 draws, and a call to ``integers`` or
    ``permutation`` costs 1.5–2 µs of argument handling around a few nanoseconds of
    arithmetic; made this way, a pronoun-en batch of 32 stories takes about half the CPU
    time it did. Here the raw 64-bit outputs come in blocks (``random_raw``) and the
    Generator's algorithms are applied to them in Python: ``random`` takes the top 53
    bits of one output; a 32-bit draw is half of one output, the other half kept for the
    next 32-bit draw (PCG64's ``has_uint32`` / ``uinteger``); ``integers`` is Lemire's
    method on 32-bit draws (no draw at all when one value is possible); ``permutation``
    is Fisher–Yates with masked rejection on 32-bit draws. :func:`_draws_match` checks
    all of that against the Generator before it is trusted, and ``tests/test_tasks.py``
    pins the stories and the final state of seeded streams.
    """

    BLOCK = 1024   # raw outputs fetched at once

    def __init__(self, rng: np.random.Generator):
        self.bitgen = rng.bit_generator
        self.start = self.bitgen.state
        self.has32, self.u32 = self.start["has_uint32"], self.start["uinteger"]
        self.raw: list[int] = []
        self.used = 0     # raw outputs taken from self.raw
        self.before = 0   # raw outputs fetched before self.raw

    def _refill(self) -> int:
        """The first raw output of a new block (the one before is used up)."""
        self.before += len(self.raw)
        self.raw, self.used = self.bitgen.random_raw(self.BLOCK).tolist(), 1
        return self.raw[0]

    def _next64(self) -> int:
        try:
            x = self.raw[self.used]
        except IndexError:
            return self._refill()
        self.used += 1
        return x

    def _next32(self) -> int:
        if self.has32:
            self.has32 = 0
            return self.u32
        try:
            x = self.raw[self.used]
            self.used += 1
        except IndexError:
            x = self._refill()
        self.has32, self.u32 = 1, x >> 32
        return x & _MASK32

    def integers(self, low: int, high: int | None = None) -> int:
        """A whole number in [low, high), or in [0, low) when ``high`` is None."""
        if high is None:
            low, high = 0, low
        n = high - low
        if n == 1:
            return low
        least = (1 << 32) % n   # Lemire: products whose low half falls below are redrawn
        while True:
            m = self._next32() * n
            if m & _MASK32 >= least:
                return low + (m >> 32)

    def random(self) -> float:
        """A float in [0, 1)."""
        return (self._next64() >> 11) * (1.0 / 9007199254740992.0)

    def permutation(self, n: int) -> list[int]:
        """0 … n−1 shuffled."""
        out = list(range(n))
        for i in range(n - 1, 0, -1):
            mask = (1 << i.bit_length()) - 1
            j = self._next32() & mask
            while j > i:
                j = self._next32() & mask
            out[i], out[j] = out[j], out[i]
        return out

    def close(self) -> None:
        """Move the Generator past exactly the raw outputs used, with the 32-bit half kept."""
        self.bitgen.state = self.start
        self.bitgen.advance(self.before + self.used)
        state = self.bitgen.state
        state["has_uint32"], state["uinteger"] = self.has32, self.u32
        self.bitgen.state = state


@functools.cache
def _draws_match(kind: type) -> bool:
    """Whether :class:`_Draws` gives this numpy's draws for bit generators of ``kind``:
    PCG64 only, checked once against the Generator on every call the generators make."""
    if kind is not np.random.PCG64:
        return False
    ours, theirs = np.random.default_rng(20261206), np.random.default_rng(20261206)
    draws = _Draws(ours)
    for n in range(1, 600):   # crosses blocks of raw outputs
        calls = [("integers", (n % 17 + 1,)), ("random", ()), ("integers", (2, n % 9 + 3)),
                 ("permutation", (n % 6 + 1,)), ("integers", (n * 2654435761 % (1 << 31) + 1,))]
        for name, args in calls[n % 5:] + calls[:n % 5]:
            a, b = getattr(draws, name)(*args), getattr(theirs, name)(*args)
            if list(np.atleast_1d(a)) != list(np.atleast_1d(b)):
                return False
    draws.close()
    return ours.bit_generator.state == theirs.bit_generator.state


# ---- the pronoun grammars: shared machinery --------------------------------------

# A piece is a run of tokens; a subject piece also carries its class. Pieces keep
# the generators short and let one function work out targets and annotations.
Piece = tuple[tuple[str, ...], str]   # (tokens, subject class or "")


# After each sentence about a subject, another one follows with this probability: any
# full stop may be followed by a pronoun, however many came before, so a model cannot
# count sentences to know when the subject is spent; only a new subject ends it.
# MORE, TIME_FIRST and LINKED were raised from 0.4, 0.25 and 0.4 for the issue 12 demos
# (tools/train_demos.py): more sentence starts that keep the subject ("then he …",
# 后来他…) and more time words before a new subject teach the gender unit to forget at
# the subject itself, not at every sentence start or time word.
MORE = 0.5
REPEAT = 0.15       # a block's subject is the previous block's subject, named again
NO_CLAUSE = 0.3     # a block's first sentence ends without "and he …" / "，他…"
TIME_FIRST = 0.4    # a time word opens the block's first sentence, before the subject
LONG_LIST = 0.5     # an object list is long (2 to the task's most objects), else one object
LINKED = 0.6        # a sentence about the same subject opens with "then" / 后来, not the pronoun
JOINED = 0.25       # an object joined with "and" (English), a second action after "，也" (Chinese)


def _pick(rng: np.random.Generator, options):
    return options[int(rng.integers(len(options)))]


def _deciding_token(nouns: Mapping[str, tuple[tuple[str, ...], ...]]) -> dict:
    """For each subject phrase, the index of the token that settles its class: the first
    position where no subject phrase of another class shares the prefix so far."""
    items = [(phrase, cls) for cls, phrases in nouns.items() for phrase in phrases]
    out = {}
    for phrase, cls in items:
        for k in range(len(phrase)):
            rivals = {c for p, c in items if p[:k + 1] == phrase[:k + 1]}
            if rivals == {cls}:
                out[phrase] = k
                break
        else:
            raise ValueError(f"subject {phrase} never settles its class")
    return out


def _pronoun_example(pieces: list[Piece], deciding: Mapping, labels, stop: str) -> Example:
    """Flatten pieces; the target at step t is token t+1 when that token is a label."""
    tokens, subject, new_subject = [], [], []
    current = ""
    for toks, cls in pieces:
        n = len(toks)
        tokens += toks
        if cls:   # a subject: the class changes at its deciding token
            k = deciding[toks]
            subject += [current] * k + [cls] * (n - k)
            new_subject += [False] * k + [True] + [False] * (n - k - 1)
            current = cls
        else:
            subject += [current] * n
            new_subject += [False] * n
    targets = tuple([nxt if nxt in labels else "" for nxt in tokens[1:]]) + ("",)
    starts = (True,) + tuple([tok == stop for tok in tokens[:-1]])
    notes = Annotations(subject=tuple(subject), new_subject=tuple(new_subject),
                        slot=tuple(map(bool, targets)), sentence_start=starts)
    return Example(tuple(tokens), targets, notes)


def _noun(rng, nouns, avoid=()) -> Piece:
    """A noun phrase of a uniformly drawn class, none of the phrases in ``avoid`` (the
    class is drawn among those that have a phrase left)."""
    avoid = set(avoid)
    left = []   # (class, its phrases not avoided), for the classes that have one
    for cls in SUBJECT_CLASSES:
        phrases = nouns[cls]
        if not avoid.isdisjoint(phrases):   # most calls avoid one class's phrase or none
            phrases = [p for p in phrases if p not in avoid]
        if phrases:
            left.append((cls, phrases))
    cls, phrases = _pick(rng, left)
    return _pick(rng, phrases), cls


def _subjects(rng, nouns, count) -> list[Piece]:
    """``count`` subjects, each class drawn uniformly; with probability :data:`REPEAT` a
    subject is the one before it named again, otherwise another phrase."""
    out: list[Piece] = []
    for _ in range(count):
        again = bool(out) and rng.random() < REPEAT
        out.append(out[-1] if again else _noun(rng, nouns, avoid=[out[-1][0]] if out else ()))
    return out


def _objects(rng, nouns, subject, most: int, after=None) -> list[tuple[str, ...]]:
    """One object, or (with probability :data:`LONG_LIST`) 2 to ``most`` of them, from
    every class (the subject's own included), never the subject, none twice (nor the
    phrase ``after``, the object just before the list)."""
    n = int(rng.integers(2, most + 1)) if rng.random() < LONG_LIST else 1
    out: list[tuple[str, ...]] = [after] if after else []
    for _ in range(n):
        out.append(_noun(rng, nouns, avoid=[subject] + out)[0])
    return out[1:] if after else out


# ---- pronoun-en ------------------------------------------------------------------

def _words(*phrases: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(p.split()) for p in phrases)


_EN_NOUNS = MappingProxyType({
    "m": _words("John", "Tom", "Jack", "the boy", "the king"),
    "f": _words("Mary", "Anna", "Lucy", "the girl", "the queen"),
    "pl": _words("the boys", "the girls", "the kids"),
})
_EN_PRONOUN = MappingProxyType({"m": "he", "f": "she", "pl": "they"})
_EN_VERB = MappingProxyType({"m": "is", "f": "is", "pl": "are"})
_EN_MET = ("met", "saw", "helped", "called", "visited", "followed", "thanked")
_EN_PLACES = _words("in the park", "in the garden", "at school", "at home", "near the river")
_EN_WHEN = ("today", "again", "yesterday")
_EN_OPENERS = ("today", "yesterday")    # may open a sentence: "yesterday Tom met …"
_EN_HOW = ("happy", "tired", "hungry", "late", "busy")
_EN_DECIDING = MappingProxyType(_deciding_token(_EN_NOUNS))
EN_LABELS = ("he", "she", "they", "is", "are")
EN_MOST_WITH = 7    # the longest run of "with X" after the object


def _en_modifiers(rng, subject, obj, when: bool = True) -> tuple[str, ...]:
    """Maybe ``in the park``, maybe ``with Mary with the king …`` (either order), then,
    if ``when``, maybe ``today``."""
    out: tuple[str, ...] = ()
    for kind in rng.permutation(2):
        if rng.random() >= 0.5:
            continue
        if kind == 0:
            out += _pick(rng, _EN_PLACES)
        else:   # "with X with Y and Z": "and" does not always bring the pronoun
            for k, other in enumerate(_objects(rng, _EN_NOUNS, subject, EN_MOST_WITH, after=obj)):
                out += ("and" if k and rng.random() < JOINED else "with",) + other
    if when and rng.random() < 0.3:
        out += (_pick(rng, _EN_WHEN),)
    return out


def _en_complement(rng, subject) -> tuple[str, ...]:
    """What follows ``he is``: an adjective, a place, or ``with`` someone."""
    u = rng.random()
    if u < 0.5:
        return (_pick(rng, _EN_HOW),)
    if u < 0.75:
        return _pick(rng, _EN_PLACES)
    return ("with",) + _noun(rng, _EN_NOUNS, avoid=[subject])[0]


def _en_block(rng, subject: tuple[str, ...], cls: str) -> list[Piece]:
    """``(yesterday) SUBJECT met OBJECT … (and PRONOUN VERB …) .`` and maybe
    ``PRONOUN VERB … .`` (again)"""
    pron, verb = _EN_PRONOUN[cls], _EN_VERB[cls]
    opener = (_pick(rng, _EN_OPENERS),) if rng.random() < TIME_FIRST else ()
    obj = _noun(rng, _EN_NOUNS, avoid=[subject])[0]
    if rng.random() < JOINED:   # "met Mary and the queen"
        obj += ("and",) + _noun(rng, _EN_NOUNS, avoid=[subject, obj])[0]
    action = (_pick(rng, _EN_MET),) + obj + _en_modifiers(rng, subject, obj, not opener)
    if rng.random() >= NO_CLAUSE:
        action += ("and", pron, verb) + _en_complement(rng, subject)
    pieces = [(opener, ""), (subject, cls), (action + (".",), "")]
    while rng.random() < MORE:   # another sentence about the same subject
        link = ("then",) if rng.random() < LINKED else ()
        pieces.append((link + (pron, verb) + _en_complement(rng, subject) + (".",), ""))
    return pieces


def pronoun_en(rng: np.random.Generator, blocks: tuple[int, int] = (2, 3)) -> Example:
    """An English story whose pronouns must agree with the latest subject.

    The story has 2–3 subjects (``blocks``), each a name or noun drawn from three
    classes: male (John, Tom, Jack, the boy, the king), female (Mary, Anna, Lucy,
    the girl, the queen) and plural (the boys, the girls, the kids). Each subject
    starts a sentence (four times in ten after ``today`` / ``yesterday``), does
    something to someone (``met Mary``, or ``met Mary and the king``), perhaps
    somewhere (``in the park``) and perhaps with others (``with the queen``, or a run of
    up to seven: ``with Anna with the girls and Tom …``), and then, seven times in
    ten, comes ``and he is happy .`` — or
    she / they, is / are; otherwise the sentence just ends. Then, each time with
    probability 0.5, one more sentence about the same subject: ``he is with Anna .`` or
    ``then he is busy .`` — after ``then`` the pronoun must be chosen one step past the
    full stop, so a memory wiped at every sentence start would lose it. A subject is
    sometimes (0.15) the one before it, named again.

    The objects are drawn from all three classes regardless of the subject, so a
    male subject is often followed by female names, and sometimes by male ones: the
    nearest noun is no clue. The model is graded only where the next word is a
    pronoun (at ``and`` or ``.``) or the verb after it. The pronoun can be chosen
    only from memory of the subject, and only a *new subject* makes the old one
    stale: a ``.`` may be followed by another sentence about the same subject, so
    the memory must last until the next subject appears. The verb (is / are)
    follows from the pronoun just read: that is number agreement, not long memory.

    ``blocks`` is the least and the most number of subjects in a story.
    """
    pieces = []
    for subject, cls in _subjects(rng, _EN_NOUNS, int(rng.integers(blocks[0], blocks[1] + 1))):
        pieces += _en_block(rng, subject, cls)
    return _pronoun_example(pieces, _EN_DECIDING, EN_LABELS, ".")


# ---- pronoun-zh ------------------------------------------------------------------

def _chars(*words: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(w) for w in words)


_ZH_NOUNS = MappingProxyType({
    "m": _chars("小明", "小刚", "爸爸", "爷爷", "哥哥"),
    "f": _chars("小红", "小丽", "妈妈", "奶奶", "姐姐"),
    "pl": _chars("同学们", "老师们", "孩子们"),
})
_ZH_PRONOUN = MappingProxyType({"m": "他", "f": "她", "pl": "他们"})   # 他们 is ONE token
_ZH_WHEN = _chars("今天", "昨天")
_ZH_WHERE = _chars("在公园", "在学校", "在家")
_ZH_MET = _chars("见到了", "帮助了", "遇到了")
_ZH_DO = _chars("看书", "踢球", "画画", "唱歌")
_ZH_HOW = _chars("高兴", "开心", "累", "忙")
_ZH_DECIDING = MappingProxyType(_deciding_token(_ZH_NOUNS))
ZH_LABELS = ("他", "她", "他们")
ZH_MOST_OBJECTS = 7   # the longest object list: 小红、奶奶、……和姐姐


def _zh_objects(rng, subject, most: int) -> tuple[str, ...]:
    """``小红``, or a list ``小红、奶奶和小丽`` (、 between, 和 before the last)."""
    objs = _objects(rng, _ZH_NOUNS, subject, most) if most > 1 else [
        _noun(rng, _ZH_NOUNS, avoid=[subject])[0]]
    out = objs[0]
    for k, obj in enumerate(objs[1:], start=2):
        out += ("和" if k == len(objs) else "、",) + obj
    return out


def _zh_action(rng, subject, most: int = ZH_MOST_OBJECTS) -> tuple[str, ...]:
    """``见到了小红(、奶奶和小丽)`` (up to ``most`` objects), ``陪妈妈一起画画`` or ``踢球``.

    Never ``和妈妈一起画画``: after a subject that reads as a compound subject (小红和爷爷
    一起…, 他们), which would make a singular pronoun wrong. 陪 (to keep someone
    company) makes the companion an object.
    """
    u = rng.random()
    if u < 0.65:
        return _pick(rng, _ZH_MET) + _zh_objects(rng, subject, most)
    if u < 0.9:
        friend = _noun(rng, _ZH_NOUNS, avoid=[subject])[0]
        return ("陪",) + friend + ("一", "起") + _pick(rng, _ZH_DO)
    return _pick(rng, _ZH_DO)


def _zh_block(rng, subject: tuple[str, ...], cls: str) -> list[Piece]:
    """``(今天)主语(今天)(在公园)见到了…(，他很高兴)。`` and maybe ``他也很累。`` (again)"""
    pron = _ZH_PRONOUN[cls]
    opener = _pick(rng, _ZH_WHEN) if rng.random() < TIME_FIRST else ()
    rest: tuple[str, ...] = ()
    if not opener and rng.random() < 0.3:
        rest += _pick(rng, _ZH_WHEN)
    if rng.random() < 0.4:
        rest += _pick(rng, _ZH_WHERE)
    rest += _zh_action(rng, subject)
    if rng.random() < JOINED:   # "，也在家看书": a second action, same subject
        rest += ("，", "也") + (_pick(rng, _ZH_WHERE) if rng.random() < 0.4 else ()) \
            + _zh_action(rng, subject, most=1)
    if rng.random() >= NO_CLAUSE:
        rest += ("，", pron, "很") + _pick(rng, _ZH_HOW)
    pieces = [(opener, ""), (subject, cls), (rest + ("。",), "")]
    while rng.random() < MORE:
        link = ("后", "来") if rng.random() < LINKED else ()
        again = ("也", "很") if rng.random() < 0.5 else ("很",)
        pieces.append((link + (pron,) + again + _pick(rng, _ZH_HOW) + ("。",), ""))
    return pieces


def pronoun_zh(rng: np.random.Generator, blocks: tuple[int, int] = (2, 3)) -> Example:
    """A Chinese story, one character per step, whose pronouns agree with the subject.

    Subjects are male (小明, 小刚, 爸爸, 爷爷, 哥哥), female (小红, 小丽, 妈妈, 奶奶,
    姐姐) or plural (同学们, 老师们, 孩子们). A sentence reads
    ``(今天)爸爸(今天)(在公园)见到了小红(、奶奶和小丽)，他很高兴。`` — the time word
    before or after the subject, up to seven objects; sometimes a second action after
    ``，也``; seven times in ten with the ``，他…`` clause, otherwise it ends there — or
    ``妈妈陪爷爷一起画画…``, ``哥哥踢球…``. Then, each time with probability 0.5, one
    more sentence ``他也很累。``, ``他很累。`` or ``后来他很累。`` (after 后来 the pronoun
    is chosen two steps past the 。, so a memory wiped at every sentence start would
    lose it). Objects (小红 above) are drawn from every class, the subject's own
    included. A subject is sometimes (0.15) the one before it, named again. The model
    is graded where the next token is 他, 她 or 他们; as in English, a 。 may be
    followed by another sentence about the same subject, so the memory must last until
    a new subject appears. ``blocks`` is the least and the most number of subjects in a
    story. The grammar has no ``X和Y一起…`` (a compound-subject reading).

    他们 is a single token although everything else is one character: split into 他
    and 们, the step before it would have to predict 他 for both 小明 and 同学们, and
    the plural would be decided one step later, after the pronoun has begun. As one
    token, the slot is one three-way choice, exactly as in English. Chinese verbs do
    not change with number, so there is no verb slot. The subject's class is known at
    the character that settles it: 明 in 小明 (小 also starts 小红), 爸 in 爸爸, 同 in
    同学们.
    """
    pieces = []
    for subject, cls in _subjects(rng, _ZH_NOUNS, int(rng.integers(blocks[0], blocks[1] + 1))):
        pieces += _zh_block(rng, subject, cls)
    return _pronoun_example(pieces, _ZH_DECIDING, ZH_LABELS, "。")


# ---- stories at a chosen subject-to-pronoun distance -----------------------------

def _reachable(n: int, sizes) -> list[bool]:
    """reach[r] for r = 0…n: can r tokens be filled exactly by pieces of these sizes?"""
    reach = [True] + [False] * max(n, 0)
    for r in range(1, n + 1):
        reach[r] = any(s <= r and reach[r - s] for s in sizes)
    return reach


def _fill(rng, n: int, pieces) -> tuple[str, ...]:
    """Pieces drawn at random (repeats allowed) whose tokens add up to exactly ``n``;
    every draw keeps the rest reachable. The caller makes sure ``n`` is reachable."""
    reach = _reachable(n, {len(p) for p in pieces})
    out: tuple[str, ...] = ()
    while n:
        piece = _pick(rng, [p for p in pieces if len(p) <= n and reach[n - len(p)]])
        out, n = out + piece, n - len(piece)
    return out


def distance_story(task: str, rng: np.random.Generator, distance: int,
                   other_gender: bool = False) -> Example:
    """A story whose last pronoun must be chosen exactly ``distance`` steps after its
    subject settled: one ordinary block of the task's grammar, then a new subject, a
    verb and a run of objects (``met Mary with Anna with the queen …``, 见到了小红、奶奶
    ……和小丽) just long enough, then the pronoun (``and he is happy .``, ``，他很高兴。``).

    The distance counts the steps from the token that settles the subject (``Tom``, 明
    in 小明) to the step where the pronoun must be chosen (``and``, ``，``): ``distance``
    − 1 tokens lie between. ``other_gender=True`` draws every object of the run from
    the other gender (for a plural subject, from one gender) — the hardest distractors.
    The distance must be at least :data:`LEAST_DISTANCE` of the task.
    """
    _check_rng(rng)
    if task not in LEAST_DISTANCE:
        raise ValueError(f"only the pronoun tasks have a distance; got {task!r}")
    if isinstance(distance, bool) or not isinstance(distance, (int, np.integer)) \
            or distance < LEAST_DISTANCE[task]:
        raise ValueError(f"the distance must be a whole number ≥ {LEAST_DISTANCE[task]}; "
                         f"got {distance!r}")
    en = task == "pronoun-en"
    nouns, deciding = (_EN_NOUNS, _EN_DECIDING) if en else (_ZH_NOUNS, _ZH_DECIDING)
    old, old_cls = _noun(rng, nouns)
    pieces = (_en_block if en else _zh_block)(rng, old, old_cls)
    subject, cls = _noun(rng, nouns, avoid=[old])
    kind = {"m": "f", "f": "m"}.get(cls) or _pick(rng, ("m", "f"))
    objects = [p for k in ((kind,) if other_gender else SUBJECT_CLASSES) for p in nouns[k]
               if p != subject]
    items = [(("with",) if en else ("、",)) + p for p in objects]     # one more object
    verb = (_pick(rng, _EN_MET),) if en else _pick(rng, _ZH_MET)
    room = int(distance) - 1 - (len(subject) - deciding[subject] - 1) - len(verb)  # objects
    reach = _reachable(room, {len(p) for p in items})
    where = [()] if en else [(), *_ZH_WHERE, *_ZH_WHEN,         # 今天在家, 在公园 …: any
                             *(a + b for a in _ZH_WHEN for b in _ZH_WHERE)]   # length fits
    place, first = _pick(rng, [(w, p) for w in where for p in objects
                               if len(w) + len(p) <= room and reach[room - len(w) - len(p)]])
    rest = _fill(rng, room - len(place) - len(first), items)
    if en:
        end = ("and", _EN_PRONOUN[cls], _EN_VERB[cls], _pick(rng, _EN_HOW), ".")
    else:
        if rest:  # the last separator of a Chinese list is 和
            last = len(rest) - 1 - rest[::-1].index("、")
            rest = rest[:last] + ("和",) + rest[last + 1:]
        end = ("，", _ZH_PRONOUN[cls], "很") + _pick(rng, _ZH_HOW) + ("。",)
    pieces += [(subject, cls), (place + verb + first + rest + end, "")]
    return _pronoun_example(pieces, deciding, EN_LABELS if en else ZH_LABELS,
                            "." if en else "。")


# The shortest distance_story each task can make (a subject, a verb, one object).
LEAST_DISTANCE = MappingProxyType({"pronoun-en": 5, "pronoun-zh": 11})


# ---- brackets --------------------------------------------------------------------

MAX_DEPTH = 4
BRACKET_LABELS = tuple(str(d) for d in range(MAX_DEPTH + 1))


def brackets(rng: np.random.Generator, length: tuple[int, int] = (8, 30)) -> Example:
    """Brackets and filler letters; after every step, the nesting depth (0–4).

    A random walk: at each step an opening bracket (if the depth is below 4), a
    closing one (if it is above 0) or a filler letter ``a`` / ``b``; each bracket
    is twice as likely as each letter. Every step is graded with the depth after its
    token, so the model must keep a running count: a letter says nothing about the
    depth. The classic result is one cell whose value climbs with every ``(`` and
    falls with every ``)``.
    """
    T = int(rng.integers(length[0], length[1] + 1))
    tokens, depths, d = [], [], 0
    for _ in range(T):
        moves = ["a", "b"] + ["("] * 2 * (d < MAX_DEPTH) + [")"] * 2 * (d > 0)
        tok = _pick(rng, moves)
        d += (tok == "(") - (tok == ")")
        tokens.append(tok)
        depths.append(d)
    notes = Annotations(slot=(True,) * T, depth=tuple(depths))
    return Example(tuple(tokens), tuple(str(d) for d in depths), notes)


# ---- first-symbol ----------------------------------------------------------------

FIRST_LABELS = ("A", "B", "C")
_NOISE = ("x", "y", "z", "u", "v", "w")


def first_symbol(rng: np.random.Generator, length: tuple[int, int] = (5, 20)) -> Example:
    """Remember the first symbol: ``B x z u y … ?`` → answer ``B`` at the ``?``.

    A symbol A, B or C, then 3–18 random letters from x y z u v w, then ``?``
    (5–20 tokens in all). Only the ``?`` step is graded. The letters never include
    A, B or C, so the model must write the symbol into its memory at the first step
    and keep it unchanged however long the noise lasts: the input gate should close
    and the forget gate stay open.
    """
    T = int(rng.integers(length[0], length[1] + 1))
    first = _pick(rng, FIRST_LABELS)
    tokens = (first,) + tuple(_pick(rng, _NOISE) for _ in range(T - 2)) + ("?",)
    targets = ("",) * (T - 1) + (first,)
    return Example(tokens, targets, Annotations(slot=(False,) * (T - 1) + (True,)))


# ---- the registry ----------------------------------------------------------------

def _vocab(*groups) -> tuple[str, ...]:
    """PAD, then every token of the groups in order of first appearance."""
    out = dict.fromkeys([PAD])
    for group in groups:
        for item in group:
            out.update(dict.fromkeys((item,) if isinstance(item, str) else item))
    return tuple(out)


def _nouns(table) -> list[tuple[str, ...]]:
    return [phrase for cls in SUBJECT_CLASSES for phrase in table[cls]]


def _task(name: str, vocab, labels, slots, make, **kw) -> Task:
    return Task(name=name, vocab=vocab, labels=labels, slots=slots, make=make,
                title_key=f"task.{name}.title", description_key=f"task.{name}.description",
                **kw)


# The generators that draw only through integers, random and permutation (:class:`_Draws`).
_PLAIN_DRAWS = frozenset({pronoun_en, pronoun_zh, brackets, first_symbol})

TASKS: Mapping[str, Task] = MappingProxyType({t.name: t for t in (
    _task("pronoun-en",
          _vocab(_nouns(_EN_NOUNS), _EN_MET, ["with"], _EN_PLACES, _EN_WHEN, ["and", "."],
                 EN_LABELS, _EN_HOW, ["then"]),
          EN_LABELS, (("pronoun", EN_LABELS[:3]), ("verb", EN_LABELS[3:])), pronoun_en),
    _task("pronoun-zh",
          _vocab(_nouns(_ZH_NOUNS), _ZH_WHEN, _ZH_WHERE, _ZH_MET, _ZH_DO, ["和", "一", "起"],
                 ["，", "。", "很", "也"], ZH_LABELS, _ZH_HOW, ["陪", "、", "后", "来"]),
          ZH_LABELS, (("pronoun", ZH_LABELS),), pronoun_zh, segment="chars",
          aliases=((",", "，"), (".", "。"))),
    _task("brackets", _vocab(["(", ")", "a", "b"]), BRACKET_LABELS,
          (("depth", BRACKET_LABELS),), brackets, segment="chars"),
    _task("first-symbol", _vocab(FIRST_LABELS, _NOISE, ["?"]), FIRST_LABELS,
          (("symbol", FIRST_LABELS),), first_symbol, segment="chars"),
)})


def get(name: str) -> Task:
    """The task called ``name``; a ValueError lists the names there are."""
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of {', '.join(TASKS)}")
    return TASKS[name]
