"""The step arithmetic on /gates, checked as a learner with a calculator checks it.

Each line the page shows is parsed back into numbers and every "=" is recomputed from the
numbers *as shown*: a sum of shown parts must equal the shown total exactly; σ, tanh and
products of shown numbers, rounded to the shown digits (halves away from zero), must give
the shown result. "≈" may stand only where that recomputation gives another number. The
shown numbers must also be the run's: totals rounded, parts of a sum within one unit of
the last digit.
"""

import math
import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from conftest import assert_clean, open_page
from hypothesis import given, settings
from hypothesis import strategies as st
from player_payload import arith_data, arithmetic_inputs, arithmetic_lines, player_data, set_player

from lstm_viz import LSTM
from lstm_viz.demos import NAMES, load
from lstm_viz.explain import DIGITS, explain_step
from text.i18n import tr

# ---- a small reader of the lines: numbers, +, ·, σ(…), tanh(…), parentheses ---------------

TOKEN = re.compile(r"\s*(−?\d+\.\d+|σ\(|tanh\(|[()+·])")


def tokens(text: str) -> list[str]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        assert m, f"cannot read {text[pos:]!r} in {text!r}"
        out.append(m.group(1))
        pos = m.end()
    return out


def parse(text: str):
    """A tree: ("num", Decimal, digits) | ("sum", [..]) | ("prod", [..]) | (fn, arg)."""
    toks = tokens(text)
    pos = 0

    def expr():
        terms = [term()]
        while pos < len(toks) and toks[pos] == "+":
            advance()
            terms.append(term())
        return terms[0] if len(terms) == 1 else ("sum", terms)

    def term():
        factors = [factor()]
        while pos < len(toks) and toks[pos] == "·":
            advance()
            factors.append(factor())
        return factors[0] if len(factors) == 1 else ("prod", factors)

    def factor():
        tok = advance()
        if tok in ("σ(", "tanh("):
            inner = expr()
            assert advance() == ")"
            return (tok[:-1], inner)
        if tok == "(":
            inner = expr()
            assert advance() == ")"
            return inner
        digits = len(tok.split(".")[1])
        return ("num", Decimal(tok.replace("−", "-")), digits)

    def advance():
        nonlocal pos
        pos += 1
        return toks[pos - 1]

    tree = expr()
    assert pos == len(toks), f"left over in {text!r}"
    return tree


def value(tree):
    """The exact value of a tree as a learner computes it: Decimal for sums and products
    of shown numbers, float for σ and tanh."""
    kind = tree[0]
    if kind == "num":
        return tree[1]
    if kind == "sum":
        return sum(value(t) for t in tree[1])
    if kind == "prod":
        return math.prod(value(t) for t in tree[1])
    x = float(value(tree[1]))
    return Decimal(math.tanh(x) if kind == "tanh" else 1.0 / (1.0 + math.exp(-x)))


def rounded(exact: Decimal, digits: int) -> Decimal:
    return Decimal(exact).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def holds(left, right) -> bool:
    """Does ``left = right`` hold, recomputed from the numbers shown?"""
    if right[0] == "num":
        if left[0] == "num" or left[0] == "sum" and all(t[0] == "num" for t in left[1]):
            return value(left) == right[1]  # a sum of shown numbers adds up exactly
        return rounded(value(left), right[2]) == right[1]  # σ, tanh, products: rounded
    if left[0] != right[0]:
        return False
    if left[0] in ("σ", "tanh"):
        return holds(left[1], right[1])
    return len(left[1]) == len(right[1]) and all(map(holds, left[1], right[1]))


def numbers(tree) -> list[Decimal]:
    if tree[0] == "num":
        return [tree[1]]
    inner = tree[1] if tree[0] in ("sum", "prod") else [tree[1]]
    return [n for t in inner for n in numbers(t)]


def check_line(line: str) -> list:
    """Check every "=" and "≈" between the numeric parts of ``line``; return the parts."""
    assert "-" not in line and "inf" not in line and "nan" not in line, line
    pieces = re.split(r" ([=≈]) ", line)
    # pieces: symbol, "=", symbolic form, "=", numbers, rel, numbers, …
    assert pieces[1] == "=" and pieces[3] == "=", line
    trees = [parse(p) for p in pieces[4::2]]
    for left, rel, right in zip(trees[:-1], pieces[5::2], trees[1:], strict=True):
        ok = holds(left, right)
        assert (rel == "=") == ok, f"{rel!r} where the shown numbers give {ok}: {line}"
    return trees


