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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from lstm_viz.model import UnknownTokens
from lstm_viz.tokens import SEGMENTS, tokenize

__all__ = ["MAX_DEPTH", "PAD", "SUBJECT_CLASSES", "TASKS", "Annotations", "Example", "Task",
           "UnknownTokens", "brackets", "first_symbol", "get", "pronoun_en", "pronoun_zh"]

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
    """

    subject: tuple[str, ...] = ()
    new_subject: tuple[bool, ...] = ()
    slot: tuple[bool, ...] = ()
    depth: tuple[int, ...] = ()


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
        for name in ("subject", "new_subject", "slot", "depth"):
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
        return [self.make(rng) for _ in range(int(n))]

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
        token_id = {tok: k for k, tok in enumerate(self.vocab)}
        label_id = {lab: k for k, lab in enumerate(self.labels)}
        T, B = max(len(ex) for ex in examples), len(examples)
        ids = np.zeros((T, B), dtype=np.int64)       # (T, B), PAD everywhere to start
        targets = np.zeros((T, B), dtype=np.int64)   # (T, B)
        mask = np.zeros((T, B), dtype=bool)          # (T, B)
        for b, ex in enumerate(examples):
            unknown = [tok for tok in ex.tokens if tok not in token_id]
            if unknown:
                raise ValueError(f"tokens {unknown[:5]} are not in task {self.name!r}'s vocab")
            ids[:len(ex), b] = [token_id[tok] for tok in ex.tokens]
            for t, y in enumerate(ex.targets):
                if y:
                    targets[t, b], mask[t, b] = label_id[y], True
        return ids, targets, mask

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


# ---- the pronoun grammars: shared machinery --------------------------------------

# A piece is a run of tokens; a subject piece also carries its class. Pieces keep
# the generators short and let one function work out targets and annotations.
Piece = tuple[tuple[str, ...], str]   # (tokens, subject class or "")


# After each sentence about a subject, another one follows with this probability: any
# full stop may be followed by a pronoun, however many came before, so a model cannot
# count sentences to know when the subject is spent; only a new subject ends it.
MORE = 0.4


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


def _pronoun_example(pieces: list[Piece], deciding: Mapping, labels) -> Example:
    """Flatten pieces; the target at step t is token t+1 when that token is a label."""
    tokens, subject, new_subject = [], [], []
    current = ""
    for toks, cls in pieces:
        for k, tok in enumerate(toks):
            settles = bool(cls) and k == deciding[toks]
            current = cls if settles else current
            tokens.append(tok)
            subject.append(current)
            new_subject.append(settles)
    targets = tuple(nxt if nxt in labels else "" for nxt in tokens[1:]) + ("",)
    notes = Annotations(subject=tuple(subject), new_subject=tuple(new_subject),
                        slot=tuple(bool(y) for y in targets))
    return Example(tuple(tokens), targets, notes)


def _noun(rng, nouns, avoid=()) -> Piece:
    """A noun phrase of a uniformly drawn class, none of the phrases in ``avoid``."""
    cls = _pick(rng, SUBJECT_CLASSES)
    return _pick(rng, [p for p in nouns[cls] if p not in avoid]), cls


def _subjects(rng, nouns, count) -> list[Piece]:
    """``count`` subjects, each class drawn uniformly, no phrase twice in a row."""
    out: list[Piece] = []
    for _ in range(count):
        out.append(_noun(rng, nouns, avoid=[out[-1][0]] if out else ()))
    return out


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
_EN_HOW = ("happy", "tired", "hungry", "late", "busy")
_EN_DECIDING = MappingProxyType(_deciding_token(_EN_NOUNS))
EN_LABELS = ("he", "she", "they", "is", "are")


def _en_modifiers(rng, avoid) -> tuple[str, ...]:
    """Maybe ``in the park``, maybe ``with Mary`` (either order), then maybe ``today``."""
    out: tuple[str, ...] = ()
    for kind in rng.permutation(2)[:int(rng.integers(0, 3))]:
        if kind == 0:
            out += _pick(rng, _EN_PLACES)
        else:
            out += ("with",) + _noun(rng, _EN_NOUNS, avoid)[0]
    if rng.random() < 0.3:
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
    """``SUBJECT met OBJECT … and PRONOUN VERB … .`` and maybe ``PRONOUN VERB … .`` (again)"""
    pron, verb = _EN_PRONOUN[cls], _EN_VERB[cls]
    obj = _noun(rng, _EN_NOUNS, avoid=[subject])[0]
    action = (_pick(rng, _EN_MET),) + obj + _en_modifiers(rng, avoid=[subject, obj])
    pieces = [(subject, cls), (action + ("and", pron, verb) + _en_complement(rng, subject)
                               + (".",), "")]
    while rng.random() < MORE:   # another sentence about the same subject
        pieces.append(((pron, verb) + _en_complement(rng, subject) + (".",), ""))
    return pieces


def pronoun_en(rng: np.random.Generator, blocks: tuple[int, int] = (2, 3)) -> Example:
    """An English story whose pronouns must agree with the latest subject.

    The story has 2–3 subjects (``blocks``), each a name or noun drawn from three
    classes: male (John, Tom, Jack, the boy, the king), female (Mary, Anna, Lucy,
    the girl, the queen) and plural (the boys, the girls, the kids). Each subject
    starts a sentence, does something to someone (``met Mary``), perhaps somewhere
    or with someone else (``in the park``, ``with the queen``), and then comes
    ``and he is happy .`` — or she / they, is / are. Then, each time with
    probability 0.4, one more sentence about the same subject: ``he is with Anna .``

    The objects are drawn from all three classes regardless of the subject, so a
    male subject is often followed by female names and the other way round: the
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
    return _pronoun_example(pieces, _EN_DECIDING, EN_LABELS)


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


