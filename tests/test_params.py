"""Tests for lstm_viz/params.py: hand-worked counts, framework facts and a live torch check."""

import doctest
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_viz import params
from lstm_viz.params import CONVENTIONS, compare_cells, count_params

# The article's stack, input 5 → LSTM 128 → 64 → 32 → 8 → Dense 1 (docs: frameworks.md).
ARTICLE_STACK = {"input_size": 5, "units": [128, 64, 32, 8], "dense": 1}
EXPECTED = {
    "article": ([68_096, 49_152, 12_288, 1_280], 130_825),
    "keras": ([68_608, 49_408, 12_416, 1_312], 131_753),
    "pytorch": ([69_120, 49_664, 12_544, 1_344], 132_681),
}


def _prod(shape):
    out = 1
    for n in shape:
        out *= n
    return out


# --- the article's stack ---------------------------------------------------------------

@pytest.mark.parametrize("convention", CONVENTIONS)
def test_article_stack_per_layer_and_total(convention):
    layers, total = EXPECTED[convention]
    b = count_params(**ARTICLE_STACK, convention=convention)
    assert [layer.total for layer in b.layers] == layers
    assert b.dense.total == 9
    assert b.total == total
    assert b.convention == convention


@pytest.mark.parametrize("convention", CONVENTIONS)
def test_the_one_definition_of_the_article_stack(convention):
    """params.ARTICLE is what the lesson, the pages and the figures draw."""
    stack = params.ARTICLE
    assert (stack.input_size, list(stack.units), stack.dense) == tuple(ARTICLE_STACK.values())
    assert stack.units_text == "128, 64, 32, 8"
    assert stack.count(convention).total == EXPECTED[convention][1]
    assert stack.count(convention, bidirectional=True) == count_params(
        **ARTICLE_STACK, convention=convention, bidirectional=True)


def test_default_convention_is_keras():
    assert count_params(**ARTICLE_STACK).total == 131_753


def test_pytorch_keras_gap_is_the_second_bias():
    totals = {c: count_params(**ARTICLE_STACK, convention=c).total for c in CONVENTIONS}
    assert totals["pytorch"] - totals["keras"] == 928 == 4 * (128 + 64 + 32 + 8)


def test_layer_inputs_chain_and_split_into_W_U_bias():
    b = count_params(**ARTICLE_STACK, convention="keras")
    assert [layer.input_size for layer in b.layers] == [5, 128, 64, 32]
    first = b.layers[0]
    assert (first.W, first.U, first.bias, first.projection) == (4 * 128 * 5, 4 * 128 * 128, 512, 0)
    assert (first.index, first.kind, first.recurrent_size, first.directions) == (0, "lstm", 128, 1)
    assert (b.dense.input_size, b.dense.units, b.dense.W, b.dense.bias) == (8, 1, 8, 1)


@pytest.mark.parametrize("convention, formula", [
    ("article", "4·128·(128+5) = 68,096"),
    ("keras", "4·(128·(128+5) + 128) = 68,608"),
    ("pytorch", "4·128·(128+5) + 8·128 = 69,120"),
])
def test_formula_has_the_numbers_put_in(convention, formula):
    b = count_params(**ARTICLE_STACK, convention=convention)
    assert b.layers[0].formula == formula
    assert b.dense.formula == "8·1 + 1 = 9"


def test_output_shapes_match_keras_summary():
    b = count_params(**ARTICLE_STACK)
    assert b.output_shapes == ((None, None, 128), (None, None, 64), (None, None, 32),
                               (None, 8), (None, 1))
    assert count_params(5, 16).output_shapes == ((None, 16),)


def test_keras_shapes():
    b = count_params(**ARTICLE_STACK, convention="keras")
    assert b.layers[1].shapes == (("kernel", (128, 256)), ("recurrent_kernel", (64, 256)),
                                  ("bias", (256,)))
    assert b.dense.shapes == (("kernel", (8, 1)), ("bias", (1,)))


def test_pytorch_shapes():
    b = count_params(**ARTICLE_STACK, convention="pytorch")
    assert b.layers[1].shapes == (("weight_ih_l1", (256, 128)), ("weight_hh_l1", (256, 64)),
                                  ("bias_ih_l1", (256,)), ("bias_hh_l1", (256,)))
    assert b.dense.shapes == (("weight", (1, 8)), ("bias", (1,)))


