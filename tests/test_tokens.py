"""lstm_viz.tokens: one tokenizer for typed text, for random weights and trained models."""

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_viz import tasks, tokens
from lstm_viz.inputs import encode
from lstm_viz.model import UnknownTokens
from lstm_viz.tokens import split_chars, tokenize


def test_chars_keep_chinese_and_emoji_whole():
    assert split_chars("我爱 LSTM") == ["我", "爱", "␣", "L", "S", "T", "M"]
    # a skin-toned thumb, a ZWJ family and a flag are one character each
    assert split_chars("👍🏽👩‍👩‍👧🇨🇳a") == ["👍🏽", "👩\u200d👩\u200d👧", "🇨🇳", "a"]
    assert split_chars("e\u0301") == ["é"]  # combining accent joins its letter (NFC)
    assert split_chars("a\u0007b") == ["a", "b"]  # control characters are not steps


def test_without_a_vocabulary_words_are_the_pieces_between_white_space():
    assert tokenize("  The cat\tsat.\n", "words") == ("The", "cat", "sat.")
    assert tokenize("我爱 LSTM", "chars") == ("我", "爱", "␣", "L", "S", "T", "M")
    assert tokenize("   ", "words") == () and tokenize("", "chars") == ()


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["chars", "words"]))
def test_random_weight_runs_read_text_with_the_tokenizer(text, mode):
    want = tokenize(text, mode)
    if want:
        assert encode(text, mode).tokens == want
    else:
        with pytest.raises(ValueError):
            encode(text, mode)


def test_with_a_vocabulary_punctuation_comes_off_unknown_words_and_case_is_ignored():
    vocab = ("the", "boy", "met", "Mary", ".", "don't")
    assert tokenize("The boy met MARY. don't", "words", vocab) == (
        "the", "boy", "met", "Mary", ".", "don't")  # a vocabulary word is kept whole


def test_a_word_matches_as_typed_before_ignoring_case():
    assert tokenize("The the THE", "words", ("the", "The")) == ("The", "the", "the")


def test_unknown_tokens_are_named_once_with_the_vocabulary():
    with pytest.raises(UnknownTokens) as err:
        tokenize("the cat and the cat", "words", ("the", "and"))
    assert err.value.tokens == ("cat",) and err.value.vocab == ("the", "and")


def test_characters_take_the_longest_vocabulary_token_and_aliases():
    vocab = ("他", "他们", "很", "好", "，", "。")
    assert tokenize("他们 很好, 他.", "chars", vocab, {",": "，", ".": "。"}) == (
        "他们", "很", "好", "，", "他", "。")
    with pytest.raises(UnknownTokens) as err:  # an emoji is one unknown character, not two
        tokenize("他👍🏽", "chars", vocab)
    assert err.value.tokens == ("👍🏽",)


@pytest.mark.parametrize("name", sorted(tasks.TASKS))
def test_every_task_reads_typed_text_with_the_tokenizer(name):
    task = tasks.get(name)
    text = task.join(task.sample(np.random.default_rng(1), 1)[0].tokens)
    assert task.tokenize(text) == tokenize(text, task.segment, task.vocab[1:],
                                           dict(task.aliases))


def test_a_segment_that_does_not_exist_is_refused():
    with pytest.raises(ValueError, match="segment must be"):
        tokenize("a b", "sentences")


def test_doctests():
    assert doctest.testmod(tokens).failed == 0
