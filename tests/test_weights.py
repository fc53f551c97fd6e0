"""lstm_viz.weights: the W, U, b that every recurrent layer checks the same way."""

from dataclasses import dataclass

import numpy as np
import pytest

from lstm_viz.cell import LSTM
from lstm_viz.weights import RecurrentWeights
from lstm_viz.why import TanhRNN


@dataclass(frozen=True, eq=False)
class ThreeBlocks(RecurrentWeights):
    """A layer with three gate blocks, as a GRU would have."""

    BLOCKS = 3


def test_sizes_follow_the_blocks():
    layer = ThreeBlocks(np.zeros((6, 5)), np.zeros((6, 2)), np.zeros(6))
    assert (layer.input_size, layer.hidden_size, layer.dtype) == (5, 2, np.float64)
    assert (LSTM.BLOCKS, TanhRNN.BLOCKS) == (4, 1)


@pytest.mark.parametrize(("W", "U", "b", "fragment"), [
    (np.zeros((7, 5)), np.zeros((7, 2)), np.zeros(7), r"W must have shape \(3H, X\)"),
    (np.zeros((6, 5)), np.zeros((6, 3)), np.zeros(6), r"U must have shape \(3H, H\) = \(6, 2\)"),
    (np.zeros((6, 5)), np.zeros((6, 2)), np.zeros(5), r"b must have shape \(3H,\) = \(6,\)"),
    (np.zeros((6, 5)), np.full((6, 2), np.nan), np.zeros(6), "weight U contains NaN"),
])
def test_bad_weights_say_which_shape_or_value_is_wrong(W, U, b, fragment):
    with pytest.raises(ValueError, match=fragment):
        ThreeBlocks(W, U, b)


def test_arrays_are_read_only_copies_in_one_dtype():
    W = np.ones((3, 2), np.float32)
    layer = ThreeBlocks(W, np.ones((3, 1)), np.ones(3, np.float32))
    assert layer.W.dtype == layer.U.dtype == layer.b.dtype == np.float64
    assert not layer.W.flags.writeable and W.flags.writeable
    W[0, 0] = 5.0
    assert layer.W[0, 0] == 1.0