def test_article_shapes_are_per_gate_without_bias():
    shapes = dict(count_params(5, 4, convention="article").layers[0].shapes)
    assert list(shapes) == ["W_i", "W_f", "W_g", "W_o", "U_i", "U_f", "U_g", "U_o"]
    assert shapes["W_f"] == (4, 5) and shapes["U_o"] == (4, 4)


def test_single_int_units_is_one_layer():
    assert count_params(5, 128) == count_params(5, [128]) == count_params(5, (128,))
    assert count_params(5, 128).total == 68_608


def test_integral_floats_and_numpy_ints_are_accepted():
    assert count_params(5.0, [np.int64(128), 64.0], dense=np.int32(1)).total \
        == count_params(5, [128, 64], dense=1).total


def test_convention_is_case_insensitive():
    assert count_params(5, 8, convention="PyTorch").convention == "pytorch"


def test_module_doctests_pass():
    assert doctest.testmod(params).failed == 0


# --- bidirectional and projection, against hand formulas -----------------------------

def test_bidirectional_hand_formula():
    # X=5, units [16, 8], Dense 1; layer 2 reads 2·16, Dense reads 2·8
    keras = 2 * 4 * (16 * (16 + 5) + 16) + 2 * 4 * (8 * (8 + 32) + 8) + (16 * 1 + 1)
    b = count_params(5, [16, 8], dense=1, bidirectional=True)
    assert b.total == keras == 5_457
    assert [layer.input_size for layer in b.layers] == [5, 32]
    assert b.dense.input_size == 16
    assert b.output_shapes == ((None, None, 32), (None, 16), (None, 1))
    assert b.layers[0].formula == "2·(4·(16·(16+5) + 16)) = 2,816"


def test_bidirectional_shapes_name_both_directions():
    torch_names = [n for n, _ in count_params(5, 8, convention="pytorch",
                                              bidirectional=True).layers[0].shapes]
    assert torch_names == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                           "weight_ih_l0_reverse", "weight_hh_l0_reverse",
                           "bias_ih_l0_reverse", "bias_hh_l0_reverse"]
    keras_names = [n for n, _ in count_params(5, 8, bidirectional=True).layers[0].shapes]
    assert keras_names[0] == "forward_lstm/kernel" and keras_names[3] == "backward_lstm/kernel"


def test_projection_hand_formula():
    # 4·H·(X+P) + 8·H + P·H per layer; the next layer and Dense read P
    first = 4 * 16 * (5 + 4) + 8 * 16 + 4 * 16
    second = 4 * 8 * (4 + 4) + 8 * 8 + 4 * 8
    b = count_params(5, [16, 8], dense=1, convention="pytorch", proj_size=4)
    assert [layer.total for layer in b.layers] == [first, second] == [768, 352]
    assert b.total == first + second + 4 * 1 + 1
    assert b.layers[0].projection == 64 and b.layers[0].recurrent_size == 4
    assert b.layers[0].shapes[-1] == ("weight_hr_l0", (4, 16))
    assert b.layers[0].formula == "4·16·(5+4) + 8·16 + 4·16 = 768"
    assert b.output_shapes == ((None, None, 4), (None, 4), (None, 1))


def test_bidirectional_projection_hand_formula():
    first = 2 * (4 * 16 * (5 + 4) + 8 * 16 + 4 * 16)
    second = 2 * (4 * 8 * (2 * 4 + 4) + 8 * 8 + 4 * 8)  # input is 2·P
    b = count_params(5, [16, 8], dense=1, convention="pytorch", bidirectional=True, proj_size=4)
    assert b.total == first + second + (2 * 4 + 1) == 2_505


# --- other cells ------------------------------------------------------------------------

def test_compare_cells_gru_keras_reset_after_vs_before():
    rows = {row.name: row.total for row in compare_cells(5, 8)}
    assert rows["gru_reset_after"] == 360
    assert rows["gru_reset_before"] == 336


def test_compare_cells_every_row_against_hand_numbers():
    H, X = 8, 5
    expected = {
        "lstm_article": 4 * H * (H + X), "lstm_keras": 4 * (H * (H + X) + H),
        "lstm_pytorch": 4 * H * (H + X) + 8 * H, "lstm_peephole": 4 * (H * (H + X) + H) + 3 * H,
        "lstm_coupled": 3 * (H * (H + X) + H), "gru_reset_after": 3 * H * (H + X) + 6 * H,
        "gru_reset_before": 3 * (H * (H + X) + H), "rnn_keras": H * (H + X) + H,
        "rnn_pytorch": H * (H + X) + 2 * H,
    }
    rows = compare_cells(X, H)
    assert {row.name: row.total for row in rows} == expected
    assert len(rows) == len(expected)
    assert all(row.formula.endswith(f"= {row.total:,}") for row in rows)