def _zh_action(rng, subject) -> tuple[str, ...]:
    """``见到了小红(和奶奶)``, ``和妈妈一起画画`` or ``踢球``."""
    u = rng.random()
    if u < 0.65:
        obj = _noun(rng, _ZH_NOUNS, avoid=[subject])[0]
        out = _pick(rng, _ZH_MET) + obj
        if rng.random() < 0.5:
            out += ("和",) + _noun(rng, _ZH_NOUNS, avoid=[subject, obj])[0]
        return out
    if u < 0.9:
        friend = _noun(rng, _ZH_NOUNS, avoid=[subject])[0]
        return ("和",) + friend + ("一", "起") + _pick(rng, _ZH_DO)
    return _pick(rng, _ZH_DO)


def _zh_block(rng, subject: tuple[str, ...], cls: str) -> list[Piece]:
    """``主语(今天)(在公园)见到了…，他很高兴。`` and maybe ``他也很累。`` (again)"""
    pron = _ZH_PRONOUN[cls]
    rest: tuple[str, ...] = ()
    if rng.random() < 0.4:
        rest += _pick(rng, _ZH_WHEN)
    if rng.random() < 0.5:
        rest += _pick(rng, _ZH_WHERE)
    rest += _zh_action(rng, subject) + ("，", pron, "很") + _pick(rng, _ZH_HOW) + ("。",)
    pieces = [(subject, cls), (rest, "")]
    while rng.random() < MORE:
        pieces.append(((pron, "也", "很") + _pick(rng, _ZH_HOW) + ("。",), ""))
    return pieces


def pronoun_zh(rng: np.random.Generator, blocks: tuple[int, int] = (2, 3)) -> Example:
    """A Chinese story, one character per step, whose pronouns agree with the subject.

    Subjects are male (小明, 小刚, 爸爸, 爷爷, 哥哥), female (小红, 小丽, 妈妈, 奶奶,
    姐姐) or plural (同学们, 老师们, 孩子们). A sentence reads
    ``爸爸(今天)(在公园)见到了小红，他很高兴。``, then, each time with
    probability 0.4, one more sentence ``他也很累。``. Objects (小红 above) are
    drawn from every class. The model is graded where the next token is 他, 她 or
    他们; as in English, a 。 may be followed by another sentence about the same
    subject, so the memory must last until a new subject appears. ``blocks`` is the
    least and the most number of subjects in a story.

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
    return _pronoun_example(pieces, _ZH_DECIDING, ZH_LABELS)


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


TASKS: Mapping[str, Task] = MappingProxyType({t.name: t for t in (
    _task("pronoun-en",
          _vocab(_nouns(_EN_NOUNS), _EN_MET, ["with"], _EN_PLACES, _EN_WHEN, ["and", "."],
                 EN_LABELS, _EN_HOW),
          EN_LABELS, (("pronoun", EN_LABELS[:3]), ("verb", EN_LABELS[3:])), pronoun_en),
    _task("pronoun-zh",
          _vocab(_nouns(_ZH_NOUNS), _ZH_WHEN, _ZH_WHERE, _ZH_MET, _ZH_DO, ["和", "一", "起"],
                 ["，", "。", "很", "也"], ZH_LABELS, _ZH_HOW),
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
