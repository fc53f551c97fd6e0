"""lstm-viz: an LSTM in NumPy that records every gate at every time step.

>>> from lstm_viz import LSTM
>>> trace = LSTM.random(input_size=3, hidden_size=4, seed=0).run([[1, 0, 0], [0, 1, 0]])
>>> trace.c.shape          # (T, H): the cell state after each step
(2, 4)
"""

from lstm_viz.cell import GATES, LSTM, LSTMStep, LSTMTrace, sigmoid
from lstm_viz.params import ParamBreakdown, count_params
from lstm_viz.stack import Dense, StackedLSTM, StackedTrace

__all__ = [
    "GATES", "LSTM", "LSTMStep", "LSTMTrace", "sigmoid",
    "Dense", "StackedLSTM", "StackedTrace",
    "ParamBreakdown", "count_params",
]