def test_compare_cells_lstm_rows_agree_with_count_params():
    rows = {row.name: row.total for row in compare_cells(7, 12)}
    for convention in CONVENTIONS:
        assert rows[f"lstm_{convention}"] == count_params(7, 12, convention=convention).total


def test_compare_cells_peephole_adds_three_vectors():
    rows = {row.name: row for row in compare_cells(5, 8)}
    assert rows["lstm_peephole"].total - rows["lstm_keras"].total == 3 * 8
    assert rows["lstm_peephole"].formula == "4·(8·(8+5) + 8) + 3·8 = 472"


# --- validation -------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, match", [
    ({"input_size": 0}, "input_size must be between 1"),
    ({"input_size": -3}, "input_size must be between 1"),
    ({"input_size": True}, "input_size must be a whole number"),
    ({"input_size": 2.5}, "input_size must be a whole number"),
    ({"input_size": float("nan")}, "input_size must be a whole number"),
    ({"input_size": "5"}, "input_size must be a whole number"),
    ({"input_size": None}, "input_size must be a whole number"),
    ({"input_size": 1_000_001}, "between 1 and 1,000,000"),
    ({"units": []}, "units is empty"),
    ({"units": [0]}, "units must be between 1"),
    ({"units": [8, True]}, r"units\[1\] must be a whole number"),
    ({"units": [8, -1]}, r"units\[1\] must be between 1"),
    ({"units": "8"}, "units must be a whole number"),
    ({"units": [4] * 65}, "at most 64"),
    ({"units": [10**7]}, "between 1 and 1,000,000"),
    ({"dense": 0}, "dense must be between 1"),
    ({"dense": 1.5}, "dense must be a whole number"),
    ({"convention": "tensorflow"}, "one of article, keras, pytorch"),
    ({"convention": None}, "one of article, keras, pytorch"),
    ({"bidirectional": "yes"}, "bidirectional must be True or False"),
    ({"proj_size": 2}, "proj_size is a PyTorch option"),
    ({"proj_size": 2, "convention": "article"}, "proj_size is a PyTorch option"),
    ({"proj_size": 8, "convention": "pytorch"}, "proj_size must be smaller"),
    ({"proj_size": 4, "units": [16, 4], "convention": "pytorch"}, "below 4"),
    ({"proj_size": -1, "convention": "pytorch"}, "proj_size must be between 0"),
])
def test_bad_arguments_raise_value_error_saying_what_to_change(kwargs, match):
    args = {"input_size": 5, "units": [8], **kwargs}
    with pytest.raises(ValueError, match=match):
        count_params(**args)


@pytest.mark.parametrize("input_size, units", [(0, 8), (5, 0), (5, [8, 4]), (5, True)])
def test_compare_cells_validates(input_size, units):
    with pytest.raises(ValueError):
        compare_cells(input_size, units)


def test_64_layers_is_the_limit():
    assert len(count_params(3, [2] * 64).layers) == 64


# --- properties over random configurations --------------------------------------------

sizes = st.integers(1, 300)
configs = st.fixed_dictionaries({
    "input_size": sizes, "units": st.lists(sizes, min_size=1, max_size=6),
    "dense": st.none() | st.integers(1, 50), "bidirectional": st.booleans(),
})


@settings(max_examples=200, deadline=None)
@given(configs, st.sampled_from(CONVENTIONS))
def test_total_is_the_sum_of_the_rows(config, convention):
    b = count_params(**config, convention=convention)
    dense = b.dense.total if b.dense else 0
    assert b.total == sum(layer.total for layer in b.layers) + dense
    for layer in b.layers:
        assert layer.total == layer.W + layer.U + layer.bias + layer.projection
        assert layer.total == sum(_prod(shape) for _, shape in layer.shapes)
    if b.dense:
        assert b.dense.total == sum(_prod(shape) for _, shape in b.dense.shapes)
    assert len(b.output_shapes) == len(b.layers) + (b.dense is not None)


@settings(max_examples=200, deadline=None)
@given(configs)
def test_conventions_differ_by_bias_vectors(config):
    totals = {c: count_params(**config, convention=c).total for c in CONVENTIONS}
    bias = 4 * sum(config["units"]) * (2 if config["bidirectional"] else 1)
    assert totals["pytorch"] - totals["keras"] == bias
    assert totals["article"] == totals["keras"] - bias