def check_step(lines: list[str], ex) -> None:
    """The six lines of a step: each adds up, and the numbers shown are the run's."""
    assert len(lines) == 6
    trees = [check_line(line) for line in lines]
    near = lambda shown, true, units: abs(float(shown) - true) <= units * 1e-3 + 1e-9  # noqa: E731
    for tree, key in zip(trees[:4], "figo", strict=True):  # act(parts) = act(z) ≈ value
        g = ex.gate(key)
        parts, (z,), (v,) = numbers(tree[0]), numbers(tree[1]), numbers(tree[2])
        assert all(near(p, t, 1) for p, t in zip(parts, (g.wx, g.uh, g.b), strict=True))
        assert near(z, g.z, 0.5) and near(v, g.value, 0.5)
    f, cp, i, g = numbers(trees[4][0])
    assert [f, i, g] == [numbers(trees[k][-1])[0] for k in (0, 1, 2)]  # the lines agree
    kept, written = numbers(trees[4][1])
    assert near(kept, ex.gate("f").value * ex.c_prev, 1)
    assert near(written, ex.gate("i").value * ex.gate("g").value, 1)
    assert near(cp, ex.c_prev, 0.5) and near(numbers(trees[4][2])[0], ex.c, 0.5)
    o, c = numbers(trees[5][0])
    assert o == numbers(trees[3][-1])[0] and c == numbers(trees[4][2])[0]
    assert near(numbers(trees[5][1])[1], ex.tanh_c, 0.5)
    assert near(numbers(trees[5][2])[0], ex.h, 0.5)


# ---- the checker itself ---------------------------------------------------------------------

@pytest.mark.parametrize("line, ok", [
    ("f = σ(W_f·xₜ + U_f·hₜ₋₁ + b_f) = σ(0.156 + 0.000 + 0.037) = σ(0.193) = 0.548", True),
    ("f = σ(W_f·xₜ + U_f·hₜ₋₁ + b_f) = σ(0.156 + 0.000 + 0.037) = σ(0.192) = 0.548", False),
    ("f = σ(W_f·xₜ + U_f·hₜ₋₁ + b_f) = σ(0.156 + 0.000 + 0.037) = σ(0.193) = 0.549", False),
    ("f = σ(W_f·xₜ + U_f·hₜ₋₁ + b_f) = σ(0.156 + 0.000 + 0.037) = σ(0.193) ≈ 0.548", False),
    ("Cₜ = f·Cₜ₋₁ + i·C̃ₜ = 0.585·0.034 + 0.416·(−0.720) = 0.020 + (−0.300) = −0.280", True),
    ("Cₜ = f·Cₜ₋₁ + i·C̃ₜ = 0.585·0.034 + 0.416·(−0.720) = 0.020 + (−0.299) = −0.279", False),
    ("Cₜ = f·Cₜ₋₁ + i·C̃ₜ = 0.924·0.000 + 0.731·0.462 = 0.338", True),  # 0.337722
    ("Cₜ = f·Cₜ₋₁ + i·C̃ₜ = 0.924·0.000 + 0.731·0.462 = 0.337", False),
    ("hₜ = o·tanh(Cₜ) = 0.364·tanh(−0.280) = 0.364·(−0.273) ≈ −0.100", True),
    ("hₜ = o·tanh(Cₜ) = 0.500·tanh(0.373) = 0.500·0.357 = 0.179", True),  # 0.1785: half up
    ("hₜ = o·tanh(Cₜ) = 0.364·tanh(−0.280) = 0.364·(−0.273) = −0.100", False),
    ("hₜ = o·tanh(Cₜ) = 0.364·tanh(−0.280) ≈ 0.364·(−0.273) ≈ −0.100", False),
])
def test_the_checker_tells_a_sum_that_adds_up_from_one_that_does_not(line, ok):
    if ok:
        check_line(line)
    else:
        with pytest.raises(AssertionError):
            check_line(line)


# ---- the lines, straight from the core ------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.integers(1, 6), st.integers(1, 8), st.integers(1, 10), st.integers(0, 100_000),
       st.sampled_from([np.float32, np.float64]), st.floats(0.2, 4.0), st.data())
