"""Numbers the lessons state about a shipped demo, measured on fresh stories, never typed in.

The lesson on the pronoun example says how far the gender unit's forget gate falls. The
demo models are retrained from time to time, so the text carries placeholders and this
module fills them from the model that ships: the means of :func:`forget_profile`.

>>> from lstm_viz.demos import load
>>> p = forget_profile(load("pronoun-en"), stories=40)
>>> p.stories, 0 <= p.change <= 1 and 0 <= p.same_start <= 1 and 0 <= p.elsewhere <= 1
(40, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_viz import evaluate
from lstm_viz.demos import Demo

__all__ = ["SEED", "ForgetProfile", "forget_profile"]

SEED = 20_261_206  # the lessons' own stories: default_rng((SEED, 12)), a stream no script uses


@dataclass(frozen=True)
class ForgetProfile:
    """Mean forget gate of a pronoun demo's gender unit on ``stories`` fresh stories.

    ``change``: at the steps where a later subject settles (the subject changes), and
    ``elsewhere``: every other step after the first subject, both as
    :func:`lstm_viz.evaluate.forget_at_subject_changes` (the demo tests') measures them;
    ``same_start``: at the first token of a sentence that brings no new subject (the
    sentence goes on about the same subject).
    """

    stories: int
    change: float
    same_start: float
    elsewhere: float


def forget_profile(demo: Demo, stories: int = 200) -> ForgetProfile:
    """Run ``stories`` fresh stories of a pronoun demo and average its gender unit's f."""
    if "gender" not in demo.units:
        raise ValueError(f"demo {demo.name!r} has no gender unit; use a pronoun demo")
    unit = demo.units["gender"]
    examples = demo.task.sample(np.random.default_rng((SEED, 12)), stories)
    forget = [demo.run(ex.tokens).trace.layers[0].f for ex in examples]   # each (T, H)
    means = evaluate.forget_at_subject_changes(forget, examples, unit)
    stops = {".", "。"}
    starts = []
    for f, ex in zip(forget, examples, strict=True):
        new = np.array(ex.annotations.new_subject, dtype=bool)            # (T,)
        for k in range(1, len(ex.tokens)):
            sentence = slice(k, _sentence_end(ex.tokens, k, stops))
            if ex.tokens[k - 1] in stops and new[:k].any() and not new[sentence].any():
                starts.append(f[k, unit])
    same_start = float(np.mean(starts)) if starts else float("nan")
    return ForgetProfile(stories, means[0], same_start, means[1])


def _sentence_end(tokens, k: int, stops) -> int:
    """Index just past the stop that ends the sentence starting at ``k``."""
    for j in range(k, len(tokens)):
        if tokens[j] in stops:
            return j + 1
    return len(tokens)
