"""How typed text becomes tokens: one function for random weights and trained models.

:func:`tokenize` splits text one of two ways (``segment``):

- ``chars``: every user-perceived character is a token (Chinese characters and emoji
  included; an emoji built from several code points, such as 👍🏽 or 👩‍👩‍👧, counts as one);
  white space shows as ␣ ⏎ ⇥;
- ``words``: the pieces between white space.

A trained model reads only the tokens of its vocabulary; given ``vocab``, the same split
is fitted to it: white space is dropped from characters (no vocabulary holds it) and the
longest vocabulary token is taken first (他们 before 他); a word that is not in the
vocabulary is split into its letters-and-digits runs and punctuation marks ("Mary." →
"Mary", "."); a word matches as typed, else ignoring case; ``aliases`` accept a
character for a vocabulary token ("," for "，"). Tokens still unknown raise
:class:`~lstm_viz.model.UnknownTokens`.

>>> tokenize("我爱 LSTM", "chars")
('我', '爱', '␣', 'L', 'S', 'T', 'M')
>>> tokenize("The boy met MARY.", "words")
('The', 'boy', 'met', 'MARY.')
>>> tokenize("The boy met MARY.", "words", vocab=("the", "boy", "met", "Mary", "."))
('the', 'boy', 'met', 'Mary', '.')
>>> tokenize("同学们 踢球,他们", "chars", vocab=("同", "学", "们", "踢", "球", "，", "他们"),
...          aliases={",": "，"})
('同', '学', '们', '踢', '球', '，', '他们')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from lstm_viz.model import UnknownTokens

__all__ = ["SEGMENTS", "split_chars", "tokenize"]

SEGMENTS = ("chars", "words")


def tokenize(text: str, segment: str, vocab=None, aliases: Mapping[str, str] | None = None
             ) -> tuple[str, ...]:
    """The tokens of ``text`` split by ``segment`` ("chars" or "words"); see the module.

    Parameters
    ----------
    text : str
    segment : {"chars", "words"}
    vocab : sequence of str, optional
        The tokens a trained model knows; None for random weights (every token is fine).
    aliases : mapping of str to str, optional
        With ``vocab``: characters accepted in place of vocabulary tokens.

    Returns
    -------
    tuple of str
        Empty for text with no tokens (the caller says what to type).

    Raises
    ------
    UnknownTokens
        With ``vocab``: the tokens it does not hold, each once.
    """
    if segment not in SEGMENTS:
        raise ValueError(f"segment must be 'chars' or 'words'; got {segment!r}")
    text = text or ""
    if vocab is None:
        return tuple(split_chars(text) if segment == "chars" else text.split())
    vocab = tuple(vocab)
    if segment == "words":
        tokens, unknown = _match_words(text.split(), vocab)
    else:
        chars = [ch for ch in _graphemes(text) if not ch.isspace()]
        tokens, unknown = _match_chars(chars, vocab, dict(aliases or {}))
    if unknown:
        raise UnknownTokens(unknown, vocab)
    return tuple(tokens)


# ---- characters ------------------------------------------------------------------

_SHOWN_AS = {" ": "␣", "\n": "⏎", "\t": "⇥", "\r": "⏎"}
_JOINERS = {"\u200d"}  # zero-width joiner: glues emoji into one


def split_chars(text: str) -> list[str]:
    """User-perceived characters: combining marks, variation selectors, skin tones, ZWJ
    sequences and flag pairs stay with their base. White space shows as ␣ ⏎ ⇥."""
    return [_SHOWN_AS.get(c, c) for c in _graphemes(text)]


def _graphemes(text: str) -> list[str]:
    """The characters of ``text`` (NFC, trimmed) as a reader counts them; invisible control
    characters left out."""
    out: list[str] = []
    glue = False
    for ch in unicodedata.normalize("NFC", text.strip()):
        if out and (glue or _extends(ch) or _pairs_flag(out[-1], ch)):
            out[-1] += ch
        elif _invisible(ch):
            continue  # invisible control characters are not steps
        else:
            out.append(ch)
        glue = ch in _JOINERS
    return out


def _invisible(ch: str) -> bool:
    """Control and format characters other than white space and the joiner."""
    return unicodedata.category(ch) in ("Cc", "Cf") and ch not in _SHOWN_AS and ch not in _JOINERS


def _extends(ch: str) -> bool:
    cp = ord(ch)
    return (unicodedata.combining(ch) > 0 or ch in _JOINERS or 0xFE00 <= cp <= 0xFE0F
            or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F
            or unicodedata.category(ch) in ("Mn", "Me"))


def _pairs_flag(prev: str, ch: str) -> bool:
    """Two regional-indicator letters make one flag."""
    ri = range(0x1F1E6, 0x1F200)
    return len(prev) == 1 and ord(prev) in ri and ord(ch) in ri


# ---- fitting the split to a vocabulary -------------------------------------------------

_WORD_PARTS = re.compile(r"\w+|[^\w\s]")  # runs of letters and digits; each punctuation mark


def _match_words(pieces, vocab) -> tuple[list[str], list[str]]:
    """Each piece as a vocabulary token, or split into its word parts; a token is matched
    as typed, else ignoring case."""
    by_fold: dict[str, str] = {}
    for tok in vocab:
        by_fold.setdefault(tok.casefold(), tok)  # the first of "The", "the" for "THE"
    known = set(vocab)

    def match(word):
        return word if word in known else by_fold.get(word.casefold())

    tokens, unknown = [], []
    for piece in pieces:
        parts = [piece] if match(piece) else _WORD_PARTS.findall(piece)
        for part in parts:
            tok = match(part)
            if tok:
                tokens.append(tok)
            else:
                unknown.append(part)
    return tokens, unknown


def _match_chars(chars, vocab, aliases) -> tuple[list[str], list[str]]:
    """Characters grouped into vocabulary tokens, the longest first; aliases accepted."""
    longest = max((len(tok) for tok in vocab), default=1)
    known = set(vocab)
    tokens, unknown, k = [], [], 0
    while k < len(chars):
        n = next((n for n in range(min(longest, len(chars) - k), 0, -1)
                  if "".join(chars[k:k + n]) in known), 0)
        if n:  # the longest vocabulary token that starts here: 他们 before 他
            tokens.append("".join(chars[k:k + n]))
            k += n
            continue
        if aliases.get(chars[k]) in known:
            tokens.append(aliases[chars[k]])
        else:
            unknown.append(chars[k])
        k += 1
    return tokens, unknown