def test_every_equals_holds_for_random_models(X, H, T, seed, dtype, scale, data):
    lstm = LSTM.random(X, H, seed=seed, dtype=dtype)
    lstm = LSTM(lstm.W * scale, lstm.U * scale, lstm.b * scale)  # gates near 0, 1 and between
    trace = lstm.run(np.random.default_rng(seed).normal(size=(T, X)) * scale)
    step, unit = data.draw(st.integers(0, T - 1)), data.draw(st.integers(0, H - 1))
    ex = explain_step(lstm, trace, step, unit)
    check_step(ex.formulas(), ex)


@pytest.mark.parametrize("name", NAMES)
def test_every_equals_holds_for_the_trained_demos(name):
    demo = load(name)
    for text in demo.examples(2, seed=1):  # every step, unit and layer of each
        run = demo.model.run(demo.tokens(text))
        for lstm, trace in zip(demo.model.stack.layers, run.trace.layers, strict=True):
            for step in range(trace.steps):
                for unit in range(trace.hidden_size):
                    ex = explain_step(lstm, trace, step, unit)
                    check_step(ex.formulas(), ex)


def test_rounding_is_carried_where_the_nearest_would_not_add_up():
    # z = 0.1564 + 0.0003 + 0.0362 = 0.1929: the nearest parts 0.156 + 0.000 + 0.036 make
    # 0.192, not the 0.193 shown; the part that lost most (0.1564) carries the unit.
    lstm = LSTM(W=[[0.0], [0.1564], [0.0], [0.0]], U=[[0.0], [0.0003], [0.0], [0.0]],
                b=[0.0, 0.0362, 0.0, 0.0])
    trace = lstm.run([[1.0]], h0=[1.0])
    ex = explain_step(lstm, trace, 0, 0)
    assert ex.formulas()[0] == ("f = σ(W_f·xₜ + U_f·hₜ₋₁ + b_f) = σ(0.157 + 0.000 + 0.036) "
                                "= σ(0.193) = 0.548")
    check_step(ex.formulas(), ex)


def test_a_step_with_inf_or_nan_has_no_arithmetic():
    # float32 overflows: 3e38 · 10 is inf, and the cell gets inf or NaN
    big = np.float32(3e38)
    lstm = LSTM(W=np.full((4, 1), big), U=np.zeros((4, 1), np.float32),
                b=np.zeros(4, np.float32))
    with np.errstate(all="ignore"):
        ex = explain_step(lstm, lstm.run([[10.0]]), 0, 0)
    assert not ex.finite
    with pytest.raises(ValueError, match="not_finite"):
        ex.formulas()


# ---- the lines the page shows ---------------------------------------------------------------

def page_lines(at) -> list[str]:
    """The six lines the learner reads at the player's step (see tests/player_payload.py)."""
    assert_clean(at)
    return arithmetic_lines(at)


@pytest.mark.parametrize("query", [
    dict(seq="the cat sat on the mat", mode="words", units=5, seed=3, step=4, unit=2),
    dict(seq="1, -2, 3.5, 0, 7", mode="numbers", units=8, seed=11, step=5, unit=8),
    dict(seq="hello there", mode="chars", units=3, seed=0, step=7, unit=1),
    dict(model="pronoun-en", seq="Anna met the king in the park and she is happy .", step=3,
         unit=2),
])
def test_the_page_shows_arithmetic_that_adds_up(query):
    at = open_page("gates", **query)
    lines = page_lines(at)
    for line in lines:
        check_line(line)
    for step in (1, 2):  # and at other steps of the same run
        set_player(at, step, player_data(at)[0]["request"]["unit"])
        for line in page_lines(at):
            check_line(line)


def test_the_state_read_at_a_step_is_the_one_the_step_before_showed():
    at = open_page("gates", seq="a b c a b", mode="words", units=4, seed=2, step=2, unit=3)
    shown_h = page_lines(at)[5].split(" ")[-1]  # hₜ of step 2
    shown_c = page_lines(at)[4].split(" ")[-1]  # Cₜ of step 2
    set_player(at, 3, 3)
    state = arithmetic_inputs(at)
    h_prev = state[1].removeprefix("hₜ₋₁ = [").removesuffix("]").split(", ")
    assert h_prev[2] == shown_h
    assert page_lines(at)[4].split(" = ")[2].split("·")[1].strip("()").split(" ")[0] == shown_c


def test_the_page_says_how_the_numbers_are_rounded():
    for lang in ("en", "zh"):
        at = open_page("gates", lang=lang)
        note = tr("explain.rounding", lang, digits=DIGITS)
        assert "≈" in note and arith_data(at)[0]["text"]["rounding"] == note
