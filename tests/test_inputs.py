"""lstm_viz.inputs: what a learner types becomes x_t, or a message that says what to change."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_viz.inputs import (
    EMBED_DIM,
    MAX_STEPS,
    InputError,
    embed,
    encode,
    parse_int,
    parse_units,
)
from text.i18n import tr


def test_words_split_on_white_space():
    seq = encode("  the cat\tsat\n", "words")
    assert seq.tokens == ("the", "cat", "sat")
    assert seq.x.shape == (3, EMBED_DIM)


def test_same_token_same_vector_and_seed_changes_it():
    seq = encode("ab a", "chars", seed=3)
    assert np.array_equal(seq.x[0], seq.x[3])
    assert not np.array_equal(seq.x[0], seq.x[1])
    assert not np.array_equal(encode("a", "chars", seed=4).x, encode("a", "chars", seed=3).x)
    assert np.abs(seq.x).max() <= 1.0
    assert [tok for tok, _ in seq.vocabulary()] == ["a", "b", "␣"]


def test_embedding_is_fixed_across_calls_and_processes():
    # Pinned values: the embedding must not change between releases, or shared links break.
    np.testing.assert_array_equal(embed(["LSTM"], seed=0), embed(["LSTM"], seed=0))
    assert embed(["x", "y"]).shape == (2, EMBED_DIM)


@pytest.mark.parametrize("text, tokens, rows", [
    ("0.5, 1, -2", ("0.5", "1", "-2"), [[0.5], [1.0], [-2.0]]),
    ("1 2; 3 4", ("1 2", "3 4"), [[1, 2], [3, 4]]),
    ("1,2\n3,4\n", ("1 2", "3 4"), [[1, 2], [3, 4]]),
    ("０.５，１；−２，３", ("0.5 1", "-2 3"), [[0.5, 1], [-2, 3]]),  # full-width input
    ("1e3 -4.5e-1", ("1e3", "-4.5e-1"), [[1000.0], [-0.45]]),
    ("1 2;", ("1 2",), [[1, 2]]),
])
def test_numbers(text, tokens, rows):
    seq = encode(text, "numbers")
    assert seq.tokens == tokens
    np.testing.assert_array_equal(seq.x, np.array(rows, dtype=float))


@pytest.mark.parametrize("text, mode, key, fragment", [
    ("", "chars", "err.empty", "empty"),
    ("   \n ", "words", "err.empty", "empty"),
    ("", "numbers", "err.empty", "empty"),
    ("1, 2, abc", "numbers", "err.not_number", "“abc” (step 3)"),
    ("1, nan", "numbers", "err.not_finite", "step 2"),
    ("inf", "numbers", "err.not_finite", "step 1"),
    ("1e400", "numbers", "err.not_finite", "step 1"),
    ("1e9", "numbers", "err.too_big", "between"),
    ("1 2; 3", "numbers", "err.ragged", "Step 2 has 1 numbers but step 1 has 2"),
    ("1 2;; 3 4", "numbers", "err.empty_vector", "Step 2"),
    ("<b>x</b>", "numbers", "err.not_number", "<b>x</b>"),
    ("hello", "pictures", "err.mode", "pictures"),
])
def test_bad_input_says_what_is_wrong(text, mode, key, fragment):
    with pytest.raises(InputError) as info:
        encode(text, mode)
    assert info.value.key == key
    assert fragment in str(info.value)
    assert tr(key, "zh", **info.value.values) != str(info.value)  # translated
    assert tr(key, "en", **info.value.values) == str(info.value)  # the core's English


def test_long_sequences_keep_first_500_steps():
    seq = encode("a" * 1234, "chars")
    assert len(seq.tokens) == MAX_STEPS and seq.x.shape == (MAX_STEPS, EMBED_DIM)
    assert seq.total_steps == 1234 and seq.truncated
    nums = encode(", ".join(["1"] * 700), "numbers")
    assert nums.x.shape == (MAX_STEPS, 1) and nums.total_steps == 700
    assert not encode("ab", "chars").truncated


def test_huge_paste_is_capped_quickly():
    seq = encode("字" * 5_000_000, "chars")
    assert len(seq.tokens) == MAX_STEPS and seq.truncated


def test_html_looking_text_is_kept_as_typed():
    assert encode("<b>x</b> <script>", "words").tokens == ("<b>x</b>", "<script>")


def test_parse_units_and_int():
    assert parse_units("128, 64, 32, 8") == (128, 64, 32, 8)
    assert parse_units("128 64") == (128, 64)
    assert parse_units("128→64→32→8") == parse_units("128 → 64 -> 32 ⟶ 8") == (128, 64, 32, 8)
    with pytest.raises(InputError):
        parse_units("128→-64")
    assert parse_units("１２８，６４") == (128, 64)
    for bad in ("", "12, x", "0", "1.5", "-3", "300", "1,2,3,4,5,6,7,8,9"):
        with pytest.raises(InputError):
            parse_units(bad)
    assert parse_int("7", "units", 1, 64) == 7
    with pytest.raises(InputError, match="from 1 to 64"):
        parse_int("65", "units", 1, 64)
    with pytest.raises(InputError):
        parse_int(True, "units", 1, 64)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["chars", "words", "numbers"]))
def test_any_text_encodes_or_raises_input_error(text, mode):
    try:
        seq = encode(text, mode)
    except InputError as err:
        assert str(err) and tr(err.key, "en", **err.values) and tr(err.key, "zh", **err.values)
        return
    assert len(seq.tokens) == seq.x.shape[0] >= 1
    assert np.isfinite(seq.x).all()
    assert not seq.x.flags.writeable


def test_input_error_carries_a_code_its_values_and_english():
    from lstm_viz.inputs import MESSAGES

    err = InputError("err.too_wide", step=2, got=70, limit=64)
    assert (err.key, err.values) == ("err.too_wide", {"step": 2, "got": 70, "limit": 64})
    assert str(err) == "Step 2 has 70 numbers; at most 64 per step are allowed."
    assert isinstance(err, ValueError) and set(MESSAGES) == {k for k in MESSAGES
                                                             if k.startswith("err.")}
    with pytest.raises(KeyError):
        InputError("err.no_such_code")