@settings(max_examples=200, deadline=None)
@given(configs)
def test_independent_formula(config):
    X, D = config["input_size"], 2 if config["bidirectional"] else 1
    expected = 0
    for H in config["units"]:
        expected += D * 4 * (H * (H + X) + H)
        X = D * H
    if config["dense"]:
        expected += X * config["dense"] + config["dense"]
    assert count_params(**config).total == expected


@st.composite
def projected_configs(draw):
    units = draw(st.lists(st.integers(2, 200), min_size=1, max_size=5))
    return {"input_size": draw(sizes), "units": units,
            "proj_size": draw(st.integers(1, min(units) - 1)),
            "dense": draw(st.none() | st.integers(1, 20)), "bidirectional": draw(st.booleans())}


@settings(max_examples=200, deadline=None)
@given(projected_configs())
def test_projection_independent_formula(config):
    X, P, D = config["input_size"], config["proj_size"], 2 if config["bidirectional"] else 1
    expected = 0
    for H in config["units"]:
        expected += D * (4 * H * (X + P) + 8 * H + P * H)
        X = D * P
    if config["dense"]:
        expected += X * config["dense"] + config["dense"]
    assert count_params(**config, convention="pytorch").total == expected


# --- live comparison against PyTorch ---------------------------------------------------

def _random_config(seed):
    rng = random.Random(seed)
    units = [rng.randint(2, 40) for _ in range(rng.randint(1, 4))]
    return {"input_size": rng.randint(1, 30), "units": units,
            "dense": rng.choice([None, rng.randint(1, 10)]),
            "bidirectional": rng.random() < 0.5,
            "proj_size": rng.choice([0, rng.randint(1, min(units) - 1)])}


TORCH_CONFIGS = [
    {**ARTICLE_STACK, "bidirectional": False, "proj_size": 0},
    {"input_size": 5, "units": [16, 8], "dense": 1, "bidirectional": True, "proj_size": 4},
    {"input_size": 3, "units": [10], "dense": None, "bidirectional": False, "proj_size": 3},
    *(_random_config(seed) for seed in range(10)),
]


def _torch_stack(nn, input_size, units, dense, bidirectional, proj_size):
    """One nn.LSTM per layer (widths differ), then an optional nn.Linear."""
    modules, X = [], input_size
    for H in units:
        modules.append(nn.LSTM(X, H, batch_first=True, bidirectional=bidirectional,
                               proj_size=proj_size))
        X = (proj_size or H) * (2 if bidirectional else 1)
    if dense:
        modules.append(nn.Linear(X, dense))
    return modules


@pytest.mark.parametrize("config", TORCH_CONFIGS)
def test_pytorch_convention_matches_torch(config):
    nn = pytest.importorskip("torch").nn
    modules = _torch_stack(nn, **config)
    b = count_params(**config, convention="pytorch")
    assert b.total == sum(p.numel() for m in modules for p in m.parameters())
    for layer, module in zip(b.layers, modules, strict=False):
        torch_shapes = [tuple(p.shape) for p in module.parameters()]
        assert [shape for _, shape in layer.shapes] == torch_shapes
        assert layer.total == sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("num_layers, bidirectional, proj_size", [
    (1, False, 0), (3, False, 0), (2, True, 0), (3, True, 5), (2, False, 7),
])
def test_pytorch_names_match_named_parameters(num_layers, bidirectional, proj_size):
    nn = pytest.importorskip("torch").nn
    lstm = nn.LSTM(6, 12, num_layers=num_layers, bidirectional=bidirectional,
                   proj_size=proj_size)
    b = count_params(6, [12] * num_layers, convention="pytorch", bidirectional=bidirectional,
                     proj_size=proj_size)
    ours = [pair for layer in b.layers for pair in layer.shapes]
    assert ours == [(name, tuple(p.shape)) for name, p in lstm.named_parameters()]


@pytest.mark.parametrize("args, key, values", [
    ((5, 0), "err.params.size", dict(name="units", low=1, high="1,000,000", got="0")),
    ((5, []), "err.params.no_units", {}),
    ((5, [8] * 65), "err.params.layers", dict(limit=64)),
    ((5, 8.5), "err.params.whole", dict(name="units", got="8.5")),
])
def test_errors_carry_a_code_and_values_for_translation(args, key, values):
    from lstm_viz.params import MESSAGES, ParamsError

    with pytest.raises(ParamsError) as caught:
        count_params(*args)
    assert (caught.value.key, caught.value.values) == (key, values)
    assert str(caught.value) == MESSAGES[key].format(**values)
    assert isinstance(caught.value, ValueError)
