"""lstm_viz.facts: the numbers the lessons quote are the demo's, measured as the demo tests
measure them."""

import doctest

import numpy as np
import pytest

from lstm_viz import evaluate, facts
from lstm_viz.demos import load


def test_doctests():
    assert doctest.testmod(facts).failed == 0


@pytest.mark.parametrize("name", ["pronoun-en", "pronoun-zh"])
def test_forget_profile_matches_the_demo_tests_measure_and_a_hand_count(name):
    demo = load(name)
    p = facts.forget_profile(demo, stories=60)
    examples = demo.task.sample(np.random.default_rng((facts.SEED, 12)), 60)
    unit = demo.units["gender"]
    forget = [demo.run(ex.tokens).trace.layers[0].f for ex in examples]
    change, elsewhere = evaluate.forget_at_subject_changes(forget, examples, unit)
    assert (p.change, p.elsewhere) == (change, elsewhere)
    # by hand: split each story into sentences; a sentence after the first subject that
    # brings no new subject contributes f at its first token
    starts = []
    for f, ex in zip(forget, examples, strict=True):
        new, k = ex.annotations.new_subject, 0
        text = "".join(ex.tokens) if demo.task.segment == "chars" else " ".join(ex.tokens)
        stop = "。" if demo.task.segment == "chars" else "."
        for sentence in text.split(stop)[:-1]:
            n = len(demo.task.tokenize(sentence + stop))
            if k > 0 and any(new[:k]) and not any(new[k:k + n]):
                starts.append(f[k, unit])
            k += n
    assert p.same_start == pytest.approx(float(np.mean(starts)), abs=1e-6)
    assert p.stories == 60 and p.change < p.elsewhere  # the demo tests' promise, again


def test_forget_profile_needs_a_pronoun_demo():
    with pytest.raises(ValueError, match="gender"):
        facts.forget_profile(load("first-symbol"))
